import type { Executor } from '../db/database.js';

/** What verifying a password needs from the user row: the digest and the lockout state. */
export async function findPasswordCredentials(db: Executor, userId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'password_digest', 'password_hasher', 'locked_at', 'lockout_expires_at', 'failed_verification_attempts'])
    .where('id', '=', userId)
    .executeTakeFirst();
}

/**
 * Swaps the digest only if it is still the one that was verified, so a password changed in the
 * meantime is never overwritten by the upgrade.
 */
export async function replacePasswordDigest(
  db: Executor,
  userId: string,
  expectedDigest: string,
  next: { password_digest: string; password_hasher: string },
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set(next)
    .where('id', '=', userId)
    .where('password_digest', '=', expectedDigest)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function clearPasswordById(db: Executor, userId: string, nowMs: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ password_digest: null, password_hasher: null, updated_at: nowMs })
    .where('id', '=', userId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
