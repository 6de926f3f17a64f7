import { verify as argon2Verify } from '@node-rs/argon2';
import { parseArgon2 } from './argon2-phc.js';
import type { Hasher } from './hasher.js';

// PHC string `$argon2i$v=19$m=<KiB>,t=<iterations>,p=<lanes>$<salt>$<hash>` (unpadded base64), the
// layout Clerk documents. Verify-only: new passwords are hashed with argon2id.
export const argon2i = {
  name: 'argon2i',
  parse(digest: string) {
    parseArgon2(digest, 'argon2i');
  },
  /** @node-rs/argon2 verifies on libuv's thread pool and compares in constant time. */
  async verify(digest: string, password: string) {
    parseArgon2(digest, 'argon2i');
    return argon2Verify(digest, password);
  },
} satisfies Hasher;
