import { checkLength, decodeBase64 } from './format.js';
import { DigestFormatError, type Hasher } from './hasher.js';
import { parseIterations, pbkdf2Hasher } from './pbkdf2.js';

// Clerk's layout: `pbkdf2_sha256$<iterations>$<base64 salt>$<base64 hash>`, standard alphabet.
// The derived-key length is the decoded hash's (32, or 64 in Keycloak exports).

export const pbkdf2_sha256 = pbkdf2Hasher('pbkdf2_sha256', (digest) => {
  checkLength(digest, 'pbkdf2_sha256');
  const [prefix, iterations = '', salt = '', hash = '', ...extra] = digest.split('$');
  if (prefix !== 'pbkdf2_sha256' || extra.length > 0) throw new DigestFormatError('not a pbkdf2_sha256 digest');
  return {
    digest: 'sha256',
    iterations: parseIterations(iterations, 'pbkdf2_sha256'),
    salt: decodeBase64(salt, 'pbkdf2_sha256 salt'),
    hash: decodeBase64(hash, 'pbkdf2_sha256 hash'),
  };
}) satisfies Hasher;
