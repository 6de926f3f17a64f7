import type { Executor } from '../db/database.js';
import type { SigningKeyRow } from '../db/schema.js';

export async function insertSigningKey(db: Executor, row: SigningKeyRow): Promise<void> {
  await db.insertInto('signing_keys').values(row).execute();
}

/** Keys that belong in the JWKS: the current ones, and retired ones with a token expiring after `sinceMs`. */
export async function findPublishedKeys(db: Executor, sinceMs: number): Promise<SigningKeyRow[]> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where((eb) =>
      eb.or([eb('retired_at', 'is', null), eb('max_token_expires_at', '>', sinceMs)]),
    )
    .orderBy('created_at', 'desc')
    .execute();
}

/** The newest key that is not retired: the one that signs. */
export async function findSigningKey(db: Executor): Promise<SigningKeyRow | undefined> {
  return db.selectFrom('signing_keys').selectAll().where('retired_at', 'is', null).orderBy('created_at', 'desc').executeTakeFirst();
}

export async function retireKeysExcept(db: Executor, keepId: string, nowMs: number): Promise<void> {
  await db.updateTable('signing_keys').set({ retired_at: nowMs }).where('retired_at', 'is', null).where('id', '<>', keepId).execute();
}

/** Remembers the latest expiry among the tokens a key signed; writes only when it moves forward. */
export async function extendMaxTokenExpiry(db: Executor, id: string, expiresAt: number): Promise<void> {
  await db
    .updateTable('signing_keys')
    .set({ max_token_expires_at: expiresAt })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('max_token_expires_at', 'is', null), eb('max_token_expires_at', '<', expiresAt)]))
    .execute();
}
