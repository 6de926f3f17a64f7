import { sql, type Kysely } from 'kysely';

// How many users a `query` term matches decides the plan of GET /v1/users?query= (issue 14): a rare term
// is a bitmap scan of the trigram index and a sort of its few matches; a common one walks the order's
// index and probes each user's document. The planner sizes a LIKE '%term%' from the column's histogram,
// and with the default 100 buckets every term found in no bucket looked like 1 % of users: at 1M users a
// term in 0.09 % of them (893) walked 11,892 users (135 ms) instead of sorting its 893 (a few ms). With
// 1,000 buckets a term is sized to 0.01 %; ANALYZE reads 300,000 documents for it (1.7 s at 1M users),
// once per import and when autovacuum decides.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table user_search alter column document set statistics 1000`.execute(db);
  await sql`analyze user_search`.execute(db);
}
