import type { Executor } from '../db/database.js';
import { ClerkError } from '../http/clerk-error.js';
import { userNotFound } from '../users/errors.js';
import { readSettings } from '../instance/settings.js';
import type { Clock } from '../lib/clock.js';
import { findLockoutState, reserveAttempt, settleAttempt, type LockoutState } from '../users/columns/service.js';

// Brute-force lockout, one code path for every credential check (verify_password, verify_totp, and the
// Frontend API's sign-in): an attempt is counted before it is checked (reserve), then settled. Counters
// live in the users table, so every server process sees the same count (README, "Security").

export function isLocked(state: Pick<LockoutState, 'locked_at' | 'lockout_expires_at'>, nowMs: number): boolean {
  return state.locked_at !== null && (state.lockout_expires_at === null || state.lockout_expires_at > nowMs);
}

/** Throws 403 user_locked while the user is locked (by an admin or after too many failures). */
export function assertNotLocked(state: Pick<LockoutState, 'locked_at' | 'lockout_expires_at'>, nowMs: number): void {
  if (!isLocked(state, nowMs)) return;
  throw lockedError(state.lockout_expires_at === null ? null : state.lockout_expires_at - nowMs);
}

function lockedError(remainingMs: number | null): ClerkError {
  const seconds = remainingMs === null ? null : Math.max(1, Math.ceil(remainingMs / 1000));
  const long_message =
    seconds === null
      ? 'Your account is locked. For more information, please contact support.'
      : `Your account is locked. You will be able to try again in ${Math.max(1, Math.ceil(seconds / 60))} minutes. For more information, contact support.`;
  return new ClerkError('user_locked', { long_message, meta: { lockout_expires_in_seconds: seconds } });
}

/**
 * What a check found: `success` (the credential matched: the count is cleared), `failure` (it did not: the
 * attempt stays counted), or `uncounted` (refused without being a guess, such as a replay of a TOTP code
 * that was just accepted: the attempt is given back).
 */
export type AttemptOutcome<T> = { outcome: 'success'; value: T } | { outcome: 'failure' } | { outcome: 'uncounted' };

export interface LockoutDeps {
  db: Executor;
  clock: Clock;
}

/**
 * Runs one credential check under the lockout. First an attempt is reserved in one atomic UPDATE, which
 * counts it as failed and locks the user when it is the last one allowed; a locked user, or one whose
 * attempts are all taken by checks still running, gets 403 user_locked without anything being checked.
 * Then `check` runs (the hashing), and the attempt is settled by its outcome. If `check` throws (the
 * hashing queue is full, the database failed), the attempt is given back: it was not a guess.
 *
 * So N concurrent wrong guesses, from any number of processes, check at most max_attempts of them, and
 * a process that dies mid-check leaves the attempt counted: never fewer than were made.
 *
 * `user` is the row the caller already read (its lock state refuses early when lockout is off).
 */
export async function attemptVerification<T>(
  deps: LockoutDeps,
  user: { id: string } & Pick<LockoutState, 'locked_at' | 'lockout_expires_at'>,
  check: () => Promise<AttemptOutcome<T>>,
): Promise<AttemptOutcome<T>> {
  const { lockout } = await readSettings(deps.db);
  const now = deps.clock.now();
  if (lockout.max_attempts <= 0) {
    // Lockout is off: nothing to count, but an admin's lock still holds.
    assertNotLocked(user, now);
    return check();
  }
  const until = lockout.lockout_duration === null ? null : now + lockout.lockout_duration * 1000;
  let reserved: LockoutState | undefined;
  for (let tries = 0; !reserved; tries++) {
    reserved = await reserveAttempt(deps.db, user.id, lockout.max_attempts, now, until);
    if (reserved) break;
    const state = await findLockoutState(deps.db, user.id);
    if (!state) throw userNotFound(user.id);
    assertNotLocked(state, now);
    // Unlocked between the two statements (an admin's unlock): try again, a few times at most.
    if (tries >= 2) throw lockedError(until === null ? null : until - now);
  }
  if (reserved.failed_verification_attempts > lockout.max_attempts) {
    // Every attempt is taken (by checks still running, or max_attempts was lowered): this one is refused.
    // The reservation has locked the user, as the last allowed failure would have.
    throw lockedError(reserved.lockout_expires_at === null ? null : reserved.lockout_expires_at - now);
  }
  const ownLock =
    reserved.locked_at === now && reserved.failed_verification_attempts === lockout.max_attempts
      ? { locked_at: reserved.locked_at, lockout_expires_at: reserved.lockout_expires_at }
      : null;
  let result: AttemptOutcome<T>;
  try {
    result = await check();
  } catch (error) {
    await settleAttempt(deps.db, user.id, 'refund', ownLock);
    throw error;
  }
  if (result.outcome === 'success') await settleAttempt(deps.db, user.id, 'reset', ownLock);
  else if (result.outcome === 'uncounted') await settleAttempt(deps.db, user.id, 'refund', ownLock);
  return result;
}
