import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';

/** Stores a new code under `key`, replacing any earlier one (a resend): the attempts start again. */
export async function upsertCode(db: Executor, row: { key: string; code_sealed: string; expire_at: number; created_at: number }) {
  await db
    .insertInto('verification_codes')
    .values({ ...row, attempts: 0 })
    .onConflict((oc) => oc.column('key').doUpdateSet({ code_sealed: row.code_sealed, expire_at: row.expire_at, created_at: row.created_at, attempts: 0 }))
    .execute();
}

export async function findCode(db: Executor, key: string) {
  return db.selectFrom('verification_codes').selectAll().where('key', '=', key).executeTakeFirst();
}

/**
 * Counts one attempt, only while fewer than `max` were made: concurrent guesses each take one of the
 * remaining attempts, so no burst gets more than `max`. Returns the new count, or undefined when none was left.
 */
export async function takeAttempt(db: Executor, key: string, max: number): Promise<number | undefined> {
  const result = await sql<{ attempts: number }>`
    update verification_codes set attempts = attempts + 1
    where key = ${key} and attempts < ${max}
    returning attempts`.execute(db);
  return result.rows[0]?.attempts;
}

/** Uses the code up: true for the one caller that deleted it (a code verifies once, even under a race). */
export async function consumeCode(db: Executor, key: string, codeSealed: string): Promise<boolean> {
  const result = await db.deleteFrom('verification_codes').where('key', '=', key).where('code_sealed', '=', codeSealed).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function deleteCode(db: Executor, key: string): Promise<void> {
  await db.deleteFrom('verification_codes').where('key', '=', key).execute();
}

/** Drops codes that expired before `beforeMs` (their attempt was abandoned). */
export async function deleteExpiredCodes(db: Executor, beforeMs: number): Promise<void> {
  await db.deleteFrom('verification_codes').where('expire_at', '<', beforeMs).execute();
}
