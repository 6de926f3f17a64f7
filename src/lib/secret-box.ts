/**
 * Encryption at rest for secrets the server must read back in clear (TOTP secrets, webhook signing secrets):
 * AES-256-GCM, which both hides the value and detects any change to it.
 *
 * Sealed format (stored in the database, so do not change it; add `v2` instead):
 *   v1.<base64url 12-byte IV>.<base64url ciphertext ‖ 16-byte GCM tag>
 * The version prefix leaves room for a new algorithm or key id without migrating old rows.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
/**
 * 96-bit random IVs: GCM's native nonce size. NIST SP 800-38D caps random-IV use at 2^32 messages per key,
 * far above the number of secrets one deployment stores.
 */
const IV_BYTES = 12;
const TAG_BYTES = 16;
/**
 * HKDF stretches nothing: it only turns a long high-entropy string into a key. Refusing short material
 * stops a deployment from running with a key like `changeme`.
 */
const MIN_DERIVE_MATERIAL_CHARS = 32;
/** HKDF `info`: changing it changes every derived key, so existing sealed values would no longer open. */
const HKDF_INFO = 'gatehouse secret-box v1';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export interface SecretBox {
  /** Encrypts with a fresh random IV, so sealing the same text twice gives different output. */
  seal(plaintext: string): string;
  /** Decrypts; throws `SecretBoxError` if the value is malformed, was altered, or was sealed with another key. */
  open(sealed: string): string;
}

/** Deliberately vague: the caller learns that opening failed, not which check failed. */
export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== KEY_BYTES) throw new RangeError(`secret-box key must be ${KEY_BYTES} bytes`);
  const ownKey = Buffer.from(key); // a copy, so the caller zeroing or reusing its buffer cannot affect us

  return {
    seal(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, ownKey, iv, { authTagLength: TAG_BYTES });
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${VERSION}.${iv.toString('base64url')}.${body.toString('base64url')}`;
    },

    open(sealed) {
      const parts = sealed.split('.');
      const [version, ivText, bodyText] = parts;
      // Buffer.from(…, 'base64url') skips characters it does not know, so check the alphabet first.
      if (parts.length !== 3 || version !== VERSION || !ivText || !bodyText || !BASE64URL.test(ivText) || !BASE64URL.test(bodyText)) {
        throw new SecretBoxError('sealed value is malformed');
      }
      const iv = Buffer.from(ivText, 'base64url');
      const body = Buffer.from(bodyText, 'base64url');
      if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw new SecretBoxError('sealed value is malformed');
      try {
        const decipher = createDecipheriv(ALGORITHM, ownKey, iv, { authTagLength: TAG_BYTES });
        decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
        const plain = Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
        return plain.toString('utf8');
      } catch (cause) {
        throw new SecretBoxError('sealed value could not be opened (tampered or wrong key)', { cause });
      }
    },
  };
}

/**
 * Turns configured key material into a 32-byte key. In order:
 * 1. exactly 64 hex characters → those 32 bytes (e.g. `openssl rand -hex 32`);
 * 2. base64 or base64url of exactly 32 bytes (43 characters, or 44 with one `=`) → those bytes
 *    (e.g. `openssl rand -base64 32`);
 * 3. any other string of at least 32 characters → HKDF-SHA256(material, salt = empty, info = "gatehouse
 *    secret-box v1"). HKDF does not slow down guessing, so this is for long random strings, not passwords.
 * Shorter material throws a RangeError.
 */
export function deriveKey(material: string): Buffer {
  if (/^[0-9a-fA-F]{64}$/.test(material)) return Buffer.from(material, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(material) || /^[A-Za-z0-9_-]{43}$/.test(material)) {
    const bytes = Buffer.from(material, material.includes('-') || material.includes('_') ? 'base64url' : 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  if (material.length < MIN_DERIVE_MATERIAL_CHARS) {
    throw new RangeError(
      `secret-box key material must be 64 hex characters, base64 of 32 bytes, or a random string of at least ${MIN_DERIVE_MATERIAL_CHARS} characters`,
    );
  }
  return Buffer.from(hkdfSync('sha256', Buffer.from(material, 'utf8'), Buffer.alloc(0), HKDF_INFO, KEY_BYTES));
}
