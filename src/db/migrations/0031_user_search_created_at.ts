import { sql, type Kysely } from 'kysely';

// A page of `query` in the default order (-created_at, Clerk's and the SDK's) under the cap sorted the
// term's matches by reading each one's `users` row: up to 3,164 primary-key and heap reads at 1M users
// (913 of them cold took 58 ms). The document's row now carries its user's created_at, so the matches are
// sorted where they are found (user_search_ids() visits those rows anyway, to recheck the LIKE) and only
// the page's users are read. users/search/store.ts writes it with the document, and every write of
// users.created_at refreshes it (users/store.ts#SEARCHED_COLUMNS). Every row is rewritten once: 77 s at
// 1M users here (13 s at 200k), searches waiting meanwhile; autovacuum reclaims the old rows after.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table user_search add column created_at bigint`.execute(db);
  // Every row is rewritten: without the trigram index, rather than an index insert per row, then rebuilt.
  await sql`drop index user_search_document_trgm`.execute(db);
  await sql`update user_search s set created_at = u.created_at from users u where u.id = s.user_id`.execute(db);
  await sql`alter table user_search alter column created_at set not null`.execute(db);
  await sql`create index user_search_document_trgm on user_search using gin (document gin_trgm_ops)`.execute(db);
  await sql`analyze user_search`.execute(db);
  // The matches up to `max` (the same scan as before, stopped there), then sorted as the page's order
  // sorts its users: newest first (created_at desc, id desc), oldest first, or (null) as found.
  await sql`drop function user_search_ids(text, integer)`.execute(db);
  await sql`
    create function user_search_ids(pattern text, max integer, newest_first boolean) returns text[]
    language sql stable set enable_seqscan = off as $$
      select array(
        select m.user_id from (select user_id, created_at from user_search where document like pattern limit max) m
        order by case when newest_first then m.created_at end desc, case when newest_first then m.user_id end desc,
                 case when not newest_first then m.created_at end, case when not newest_first then m.user_id end)
    $$`.execute(db);
}
