import { equalBytes } from './compare.js';
import { checkHashLength, checkLength, decodeBase64, parseCount } from './format.js';
import { symfonyDigest } from './hash-loops.js';
import { DigestFormatError, type Hasher } from './hasher.js';
import { SHA512_SYMFONY_MAX_ITERATIONS } from './limits.js';

// Clerk's layout: `sha512_symfony$<iterations>$<salt>$<base64 hash>`, Symfony's legacy
// MessageDigestPasswordEncoder('sha512', base64 = true, iterations): s = password + "{" + salt + "}",
// d = sha512(s), then iterations-1 times d = sha512(d ‖ s). The hash is the last field, so the
// salt may contain `$`; Symfony itself refuses salts with `{` or `}`.
const PREFIX = 'sha512_symfony$';
const SHA512_BYTES = 64;

function parse(digest: string): { iterations: number; salt: string; hash: Buffer } {
  checkLength(digest, 'sha512_symfony');
  const afterIterations = digest.indexOf('$', PREFIX.length);
  const beforeHash = digest.lastIndexOf('$');
  if (!digest.startsWith(PREFIX) || afterIterations === -1 || beforeHash <= afterIterations) {
    throw new DigestFormatError('sha512_symfony digest must be sha512_symfony$<iterations>$<salt>$<hash>');
  }
  const iterations = parseCount(digest.slice(PREFIX.length, afterIterations), 'sha512_symfony iterations', SHA512_SYMFONY_MAX_ITERATIONS);
  const salt = digest.slice(afterIterations + 1, beforeHash);
  if (/[{}]/.test(salt)) throw new DigestFormatError('sha512_symfony salt cannot contain { or }');
  const hash = decodeBase64(digest.slice(beforeHash + 1), 'sha512_symfony hash');
  checkHashLength(hash, 'sha512_symfony hash', SHA512_BYTES, SHA512_BYTES);
  return { iterations, salt, hash };
}

/** Symfony's mergePasswordAndSalt: PHP's empty() treats "" and "0" as no salt, leaving the bare password. */
function mergePasswordAndSalt(password: string, salt: string): Buffer {
  return Buffer.from(salt === '' || salt === '0' ? password : `${password}{${salt}}`, 'utf8');
}

export const sha512_symfony = {
  name: 'sha512_symfony',
  parse(digest: string) {
    parse(digest);
  },
  /** The SHA-512 loop runs on the hash-loop worker pool. */
  async verify(digest: string, password: string) {
    const { iterations, salt, hash } = parse(digest);
    return equalBytes(await symfonyDigest(mergePasswordAndSalt(password, salt), iterations), hash);
  },
} satisfies Hasher;
