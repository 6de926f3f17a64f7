import { sql, type Kysely } from 'kysely';

// The search document (migration 0013) is built from a user's row and its identifications. The format
// (which values, lower-cased how, in which order, separated by chr(31)) is now one function of the values,
// user_search_compose(). users/search/store.ts gathers the values of many users at once (one grouped scan
// per identification table instead of three lookups per user inside user_search_document(): 32 s → 13 s
// for a 1M-user load) and calls it; user_search_document() gathers one user's values and calls the same
// function, and stays as that user's reference. One definition of a document. Documents do not change:
// lower() of values joined by chr(31) is the values lowered one by one and joined (chr(31) is neither a
// letter nor case-ignorable, so no letter's case depends on its neighbour across it), and no identifier is
// empty. The body is one expression without sub-selects, each argument used once, and declared stable
// (as array_to_string is): so PostgreSQL inlines it into the caller's query (a call it cannot inline
// starts an executor per row: 34 s at 1M users).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function user_search_compose(uid text, uname text, fname text, lname text, emails text[], phones text[], wallets text[])
    returns text language sql stable parallel safe as $$
      select lower(uid) || chr(31) || coalesce(lower(uname), '') || chr(31)
        || lower(coalesce(fname, '') || ' ' || coalesce(lname, ''))
        || coalesce(chr(31) || lower(nullif(array_to_string(emails, chr(31)), '')), '')
        || coalesce(chr(31) || nullif(array_to_string(phones, chr(31)), ''), '')
        || coalesce(chr(31) || lower(nullif(array_to_string(wallets, chr(31)), '')), '')
    $$`.execute(db);
  await sql`
    create or replace function user_search_document(uid text, uname text, fname text, lname text)
    returns text language sql stable as $$
      select user_search_compose(uid, uname, fname, lname,
        array(select e.email_address from email_addresses e where e.user_id = uid order by e.id),
        array(select p.phone_number from phone_numbers p where p.user_id = uid order by p.id),
        array(select w.web3_wallet from web3_wallets w where w.user_id = uid order by w.id))
    $$`.execute(db);
}
