import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

export async function findEncryptionKeyCheck(db: Executor): Promise<string | undefined> {
  return (await db.selectFrom('encryption_key_check').select('sealed').executeTakeFirst())?.sealed;
}

export async function insertEncryptionKeyCheckIfAbsent(db: Executor, sealed: string, nowMs: number): Promise<void> {
  await db.insertInto('encryption_key_check').values({ id: 1, sealed, created_at: nowMs }).onConflict((oc) => oc.column('id').doNothing()).execute();
}

/**
 * One value sealed before the check existed (a signing key is sealed on every first start; TOTP secrets
 * may be there too), to tell whether the key opens what is stored. Read-only: the tables' owners write them.
 */
export async function findAnySealedSecret(db: Executor): Promise<string | undefined> {
  const result = await sql<{ sealed: string }>`
    (select private_key_sealed as sealed from signing_keys order by created_at limit 1)
    union all
    (select totp_secret as sealed from users where totp_secret is not null limit 1)
    limit 1`.execute(db);
  return result.rows[0]?.sealed;
}
