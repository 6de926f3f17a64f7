import { checkLength, decodeHex } from './format.js';
import { DigestFormatError, type Hasher } from './hasher.js';
import { parseIterations, pbkdf2Hasher } from './pbkdf2.js';

// Clerk's layout: `pbkdf2_sha512$<iterations>$<salt>$<hex hash>`. The salt is the literal UTF-8
// string (never hex-decoded, unlike pbkdf2_sha512_hex); dkLen is the hex length / 2.

export const pbkdf2_sha512 = pbkdf2Hasher('pbkdf2_sha512', (digest) => {
  checkLength(digest, 'pbkdf2_sha512');
  const [prefix, iterations = '', salt = '', hash = '', ...extra] = digest.split('$');
  if (prefix !== 'pbkdf2_sha512' || extra.length > 0) throw new DigestFormatError('not a pbkdf2_sha512 digest');
  return {
    digest: 'sha512',
    iterations: parseIterations(iterations, 'pbkdf2_sha512'),
    salt: Buffer.from(salt, 'utf8'),
    hash: decodeHex(hash, 'pbkdf2_sha512 hash'),
  };
}) satisfies Hasher;
