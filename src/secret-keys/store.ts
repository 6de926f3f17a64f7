import type { Executor } from '../db/database.js';

export async function findActiveKeyHashes(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('secret_keys').select('key_hash').where('revoked_at', 'is', null).execute();
  return rows.map((r) => r.key_hash);
}

export async function insertKeyHashIfAbsent(db: Executor, row: { id: string; key_hash: string; created_at: number }) {
  await db
    .insertInto('secret_keys')
    .values({ ...row, revoked_at: null })
    .onConflict((oc) => oc.column('key_hash').doNothing())
    .execute();
}
