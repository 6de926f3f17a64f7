import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Executor } from '../../db/database.js';
import { DOCUMENT_SEPARATOR, documentMatchesRow, searchMatches } from '../search/store.js';

// The WHERE side of GET /v1/users and /v1/users/count: every filter as SQL that an index serves (the
// search document's trigram index for `query`, trigram GIN indexes for the other `*_query` filters, btrees
// for the exact ones). store.ts decides the order and the page.

/** The filters of GET /v1/users and /v1/users/count, already split and lowercased by the service. */
export interface UserFilters {
  emailAddresses?: string[];
  phoneNumbers?: string[];
  usernames?: string[];
  web3Wallets?: string[];
  userIds?: { include: string[]; exclude: string[] };
  externalIds?: { include: string[]; exclude: string[] };
  /** Members of any included organization, and of none of the excluded ones. */
  organizationIds?: { include: string[]; exclude: string[] };
  query?: string;
  /**
   * How `query` is read. Unset: a semi-join on the search document's index, planned by the planner (counts,
   * lists already narrowed to a few users). The term's matches, when list/store.ts has read them (few
   * enough to sort). 'probe': each user met is tested on its own document (a walk along an order, or the
   * members of an organization).
   */
  queryRead?: string[] | 'probe';
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
 * `query`: users whose email, phone, wallet, username, id or name contains the term. The document
 * (users/search/) holds all of them, so this is one scan of its trigram index.
 */
export function queryMatches(db: Executor, term: string) {
  return searchMatches(db, contains(term));
}

/**
 * Whether a term could match across two values of a document: only one containing the separator. Such a
 * term is then also tested value by value, as the filter did before the document existed.
 */
export function spansValues(term: string): boolean {
  return term.includes(DOCUMENT_SEPARATOR);
}

/** `query` tested value by value on each user (the exact rule; only for terms that contain the separator). */
export function queryMatchesValues(pattern: string) {
  return sql<boolean>`(lower(users.username) like ${pattern} or lower(users.id) like ${pattern} or ${fullName} like ${pattern}
    or exists (select from email_addresses e where e.user_id = users.id and lower(e.email_address) like ${pattern})
    or exists (select from phone_numbers p where p.user_id = users.id and p.phone_number like ${pattern})
    or exists (select from web3_wallets w where w.user_id = users.id and lower(w.web3_wallet) like ${pattern}))`;
}

export function applyFilters<O>(query: SelectQueryBuilder<Database, 'users', O>, db: Executor, f: UserFilters) {
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
  // Read through the (organization_id, user_id) unique index of organization_memberships (migration 0022).
  const members = (orgIds: string[]) =>
    db.selectFrom('organization_memberships').select('user_id').where('organization_id', '=', sql<string>`any(${orgIds}::text[])`);
  if (f.organizationIds?.include.length) {
    // As an array, the members are looked up by primary key, however many users there are; `in (…)` let the
    // planner hash-join them against every user.
    const orgIds = f.organizationIds.include;
    q = q.where(sql<boolean>`users.id = any(array(${members(orgIds)}))`);
  }
  if (f.organizationIds?.exclude.length) {
    const orgIds = f.organizationIds.exclude;
    q = q.where((eb) => eb('users.id', 'not in', members(orgIds)));
  }
  if (f.query) {
    const term = f.query;
    const read = f.queryRead;
    if (read === 'probe') q = q.where(documentMatchesRow(contains(term)));
    else if (read) q = q.where(sql<boolean>`users.id = any(${read}::text[])`);
    else q = q.where((eb) => eb('users.id', 'in', queryMatches(db, term)));
    if (spansValues(term)) q = q.where(queryMatchesValues(contains(term)));
  }
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
