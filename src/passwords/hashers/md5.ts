import type { Hasher } from './hasher.js';
import { unsaltedHexHasher } from './plain-digest.js';

// Clerk's layout: 32 hex characters = MD5(password), unsalted (e.g. 5f4dcc3b5aa765d61d8327deb882cf99).
// Insecure: the passwords service re-hashes it to the default algorithm after a successful sign-in.
export const md5 = unsaltedHexHasher('md5', 'md5') satisfies Hasher;
