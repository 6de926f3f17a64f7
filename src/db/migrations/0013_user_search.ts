import { sql, type Kysely } from 'kysely';

// `query` on GET /v1/users and /count (issue 14): one search document per user, with one trigram index,
// instead of an OR of six trigram scans over four tables. A search is one bitmap scan of one index, and a
// count is one bitmap count over narrow rows, whatever the size and whatever plan the planner prefers
// for the OR: there is no OR left.
//
// The document holds every value `query` matches, each as the old filter compared it: lower(id),
// lower(username), lower(first_name || ' ' || last_name), lower(email), phone (as stored), lower(wallet),
// separated by chr(31) (unit separator), which no term typed in a search box contains; a term that does is
// re-checked field by field (users/list/filters.ts), so a match never spans two values.
//
// user_search_document() is the one definition of a document; users/search/store.ts#refreshSearchDocuments
// is the one writer, called on every write path that changes a value in it (users/search/README.md).
// Deleting a user deletes its document (on delete cascade).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function user_search_document(uid text, uname text, fname text, lname text)
    returns text language sql stable as $$
      select lower(uid) || chr(31) || coalesce(lower(uname), '') || chr(31)
        || lower(coalesce(fname, '') || ' ' || coalesce(lname, ''))
        || coalesce((select string_agg(chr(31) || lower(e.email_address), '' order by e.id) from email_addresses e where e.user_id = uid), '')
        || coalesce((select string_agg(chr(31) || p.phone_number, '' order by p.id) from phone_numbers p where p.user_id = uid), '')
        || coalesce((select string_agg(chr(31) || lower(w.web3_wallet), '' order by w.id) from web3_wallets w where w.user_id = uid), '')
    $$`.execute(db);
  await sql`
    create table user_search (
      user_id text primary key references users (id) on delete cascade,
      document text not null
    )`.execute(db);
  await sql`
    insert into user_search (user_id, document)
    select id, user_search_document(id, username, first_name, last_name) from users`.execute(db);
  // Built after the backfill: one sort of all entries instead of an insert per row.
  await sql`create index user_search_document_trgm on user_search using gin (document gin_trgm_ops)`.execute(db);
  // lower(id) was searched only by `query`; the document covers it now.
  await sql`drop index if exists users_id_trgm`.execute(db);
  // Statistics now, not when autovacuum gets round to them: the planner sizes `query`'s matches from them.
  await sql`analyze user_search`.execute(db);
}
