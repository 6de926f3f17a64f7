import type { Hasher } from './hasher.js';
import { unsaltedHexHasher } from './plain-digest.js';

// Clerk's layout: 64 hex characters = SHA-256(password), unsalted.
// Insecure: the passwords service re-hashes it to the default algorithm after a successful sign-in.
export const sha256 = unsaltedHexHasher('sha256', 'sha256') satisfies Hasher;
