import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

/** What verifying a TOTP or backup code needs from the user row. */
export async function findMfaCredentials(db: Executor, userId: string) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'totp_secret',
      'totp_last_used_step',
      'backup_codes',
      'locked_at',
      'lockout_expires_at',
      'failed_verification_attempts',
    ])
    .where('id', '=', userId)
    .executeTakeFirst();
}

/**
 * Whether the user has any second factor (TOTP, backup codes, a second-factor phone); undefined when
 * the user does not exist. Read (and the row locked) before a DELETE, so mfa_disabled_at moves only
 * when something was actually turned off.
 */
export async function hasSecondFactor(db: Executor, userId: string): Promise<boolean | undefined> {
  const result = await sql<{ has: boolean }>`
    select (totp_secret is not null or backup_codes is not null
            or exists (select 1 from phone_numbers p where p.user_id = users.id and p.reserved_for_second_factor)) as has
    from users where id = ${userId} for update`.execute(db);
  return result.rows[0]?.has;
}

/** What enrolling in TOTP and regenerating backup codes need from the user row (locked). */
export async function findEnrollmentState(db: Executor, userId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'totp_secret', 'totp_pending_secret', 'backup_codes', 'mfa_enabled_at'])
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
}
