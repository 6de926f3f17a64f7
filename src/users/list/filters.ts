import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Executor } from '../../db/database.js';

// The WHERE side of GET /v1/users and /v1/users/count: every filter as SQL that an index serves (trigram
// GIN indexes for the `*query` filters, btrees for the exact ones). store.ts decides the order,
// the page, and how `query` is applied.

/** The filters of GET /v1/users and /v1/users/count, already split and lowercased by the service. */
export interface UserFilters {
  emailAddresses?: string[];
  phoneNumbers?: string[];
  usernames?: string[];
  web3Wallets?: string[];
  userIds?: { include: string[]; exclude: string[] };
  externalIds?: { include: string[]; exclude: string[] };
  /** Organizations do not exist yet: any included organization matches no user. */
  organizationIds?: { include: string[]; exclude: string[] };
  query?: string;
  emailAddressQuery?: string;
  phoneNumberQuery?: string;
  usernameQuery?: string;
  nameQuery?: string;
  banned?: boolean;
  lastActiveAtBefore?: number;
  lastActiveAtAfter?: number;
  createdAtBefore?: number;
  createdAtAfter?: number;
}

/** `%term%` for LIKE, with LIKE's own wildcards escaped. Pattern matching of lower(...) uses pg_trgm GIN indexes. */
export function contains(term: string): string {
  return `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// Each expression below is written exactly as its index in migration 0001 is, so the planner can use it.
const lowerEmail = sql`lower(email_address)`;
const lowerWallet = sql`lower(web3_wallet)`;
/** The `name_query` haystack of `users`. */
const fullName = sql`lower(coalesce(users.first_name, '') || ' ' || coalesce(users.last_name, ''))`;

function emailMatches(db: Executor, pattern: string) {
  return db.selectFrom('email_addresses').select('user_id').where(sql<boolean>`${lowerEmail} like ${pattern}`);
}
function phoneMatches(db: Executor, pattern: string) {
  return db.selectFrom('phone_numbers').select('user_id').where(sql<boolean>`phone_number like ${pattern}`);
}
function walletMatches(db: Executor, pattern: string) {
  return db.selectFrom('web3_wallets').select('user_id').where(sql<boolean>`${lowerWallet} like ${pattern}`);
}

/**
 * `query`: users whose email, phone, wallet, username, id or name contains the term, as one UNION ALL of
 * trigram (bitmap) index scans. Used as `users.id in (…)` rather than an OR of six conditions: PostgreSQL
 * cannot turn an OR of IN-subqueries into a join, so the OR form scans all of `users`.
 */
export function queryMatches(db: Executor, pattern: string) {
  return emailMatches(db, pattern)
    .unionAll(phoneMatches(db, pattern))
    .unionAll(walletMatches(db, pattern))
    .unionAll(
      db
        .selectFrom('users')
        .select('users.id as user_id')
        .where(sql<boolean>`lower(users.username) like ${pattern} or lower(users.id) like ${pattern} or ${fullName} like ${pattern}`),
    );
}

/**
 * The same test, one user at a time (index probes by user id), for walking an order (see listUsers).
 * `offset 0` keeps each EXISTS a per-row probe: without it the planner may hash the whole match set
 * first, which is the very cost the walk is there to avoid.
 */
export function queryMatchesRow(pattern: string) {
  return sql<boolean>`(lower(users.username) like ${pattern} or lower(users.id) like ${pattern} or ${fullName} like ${pattern}
    or exists (select from email_addresses e where e.user_id = users.id and lower(e.email_address) like ${pattern} offset 0)
    or exists (select from phone_numbers p where p.user_id = users.id and p.phone_number like ${pattern} offset 0)
    or exists (select from web3_wallets w where w.user_id = users.id and lower(w.web3_wallet) like ${pattern} offset 0))`;
}

/**
 * How `query` is applied as a filter: the semi-join on the trigram scans, or the matching ids already
 * collected (store.ts decides; applyFilters never reads `f.query` itself).
 */
export type QueryFilter = { by: 'union'; pattern: string } | { by: 'ids'; ids: string[] };

export function applyFilters<O>(query: SelectQueryBuilder<Database, 'users', O>, db: Executor, f: UserFilters, plan?: QueryFilter) {
  let q = query;
  if (f.emailAddresses?.length) {
    const list = f.emailAddresses;
    q = q.where((eb) =>
      eb('users.id', 'in', db.selectFrom('email_addresses').select('user_id').where(sql<boolean>`${lowerEmail} in (${sql.join(list)})`)),
    );
  }
  if (f.phoneNumbers?.length) {
    const list = f.phoneNumbers;
    q = q.where((eb) => eb('users.id', 'in', db.selectFrom('phone_numbers').select('user_id').where('phone_number', 'in', list)));
  }
  if (f.web3Wallets?.length) {
    const list = f.web3Wallets;
    q = q.where((eb) =>
      eb('users.id', 'in', db.selectFrom('web3_wallets').select('user_id').where(sql<boolean>`${lowerWallet} in (${sql.join(list)})`)),
    );
  }
  if (f.usernames?.length) q = q.where(sql<boolean>`lower(users.username) in (${sql.join(f.usernames)})`);
  for (const [column, ids] of [
    ['users.id', f.userIds],
    ['users.external_id', f.externalIds],
  ] as const) {
    if (ids?.include.length) q = q.where(column, 'in', ids.include);
    if (ids?.exclude.length) q = q.where((eb) => eb.or([eb(column, 'is', null), eb(column, 'not in', ids.exclude)]));
  }
  if (f.organizationIds?.include.length) q = q.where(sql<boolean>`false`);
  if (plan?.by === 'union') q = q.where((eb) => eb('users.id', 'in', queryMatches(db, plan.pattern)));
  if (plan?.by === 'ids') q = q.where(sql<boolean>`users.id = any(${plan.ids})`);
  if (f.emailAddressQuery) {
    const p = contains(f.emailAddressQuery);
    q = q.where((eb) => eb('users.id', 'in', emailMatches(db, p)));
  }
  if (f.phoneNumberQuery) {
    const p = contains(f.phoneNumberQuery);
    q = q.where((eb) => eb('users.id', 'in', phoneMatches(db, p)));
  }
  if (f.usernameQuery) q = q.where(sql<boolean>`lower(users.username) like ${contains(f.usernameQuery)}`);
  if (f.nameQuery) q = q.where(sql<boolean>`${fullName} like ${contains(f.nameQuery)}`);
  if (f.banned !== undefined) q = q.where('users.banned', '=', f.banned);
  if (f.lastActiveAtBefore !== undefined) q = q.where('users.last_active_at', '<', f.lastActiveAtBefore);
  if (f.lastActiveAtAfter !== undefined) q = q.where('users.last_active_at', '>', f.lastActiveAtAfter);
  if (f.createdAtBefore !== undefined) q = q.where('users.created_at', '<', f.createdAtBefore);
  if (f.createdAtAfter !== undefined) q = q.where('users.created_at', '>', f.createdAtAfter);
  return q;
}
