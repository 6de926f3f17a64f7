import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { UserRow } from '../../db/schema.js';

// The lockout columns of users (attempt counter, lock), written for lockout/, which decides the
// thresholds and durations and passes them in.

export type LockoutState = Pick<UserRow, 'locked_at' | 'lockout_expires_at' | 'failed_verification_attempts'>;

export async function findLockoutState(db: Executor, userId: string): Promise<LockoutState | undefined> {
  return db
    .selectFrom('users')
    .select(['locked_at', 'lockout_expires_at', 'failed_verification_attempts'])
    .where('id', '=', userId)
    .executeTakeFirst();
}

/**
 * Reserves one verification attempt, counting it as a failure before anything is checked, in a single
 * statement: concurrent reservations (from any number of server processes) queue on the row lock and
 * each sees the count the previous one left, so no more than `maxAttempts` are ever granted. An expired
 * lockout starts the count afresh. When the count reaches `maxAttempts` the user is locked at once, until
 * `lockUntil` (null: until an admin unlocks). Returns the row after the update, or undefined when the
 * user is locked (or does not exist): then nothing changed.
 */
export async function reserveAttempt(
  db: Executor,
  userId: string,
  maxAttempts: number,
  nowMs: number,
  lockUntil: number | null,
): Promise<LockoutState | undefined> {
  const expired = sql`(locked_at is not null and lockout_expires_at is not null and lockout_expires_at <= ${nowMs}::bigint)`;
  const next = sql`(case when ${expired} then 1 else failed_verification_attempts + 1 end)`;
  const result = await sql<LockoutState>`
    update users set
      locked_at = case when ${next} >= ${maxAttempts}::int then ${nowMs}::bigint when ${expired} then null else locked_at end,
      lockout_expires_at = case when ${next} >= ${maxAttempts}::int then ${lockUntil}::bigint when ${expired} then null else lockout_expires_at end,
      failed_verification_attempts = ${next}
    where id = ${userId} and (locked_at is null or ${expired})
    returning locked_at, lockout_expires_at, failed_verification_attempts`.execute(db);
  return result.rows[0];
}

/**
 * Undoes one reservation's effect on the user: a success clears the count (`reset`), an attempt that does
 * not count gives its slot back (`refund`). Either way the lock the reservation itself set (`ownLock`) is
 * lifted, but never a lock set since (by an admin, or a later lockout): it must still be the same lock.
 */
export async function settleAttempt(
  db: Executor,
  userId: string,
  how: 'reset' | 'refund',
  ownLock: { locked_at: number; lockout_expires_at: number | null } | null,
): Promise<void> {
  const ours = ownLock
    ? sql`(locked_at = ${ownLock.locked_at}::bigint and lockout_expires_at is not distinct from ${ownLock.lockout_expires_at}::bigint)`
    : sql`false`;
  const count = how === 'reset' ? sql`0` : sql`greatest(failed_verification_attempts - 1, 0)`;
  await sql`
    update users set
      failed_verification_attempts = ${count},
      locked_at = case when ${ours} then null else locked_at end,
      lockout_expires_at = case when ${ours} then null else lockout_expires_at end
    where id = ${userId}`.execute(db);
}
