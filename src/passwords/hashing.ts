import { availableParallelism } from 'node:os';
import { ClerkError } from '../http/clerk-error.js';
import { createLimiter, QueueFullError, type Lane } from '../lib/limiter.js';

// Every password and backup-code hash of this process runs through one limiter (README, "Security"):
// - at most cores − 1 hashes at once: hashing runs on libuv's thread pool (4 threads by default), and on a
//   small machine letting all of them hash at once leaves no core for the event loop;
// - one lane per user (and one for user creation): lanes take turns, so one user's flood of guesses does
//   not delay everyone else's sign-in;
// - a bounded queue per lane: a request that would wait behind more than MAX_QUEUED_PER_LANE hashes is
//   answered at once with 429 too_many_requests and a Retry-After, instead of waiting for minutes.

/** A lane's waiting hashes. A verify_totp against the largest allowed set of backup codes is 20 hashes. */
export const MAX_QUEUED_PER_LANE = 64;
/** Waiting hashes of all lanes together: a bound on memory and on the longest wait. */
export const MAX_QUEUED = 512;

const limiter = createLimiter({
  slots: Math.max(1, availableParallelism() - 1),
  maxQueuedPerLane: MAX_QUEUED_PER_LANE,
  maxQueued: MAX_QUEUED,
});

export type { Lane };

/** Verifying one user's credentials (verify_password, verify_totp, sign-in). */
export const userLane = (userId: string): Lane => ({ key: `user:${userId}`, bounded: true });
/** Hashing a new password or backup codes in a request that creates or updates a user. */
export const writeLane = (userId?: string): Lane => ({ key: userId ? `user:${userId}` : 'create', bounded: true });
/** The import: an operator's batch job, which may wait as long as it takes. */
export const importLane: Lane = { key: 'import', bounded: false };

function busy(error: unknown): never {
  if (error instanceof QueueFullError) throw new ClerkError('too_many_requests', { retryAfter: error.retryAfterSeconds });
  throw error;
}

/** Runs one hash in `lane`; 429 too_many_requests (with Retry-After) when the lane's queue is full. */
export function hashing<T>(lane: Lane, task: () => Promise<T>): Promise<T> {
  return limiter.run(lane, task).catch(busy);
}

/** Runs several hashes in `lane`, all or none (429 when they do not all fit). */
export function hashingAll<T>(lane: Lane, tasks: (() => Promise<T>)[]): Promise<T[]> {
  return limiter.runAll(lane, tasks).catch(busy);
}

/**
 * For a process that serves no requests (`gatehouse import`): every core may hash, since no event loop
 * has to stay responsive, and nothing is refused. On 2 cores this doubles the rate of an import of plain passwords.
 */
export function hashOnEveryCore(): void {
  limiter.resize(availableParallelism());
  limiter.unbound(true);
}
