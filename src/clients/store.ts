import type { Executor } from '../db/database.js';
import type { ClientRow } from '../db/schema.js';

export async function insertClient(db: Executor, row: { id: string; token_hash: string | null; created_at: number }) {
  await db.insertInto('clients').values({ ...row, updated_at: row.created_at }).execute();
}

export async function findClientByTokenHash(db: Executor, tokenHash: string): Promise<ClientRow | undefined> {
  return db.selectFrom('clients').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function findClientById(db: Executor, id: string): Promise<ClientRow | undefined> {
  return db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Something on the client changed (a session came or went, an attempt moved): updated_at moves, which is
 * what `__client_uat` reports. `lastActiveSessionId` is set when given (null clears it).
 */
export async function updateClientById(db: Executor, id: string, nowMs: number, lastActiveSessionId?: string | null) {
  await db
    .updateTable('clients')
    .set({ updated_at: nowMs, ...(lastActiveSessionId !== undefined ? { last_active_session_id: lastActiveSessionId } : {}) })
    .where('id', '=', id)
    .execute();
}
