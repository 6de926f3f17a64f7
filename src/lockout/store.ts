import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

export interface LockoutState {
  locked_at: number | null;
  lockout_expires_at: number | null;
  failed_verification_attempts: number;
}

/**
 * Counts one failed verification in a single statement, so concurrent failures (from any number of
 * server processes) all count. An expired lockout starts the count afresh. When the count reaches
 * `maxAttempts` the user is locked until `lockUntil` (null: until an admin unlocks).
 */
export async function incrementFailedAttempts(
  db: Executor,
  userId: string,
  maxAttempts: number,
  nowMs: number,
  lockUntil: number | null,
): Promise<LockoutState | undefined> {
  const expired = sql`(locked_at is not null and lockout_expires_at is not null and lockout_expires_at <= ${nowMs})`;
  const next = sql`(case when ${expired} then 1 else failed_verification_attempts + 1 end)`;
  const result = await sql<LockoutState>`
    update users set
      locked_at = case when ${next} >= ${maxAttempts} then ${nowMs}::bigint when ${expired} then null else locked_at end,
      lockout_expires_at = case when ${next} >= ${maxAttempts} then ${lockUntil}::bigint when ${expired} then null else lockout_expires_at end,
      failed_verification_attempts = ${next}
    where id = ${userId}
    returning locked_at, lockout_expires_at, failed_verification_attempts`.execute(db);
  return result.rows[0];
}

export async function resetFailedAttempts(db: Executor, userId: string): Promise<void> {
  await sql`update users set failed_verification_attempts = 0 where id = ${userId} and failed_verification_attempts <> 0`.execute(db);
}
