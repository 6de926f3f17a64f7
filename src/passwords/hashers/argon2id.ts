import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import type { Hasher } from './hasher.js';
import { parseArgon2 } from './argon2-phc.js';

// OWASP Password Storage Cheat Sheet, argon2id option 2: m=19 MiB, t=2, p=1 (~10 ms here).
const OWASP = { memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

/** The default algorithm: every plain password Gatehouse stores is hashed with it. */
export const argon2id = {
  name: 'argon2id',
  parse(digest: string) {
    parseArgon2(digest, 'argon2id');
  },
  async verify(digest: string, password: string) {
    parseArgon2(digest, 'argon2id');
    return argon2Verify(digest, password);
  },
  /** Runs on libuv's thread pool (native), never on the event loop. */
  async hash(password: string) {
    return argon2Hash(password, { ...OWASP, algorithm: 2 /* Algorithm.Argon2id (a const enum) */ });
  },
  /** An (imported) argon2id digest weaker than OWASP's parameters is upgraded like a legacy one. */
  needsRehash(digest: string): boolean {
    const { memory, time } = parseArgon2(digest, 'argon2id');
    return memory < OWASP.memoryCost || time < OWASP.timeCost;
  },
} satisfies Hasher & { hash(password: string): Promise<string>; needsRehash(digest: string): boolean };
