import { checkLength, decodeBase64 } from './format.js';
import { DigestFormatError, type Hasher } from './hasher.js';
import { parseIterations, pbkdf2Hasher } from './pbkdf2.js';

// Django's PBKDF2PasswordHasher export: `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`.
// Same prefix as pbkdf2_sha256, but Django never decodes the salt: its UTF-8 text is the salt,
// even when it looks like hex or base64.

export const pbkdf2_sha256_django = pbkdf2Hasher('pbkdf2_sha256_django', (digest) => {
  checkLength(digest, 'pbkdf2_sha256_django');
  const [prefix, iterations = '', salt = '', hash = '', ...extra] = digest.split('$');
  if (prefix !== 'pbkdf2_sha256' || extra.length > 0) throw new DigestFormatError('not a Django pbkdf2_sha256 digest');
  return {
    digest: 'sha256',
    iterations: parseIterations(iterations, 'pbkdf2_sha256_django'),
    salt: Buffer.from(salt, 'utf8'),
    hash: decodeBase64(hash, 'pbkdf2_sha256_django hash'),
  };
}) satisfies Hasher;
