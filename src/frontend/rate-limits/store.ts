import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';

/**
 * Counts one request against `key` in a fixed window of `windowMs`, in one statement (an upsert that
 * locks the row), so concurrent requests from any number of processes all count. A window that has
 * passed starts afresh in the same statement. Returns the window's start and its count.
 */
export async function hit(db: Executor, key: string, nowMs: number, windowMs: number): Promise<{ window_start: number; hits: number }> {
  const stale = sql`rate_limits.window_start <= ${nowMs - windowMs}`;
  const result = await sql<{ window_start: string | number; hits: number }>`
    insert into rate_limits (key, window_start, hits) values (${key}, ${nowMs}, 1)
    on conflict (key) do update set
      window_start = case when ${stale} then ${nowMs}::bigint else rate_limits.window_start end,
      hits = case when ${stale} then 1 else rate_limits.hits + 1 end
    returning window_start, hits`.execute(db);
  const row = result.rows[0]!;
  return { window_start: Number(row.window_start), hits: row.hits };
}

/** Drops counters whose window ended before `beforeMs`. */
export async function deleteStale(db: Executor, beforeMs: number): Promise<void> {
  await db.deleteFrom('rate_limits').where('window_start', '<', beforeMs).execute();
}
