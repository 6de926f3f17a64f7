import { checkLength, decodeHex } from './format.js';
import { DigestFormatError, type Hasher } from './hasher.js';
import { parseIterations, pbkdf2Hasher } from './pbkdf2.js';

// Clerk's layout: `pbkdf2_sha512_hex$<iterations>$<hex salt>$<hex hash>`; both are hex-decoded and
// dkLen is the hash's byte length.

export const pbkdf2_sha512_hex = pbkdf2Hasher('pbkdf2_sha512_hex', (digest) => {
  checkLength(digest, 'pbkdf2_sha512_hex');
  const [prefix, iterations = '', salt = '', hash = '', ...extra] = digest.split('$');
  if (prefix !== 'pbkdf2_sha512_hex' || extra.length > 0) throw new DigestFormatError('not a pbkdf2_sha512_hex digest');
  return {
    digest: 'sha512',
    iterations: parseIterations(iterations, 'pbkdf2_sha512_hex'),
    salt: decodeHex(salt, 'pbkdf2_sha512_hex salt'),
    hash: decodeHex(hash, 'pbkdf2_sha512_hex hash'),
  };
}) satisfies Hasher;
