import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Executor } from '../db/database.js';
import { selectFullUsers, type FullUserRow } from './store.js';

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

export type UserOrderField =
  | 'created_at'
  | 'updated_at'
  | 'email_address'
  | 'web3wallet'
  | 'first_name'
  | 'last_name'
  | 'phone_number'
  | 'username'
  | 'last_active_at'
  | 'last_sign_in_at';

export interface UserOrder {
  field: UserOrderField;
  direction: 'asc' | 'desc';
}

type Eb = ExpressionBuilder<Database, 'users'>;

/** `%term%` for LIKE, with LIKE's own wildcards escaped. Pattern matching of lower(...) uses pg_trgm indexes. */
function contains(term: string): string {
  return `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function emailUsers(eb: Eb, pattern: string) {
  return eb('users.id', 'in', eb.selectFrom('email_addresses').select('user_id').where(sql<boolean>`lower(email_address) like ${pattern}`));
}
function phoneUsers(eb: Eb, pattern: string) {
  return eb('users.id', 'in', eb.selectFrom('phone_numbers').select('user_id').where(sql<boolean>`phone_number like ${pattern}`));
}
function walletUsers(eb: Eb, pattern: string) {
  return eb('users.id', 'in', eb.selectFrom('web3_wallets').select('user_id').where(sql<boolean>`lower(web3_wallet) like ${pattern}`));
}
const fullName = sql`lower(coalesce(users.first_name, '') || ' ' || coalesce(users.last_name, ''))`;

function applyFilters<O>(query: SelectQueryBuilder<Database, 'users', O>, f: UserFilters) {
  let q = query;
  if (f.emailAddresses?.length) {
    const list = f.emailAddresses;
    q = q.where((eb) =>
      eb('users.id', 'in', eb.selectFrom('email_addresses').select('user_id').where(sql<boolean>`lower(email_address) in (${sql.join(list)})`)),
    );
  }
  if (f.phoneNumbers?.length) {
    const list = f.phoneNumbers;
    q = q.where((eb) => eb('users.id', 'in', eb.selectFrom('phone_numbers').select('user_id').where('phone_number', 'in', list)));
  }
  if (f.web3Wallets?.length) {
    const list = f.web3Wallets;
    q = q.where((eb) =>
      eb('users.id', 'in', eb.selectFrom('web3_wallets').select('user_id').where(sql<boolean>`lower(web3_wallet) in (${sql.join(list)})`)),
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
  if (f.query) {
    const p = contains(f.query);
    q = q.where((eb) =>
      eb.or([
        emailUsers(eb, p),
        phoneUsers(eb, p),
        walletUsers(eb, p),
        sql<boolean>`lower(users.username) like ${p}`,
        sql<boolean>`lower(users.id) like ${p}`,
        sql<boolean>`${fullName} like ${p}`,
      ]),
    );
  }
  if (f.emailAddressQuery) {
    const p = contains(f.emailAddressQuery);
    q = q.where((eb) => emailUsers(eb, p));
  }
  if (f.phoneNumberQuery) {
    const p = contains(f.phoneNumberQuery);
    q = q.where((eb) => phoneUsers(eb, p));
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

/** The value a user sorts by: a column, or the value of its primary identification. */
function orderExpression(field: UserOrderField) {
  switch (field) {
    case 'email_address':
      return sql`(select lower(e.email_address) from email_addresses e where e.id = users.primary_email_address_id)`;
    case 'phone_number':
      return sql`(select p.phone_number from phone_numbers p where p.id = users.primary_phone_number_id)`;
    case 'web3wallet':
      return sql`(select lower(w.web3_wallet) from web3_wallets w where w.id = users.primary_web3_wallet_id)`;
    default:
      return sql.ref(`users.${field}`);
  }
}

export async function listUsers(
  db: Executor,
  filters: UserFilters,
  order: UserOrder,
  limit: number,
  offset: number,
): Promise<FullUserRow[]> {
  const direction = order.direction === 'asc' ? sql`asc` : sql`desc`;
  const rows = await applyFilters(selectFullUsers(db), filters)
    // Users without the sort value come last either way; the id breaks ties so pages are stable.
    .orderBy(sql`${orderExpression(order.field)} ${direction} nulls last`)
    .orderBy(sql`users.id ${direction}`)
    .limit(limit)
    .offset(offset)
    .execute();
  return rows as FullUserRow[];
}

export async function countUsers(db: Executor, filters: UserFilters): Promise<number> {
  const row = await applyFilters(db.selectFrom('users'), filters)
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
