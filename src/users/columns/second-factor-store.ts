import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { UserPatch } from '../../db/schema.js';

// The second-factor columns of users (TOTP secret, pending secret, last used step, backup codes,
// mfa_enabled_at / mfa_disabled_at), written for mfa/, which decides what to store: secrets come sealed,
// backup codes as digests.

/**
 * Records `step` as used, unless that step or a later one already was: the conditional update makes a
 * replayed code lose even when two requests race.
 */
export async function markTotpStepUsed(db: Executor, userId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ totp_last_used_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_used_step', 'is', null), eb('totp_last_used_step', '<', step)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Removes one used backup code, only if the list is unchanged since it was read (no double use). */
export async function consumeBackupCode(db: Executor, userId: string, before: string[], after: string[]): Promise<boolean> {
  const result = await sql`
    update users set backup_codes = ${after.length ? JSON.stringify(after) : null}::jsonb
    where id = ${userId} and backup_codes = ${JSON.stringify(before)}::jsonb`.execute(db);
  return (result.numAffectedRows ?? 0n) > 0n;
}

/** Which second factors to clear: a column named here (as null) is cleared. */
export type MfaPatch = { [K in keyof Pick<UserPatch, 'totp_secret' | 'backup_codes'>]?: null };

/** Clears TOTP (and its last used step) and/or backup codes; stampMfaDisabledIfNone follows it. */
export async function clearMfaById(db: Executor, userId: string, patch: MfaPatch, nowMs: number): Promise<boolean> {
  const result = await sql`
    update users set
      totp_secret = ${'totp_secret' in patch ? null : sql.ref('totp_secret')},
      totp_last_used_step = ${'totp_secret' in patch ? null : sql.ref('totp_last_used_step')},
      backup_codes = ${'backup_codes' in patch ? null : sql.ref('backup_codes')},
      updated_at = ${nowMs}
    where id = ${userId}`.execute(db);
  return (result.numAffectedRows ?? 0n) > 0n;
}

/** Stamps mfa_disabled_at when the user has no second factor left. */
export async function stampMfaDisabledIfNone(db: Executor, userId: string, nowMs: number): Promise<void> {
  await sql`
    update users set mfa_disabled_at = ${nowMs}
    where id = ${userId} and totp_secret is null and backup_codes is null
      and not exists (select 1 from phone_numbers p where p.user_id = users.id and p.reserved_for_second_factor)`.execute(db);
}

/** Keeps a TOTP secret being enrolled (sealed), replacing an earlier unfinished one; null drops it. */
export async function setPendingTotpSecret(db: Executor, userId: string, sealed: string | null): Promise<void> {
  await db.updateTable('users').set({ totp_pending_secret: sealed }).where('id', '=', userId).execute();
}

/**
 * The pending secret becomes the user's TOTP secret, with `step` already used (the code that confirmed
 * it cannot be replayed at sign-in). Only if the pending secret is still `sealed`.
 */
export async function activatePendingTotp(db: Executor, userId: string, sealed: string, step: number, nowMs: number): Promise<boolean> {
  const result = await sql`
    update users set
      totp_secret = totp_pending_secret,
      totp_pending_secret = null,
      totp_last_used_step = ${step},
      mfa_enabled_at = case when totp_secret is null and backup_codes is null then ${nowMs}::bigint else mfa_enabled_at end,
      updated_at = ${nowMs}
    where id = ${userId} and totp_pending_secret = ${sealed}`.execute(db);
  return (result.numAffectedRows ?? 0n) > 0n;
}

/** Replaces the user's backup codes with these digests. */
export async function replaceBackupCodes(db: Executor, userId: string, digests: string[], nowMs: number): Promise<void> {
  await sql`
    update users set
      mfa_enabled_at = case when totp_secret is null and backup_codes is null then ${nowMs}::bigint else mfa_enabled_at end,
      backup_codes = ${JSON.stringify(digests)}::jsonb,
      updated_at = ${nowMs}
    where id = ${userId}`.execute(db);
}
