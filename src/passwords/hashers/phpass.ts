import type { Hasher } from './hasher.js';
import { portablePhpassHasher } from './portable-phpass.js';

// Clerk's layout: `$P$<rounds><8 salt chars><22 checksum chars>` (WordPress). phpBB's `$H$` spelling
// of the same scheme is accepted too.
export const phpass = portablePhpassHasher('phpass') satisfies Hasher;
