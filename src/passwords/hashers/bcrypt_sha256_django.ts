import { createHash } from 'node:crypto';
import { verify as bcryptVerify } from '@node-rs/bcrypt';
import { parseBcrypt } from './bcrypt.js';
import { checkLength } from './format.js';
import { DigestFormatError, type Hasher } from './hasher.js';

// Django's BCryptSHA256PasswordHasher: `bcrypt_sha256$` + a full bcrypt string (hence `$$`).
// bcrypt's input is the 64-character lowercase hex of SHA-256(password), so passwords longer than
// bcrypt's 72 bytes are not truncated.
const PREFIX = 'bcrypt_sha256$';

function parse(digest: string): string {
  checkLength(digest, 'bcrypt_sha256_django');
  if (!digest.startsWith(PREFIX)) throw new DigestFormatError('bcrypt_sha256_django digest must start with bcrypt_sha256$');
  const bcrypt = digest.slice(PREFIX.length);
  parseBcrypt(bcrypt);
  return bcrypt;
}

export const bcrypt_sha256_django = {
  name: 'bcrypt_sha256_django',
  parse(digest: string) {
    parse(digest);
  },
  /** @node-rs/bcrypt verifies on libuv's thread pool and compares in constant time. */
  async verify(digest: string, password: string) {
    const bcrypt = parse(digest);
    return bcryptVerify(createHash('sha256').update(password, 'utf8').digest('hex'), bcrypt);
  },
} satisfies Hasher;
