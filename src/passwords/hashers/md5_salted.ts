import type { Hasher } from './hasher.js';
import { saltedHexHasher } from './plain-digest.js';

// Layout: `<salt>$<32 hex characters>`, as Clerk documents it ("salt$hash"; the hash is a
// 32-length hex string). Clerk does not say how salt and password are combined; we use
// MD5(salt ‖ password) over UTF-8, the order of Django's legacy `md5$<salt>$<hash>` hasher (the
// same layout with the prefix stripped). There are no published vectors for this hasher.
export const md5_salted = saltedHexHasher('md5_salted', 'md5') satisfies Hasher;
