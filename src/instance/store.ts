import type { Executor } from '../db/database.js';

export async function findSetting(db: Executor, key: string): Promise<unknown> {
  const row = await db.selectFrom('instance_settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

/** Inserts the setting unless it exists; returns the stored value (the first writer wins). */
export async function insertSettingIfAbsent(db: Executor, key: string, value: unknown): Promise<unknown> {
  await db
    .insertInto('instance_settings')
    .values({ key, value: JSON.stringify(value) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return findSetting(db, key);
}

export async function upsertSetting(db: Executor, key: string, value: unknown): Promise<void> {
  await db
    .insertInto('instance_settings')
    .values({ key, value: JSON.stringify(value) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value) }))
    .execute();
}
