import type { SelectQueryBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { includeExclude } from '../../http/list-params.js';
import { applyFilters } from './filters.js';
import { countUsers as countUserRows, listUsers as listUserRows, type UserFilters, type UserOrder, type UserOrderField } from './store.js';
import type { UserFilterInput, UserListInput } from '../schemas.js';

// GET /v1/users and /v1/users/count: query parameters → store filters.

const lower = (values: string[] | undefined) => values?.map((v) => v.toLowerCase());

export function toUserFilters(q: UserFilterInput): UserFilters {
  return {
    emailAddresses: lower(q.email_address),
    phoneNumbers: q.phone_number,
    usernames: lower(q.username),
    web3Wallets: lower(q.web3_wallet),
    userIds: includeExclude(q.user_id),
    externalIds: includeExclude(q.external_id),
    organizationIds: includeExclude(q.organization_id),
    query: q.query || undefined,
    emailAddressQuery: q.email_address_query || undefined,
    phoneNumberQuery: q.phone_number_query || undefined,
    usernameQuery: q.username_query || undefined,
    nameQuery: q.name_query || undefined,
    banned: q.banned,
    lastActiveAtBefore: q.last_active_at_before,
    // last_active_at_since is the deprecated spelling of last_active_at_after.
    lastActiveAtAfter: q.last_active_at_after ?? q.last_active_at_since,
    createdAtBefore: q.created_at_before,
    createdAtAfter: q.created_at_after,
  };
}

/** `-created_at` → descending created_at; no sign means ascending. */
export function toUserOrder(orderBy: string): UserOrder {
  const direction = orderBy.startsWith('-') ? 'desc' : 'asc';
  return { field: orderBy.replace(/^[+-]/, '') as UserOrderField, direction };
}

export async function listUsers(deps: { db: Executor }, q: UserListInput) {
  return listUserRows(deps.db, toUserFilters(q), toUserOrder(q.order_by), q.limit, q.offset);
}

export async function countUsers(deps: { db: Executor }, q: UserFilterInput) {
  return countUserRows(deps.db, toUserFilters(q));
}

/**
 * GET /v1/users's filters as a function that adds them to a query joined with `users` (organization
 * membership lists filter their members with the same parameters), or undefined when none is given.
 * `query` is tested on each joined user's search document (a primary-key probe): a membership list reads
 * an organization's members, never all the users a common term matches.
 */
export function userFilter(deps: { db: Executor }, q: Partial<UserFilterInput>) {
  const filters = toUserFilters(q as UserFilterInput);
  if (Object.values(filters).every((v) => v === undefined)) return undefined;
  return <Q extends SelectQueryBuilder<Database, 'users', object>>(builder: Q): Q =>
    applyFilters(builder, deps.db, { ...filters, queryRead: 'probe' }) as Q;
}
