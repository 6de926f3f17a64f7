import type { Hasher } from './hasher.js';
import { portablePhpassHasher } from './portable-phpass.js';

// Clerk documents no layout for md5_phpass; it is taken as the portable-phpass MD5 scheme, with the
// `$P$` (WordPress) and `$H$` (phpBB) prefixes, exactly as `phpass`.
export const md5_phpass = portablePhpassHasher('md5_phpass') satisfies Hasher;
