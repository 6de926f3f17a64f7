import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';

// The owner of `user_search` (migration 0013): one search document per user, holding every value GET
// /v1/users?query= matches, lower-cased as the filter compares it, under one trigram index. Nothing else
// writes the table; a deleted user's document goes with it (on delete cascade).

/** Separates the values of a document; a term containing it is re-checked value by value (list/filters.ts). */
export const DOCUMENT_SEPARATOR = '\x1f';

/**
 * The tables a document's values are read from: the real ones, or a bulk load's staging copies of them
 * (users/bulk/store.ts#UserTables, which also names the images table, is one).
 */
export interface SearchedTables {
  users: string;
  email_addresses: string;
  phone_numbers: string;
  web3_wallets: string;
}

const SEARCHED_TABLES: SearchedTables = { users: 'users', email_addresses: 'email_addresses', phone_numbers: 'phone_numbers', web3_wallets: 'web3_wallets' };

/**
 * The documents of the users in `from` (of those in `ids` only, when given), with their created_at: each
 * user's identifications gathered per kind in one grouped scan, then user_search_compose() (migration
 * 0029), the one definition of a document, which PostgreSQL inlines. user_search_document() computes the
 * same for one user.
 */
function documentsOf(from: SearchedTables, ids?: readonly string[]) {
  const only = (column: string) => (ids ? sql`where ${sql.ref(column)} = any(${ids}::text[])` : sql``);
  const grouped = (table: string, column: string) =>
    sql`(select user_id, array_agg(${sql.ref(column)} order by id) as v from ${sql.table(table)} ${only('user_id')} group by user_id)`;
  return sql`
    select u.id, user_search_compose(u.id, u.username, u.first_name, u.last_name, coalesce(e.v, '{}'), coalesce(p.v, '{}'), coalesce(w.v, '{}')), u.created_at
    from ${sql.table(from.users)} u
    left join ${grouped(from.email_addresses, 'email_address')} e on e.user_id = u.id
    left join ${grouped(from.phone_numbers, 'phone_number')} p on p.user_id = u.id
    left join ${grouped(from.web3_wallets, 'web3_wallet')} w on w.user_id = u.id
    ${only('u.id')}`;
}

/**
 * Rewrites the documents of these users from their rows as they now are, in one statement, in the
 * caller's transaction. Called after every write that changes a searched value or created_at: a user
 * inserted, a username, name or created_at changed, an identification added or removed. A row already
 * right is left alone (no dead row, no index entry).
 */
export async function refreshSearchDocuments(db: Executor, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  await sql`
    insert into user_search (user_id, document, created_at) ${documentsOf(SEARCHED_TABLES, [...new Set(userIds)])}
    on conflict (user_id) do update set document = excluded.document, created_at = excluded.created_at
    where (user_search.document, user_search.created_at) is distinct from (excluded.document, excluded.created_at)`.execute(db);
}

/**
 * Writes the documents of a bulk load's users, all of them new, from the tables they were loaded into
 * (users/bulk/load-first.ts: staging tables without indexes, read whole). In the caller's transaction.
 */
export async function insertSearchDocumentsFrom(db: Executor, from: SearchedTables): Promise<void> {
  await sql`insert into user_search (user_id, document, created_at) ${documentsOf(from)}`.execute(db);
}

/** The ids of the users whose document contains the LIKE pattern: one bitmap scan of the trigram index. */
export function searchMatches(db: Executor, pattern: string) {
  return db.selectFrom('user_search').select('user_search.user_id').where(sql<boolean>`user_search.document like ${pattern}`);
}

/** How many users' documents contain the pattern: a bitmap count over narrow rows, without reading `users`. */
export async function countSearchMatches(db: Executor, pattern: string): Promise<number> {
  const row = await searchMatches(db, pattern)
    .clearSelect()
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The same test for one user at a time, as a condition on a query over `users` (a primary-key probe per
 * user): for lists that read a known set of users, such as an organization's members. `offset 0` keeps it
 * a per-row probe: without it the planner may collect every match of a common term first.
 */
export function documentMatchesRow(pattern: string) {
  return sql<boolean>`exists (select from user_search s where s.user_id = users.id and s.document like ${pattern} offset 0)`;
}
