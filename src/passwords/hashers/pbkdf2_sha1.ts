import { checkLength, decodeHex, isHex, parseCount } from './format.js';
import { DigestFormatError, type Hasher } from './hasher.js';
import { PBKDF2_MAX_KEY_BYTES } from './limits.js';
import { parseIterations, pbkdf2Hasher } from './pbkdf2.js';

// Clerk's layout: `pbkdf2_sha1$<iterations>$<salt>$<hex hash>` or `…$<hex hash>$<key length>`.
// The salt is hex-decoded when it is valid (even-length) hex, else its UTF-8 bytes are the salt;
// the key length is in bytes and defaults to 32, and must match the stored hash.
const DEFAULT_KEY_BYTES = 32;

export const pbkdf2_sha1 = pbkdf2Hasher('pbkdf2_sha1', (digest) => {
  checkLength(digest, 'pbkdf2_sha1');
  const [prefix, iterations = '', salt = '', hex = '', keyLength, ...extra] = digest.split('$');
  if (prefix !== 'pbkdf2_sha1' || extra.length > 0) throw new DigestFormatError('not a pbkdf2_sha1 digest');
  const hash = decodeHex(hex, 'pbkdf2_sha1 hash');
  const expected = keyLength === undefined ? DEFAULT_KEY_BYTES : parseCount(keyLength, 'pbkdf2_sha1 key length', PBKDF2_MAX_KEY_BYTES);
  if (hash.length !== expected) throw new DigestFormatError(`pbkdf2_sha1 hash is ${hash.length} bytes, key length says ${expected}`);
  return {
    digest: 'sha1',
    iterations: parseIterations(iterations, 'pbkdf2_sha1'),
    salt: isHex(salt) ? Buffer.from(salt, 'hex') : Buffer.from(salt, 'utf8'),
    hash,
  };
}) satisfies Hasher;
