import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';

// The owner of `user_search` (migration 0013): one search document per user, holding every value GET
// /v1/users?query= matches, lower-cased as the filter compares it, under one trigram index. Nothing else
// writes the table; a deleted user's document goes with it (on delete cascade).

/** Separates the values of a document; a term containing it is re-checked value by value (list/filters.ts). */
export const DOCUMENT_SEPARATOR = '\x1f';

/**
 * Rewrites the documents of these users from their rows as they now are (user_search_document(), the one
 * definition, in migration 0013), in one statement, in the caller's transaction. Called after every write
 * that changes a searched value: a user inserted, a username or name changed, an identification added or
 * removed. A document already right is left alone (no dead row, no index entry).
 */
export async function refreshSearchDocuments(db: Executor, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  await sql`
    insert into user_search (user_id, document)
    select u.id, user_search_document(u.id, u.username, u.first_name, u.last_name)
    from users u where u.id = any(${[...new Set(userIds)]}::text[])
    on conflict (user_id) do update set document = excluded.document
    where user_search.document is distinct from excluded.document`.execute(db);
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
