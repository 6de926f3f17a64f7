import type { Executor } from '../../db/database.js';
import type { UserRow } from '../../db/schema.js';

// The password columns of users, written for passwords/ (which decides what digest to store).

/** What a user row stores for a password. */
export type StoredPassword = { [K in 'password_digest' | 'password_hasher']: NonNullable<UserRow[K]> };

/**
 * Swaps the digest only if it is still the one that was verified, so a password changed in the
 * meantime is never overwritten by the upgrade.
 */
export async function replacePasswordDigest(db: Executor, userId: string, expectedDigest: string, next: StoredPassword): Promise<boolean> {
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
