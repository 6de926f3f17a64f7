import { scrypt } from 'node:crypto';
import { DigestFormatError } from './hasher.js';
import { SCRYPT_MAX_MEMORY_BYTES, SCRYPT_MAX_PARALLELISM } from './limits.js';

// Shared by scrypt_werkzeug and scrypt_firebase: the cost check and the async derivation.

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** scrypt needs 128·N·r bytes (the V array); that, and p (run sequentially), bound one verify. */
export function checkScryptCost(name: string, { N, r, p }: ScryptCost): void {
  if (!Number.isSafeInteger(N) || N < 2 || (N & (N - 1)) !== 0) throw new DigestFormatError(`${name}: N must be a power of two`);
  if (r < 1 || p < 1) throw new DigestFormatError(`${name}: r and p must be at least 1`);
  const memory = 128 * N * r;
  if (memory > SCRYPT_MAX_MEMORY_BYTES) {
    throw new DigestFormatError(`${name}: memory ${memory} (128·N·r) exceeds the limit ${SCRYPT_MAX_MEMORY_BYTES}`);
  }
  if (p > SCRYPT_MAX_PARALLELISM) throw new DigestFormatError(`${name}: p ${p} exceeds the limit ${SCRYPT_MAX_PARALLELISM}`);
}

/**
 * Async scrypt on libuv's thread pool. Node's default maxmem (32 MiB) refuses N=32768,r=8, so we
 * pass what OpenSSL actually allocates (V: 128·r·(N+2), B: 128·r·p) plus slack; checkScryptCost has
 * already bounded it.
 */
export function scryptBytes(password: string, salt: Buffer, keyLength: number, cost: ScryptCost): Promise<Buffer> {
  const maxmem = 128 * cost.r * (cost.N + cost.p + 2) + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(Buffer.from(password, 'utf8'), salt, keyLength, { ...cost, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
