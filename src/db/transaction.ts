import type { Executor } from './database.js';

/**
 * Runs `work` in a transaction: a new one, or the caller's when `db` already is one, so a service
 * can be composed into a bigger atomic write without knowing it.
 */
export async function inTransaction<T>(db: Executor, work: (trx: Executor) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db);
  return db.transaction().execute(work);
}
