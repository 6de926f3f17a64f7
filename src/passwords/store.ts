import type { Executor } from '../db/database.js';

/** What verifying a password needs from the user row: the digest and the lockout state. */
export async function findPasswordCredentials(db: Executor, userId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'password_digest', 'password_hasher', 'locked_at', 'lockout_expires_at', 'failed_verification_attempts'])
    .where('id', '=', userId)
    .executeTakeFirst();
}
