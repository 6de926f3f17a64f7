import { sql, type Kysely } from 'kysely';

// Fixed-window request counters for the Frontend API's per-IP limits, in the database so that every
// server process on it counts the same requests. One row per (rule, IP); a stale row is reused in place.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table rate_limits (
      key text primary key,
      window_start bigint not null,
      hits integer not null
    )`.execute(db);
  await sql`create index rate_limits_window_start_idx on rate_limits (window_start)`.execute(db);
}
