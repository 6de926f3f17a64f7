import { WorkerPool } from '../../lib/worker-pool.js';

// phpass (2^N MD5 rounds) and Symfony's MessageDigestPasswordEncoder (thousands of SHA-512 rounds)
// are loops of small hashes with no async node:crypto equivalent. Run inline, one phpass verify at
// the 2^19-round limit would stall the event loop for ~1 s, so the loops run on a worker pool. The
// workers only loop; parsing, encoding and the constant-time compare stay in the calling hasher.

type LoopTask =
  | { kind: 'phpass'; password: Uint8Array; salt: string; rounds: number }
  | { kind: 'symfony'; salted: Uint8Array; iterations: number };

// Plain JavaScript, evaluated inside each worker (see WorkerPool); `require` is Node's.
const HANDLER = `(task) => {
  const { createHash } = require('node:crypto');
  if (task.kind === 'phpass') {
    // phpass crypt_private: h = md5(salt ‖ pw), then \`rounds\` times h = md5(h ‖ pw).
    let h = createHash('md5').update(task.salt, 'latin1').update(task.password).digest();
    for (let i = 0; i < task.rounds; i++) h = createHash('md5').update(h).update(task.password).digest();
    return h;
  }
  if (task.kind === 'symfony') {
    // MessageDigestPasswordEncoder: d = sha512(s), then iterations-1 times d = sha512(d ‖ s).
    let d = createHash('sha512').update(task.salted).digest();
    for (let i = 1; i < task.iterations; i++) d = createHash('sha512').update(d).update(task.salted).digest();
    return d;
  }
  throw new Error('unknown task ' + task.kind);
}`;

let pool: WorkerPool<LoopTask, Uint8Array> | undefined;

function loops(): WorkerPool<LoopTask, Uint8Array> {
  pool ??= new WorkerPool<LoopTask, Uint8Array>(HANDLER);
  return pool;
}

/** The 16-byte phpass checksum of `password` (UTF-8) under `salt` after `rounds` MD5 rounds. */
export function phpassChecksum(password: string, salt: string, rounds: number): Promise<Uint8Array> {
  return loops().run({ kind: 'phpass', password: Buffer.from(password, 'utf8'), salt, rounds });
}

/** Symfony's iterated SHA-512 over the already merged `password{salt}` bytes. */
export function symfonyDigest(salted: Buffer, iterations: number): Promise<Uint8Array> {
  return loops().run({ kind: 'symfony', salted, iterations });
}

/** Stops the pool's workers (graceful shutdown); a later verify starts a new pool. */
export async function closeHashLoops(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.close();
}
