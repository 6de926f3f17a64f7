import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { SecretKeyRow, SecretKeySource } from '../db/schema.js';

/** Hashes of the keys of the given sources that are not revoked. */
export async function findActiveKeyHashes(db: Executor, sources: SecretKeySource[]): Promise<string[]> {
  if (sources.length === 0) return [];
  const rows = await db
    .selectFrom('secret_keys')
    .select('key_hash')
    .where('revoked_at', 'is', null)
    .where('source', 'in', sources)
    .execute();
  return rows.map((r) => r.key_hash);
}

export async function findKeyByHash(db: Executor, keyHash: string): Promise<SecretKeyRow | undefined> {
  return db.selectFrom('secret_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
}

export async function findKeys(db: Executor): Promise<SecretKeyRow[]> {
  return db.selectFrom('secret_keys').selectAll().orderBy('created_at').orderBy('id').execute();
}

export async function insertKey(db: Executor, row: Omit<SecretKeyRow, 'revoked_at'>): Promise<void> {
  await db.insertInto('secret_keys').values({ ...row, revoked_at: null }).execute();
}

/**
 * Records `row` as active with its source, unless its hash is already there as a CLI key (which keeps
 * its source: revoking it stays the CLI's job). Used for the environment's key and the development key.
 */
export async function upsertActiveKey(db: Executor, row: Omit<SecretKeyRow, 'revoked_at' | 'name'>): Promise<void> {
  await db
    .insertInto('secret_keys')
    .values({ ...row, name: null, revoked_at: null })
    .onConflict((oc) =>
      oc
        .column('key_hash')
        .doUpdateSet({ source: row.source, last4: row.last4, revoked_at: null })
        .where('secret_keys.source', '<>', 'cli'),
    )
    .execute();
}

/** Revokes every active key of `source`, except the one with hash `keepHash`. Returns how many. */
export async function revokeKeysOfSource(db: Executor, source: SecretKeySource, keepHash: string | null, nowMs: number): Promise<number> {
  let query = db.updateTable('secret_keys').set({ revoked_at: nowMs }).where('source', '=', source).where('revoked_at', 'is', null);
  if (keepHash !== null) query = query.where('key_hash', '<>', keepHash);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Revokes one key by id (no-op when already revoked); the row as it is afterwards, or undefined. */
export async function revokeKeyById(db: Executor, id: string, nowMs: number): Promise<SecretKeyRow | undefined> {
  const result = await sql<SecretKeyRow>`
    update secret_keys set revoked_at = coalesce(revoked_at, ${nowMs}::bigint) where id = ${id} returning *`.execute(db);
  return result.rows[0];
}
