import type { Hasher } from './hasher.js';
import { saltedHexHasher } from './plain-digest.js';

// Layout: `<salt>$<64 hex characters>`, as Clerk documents it ("salt$hash"; the hash is a
// 64-length hex string). Clerk does not say how salt and password are combined; we use
// SHA-256(salt ‖ password) over UTF-8, the same order as md5_salted (Django's legacy salted
// hashers). There are no published vectors for this hasher.
export const sha256_salted = saltedHexHasher('sha256_salted', 'sha256') satisfies Hasher;
