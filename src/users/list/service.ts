import type { Executor } from '../../db/database.js';
import { countUsers as countUserRows, listUsers as listUserRows, type UserFilters, type UserOrder, type UserOrderField } from './store.js';
import type { UserFilterInput, UserListInput } from '../schemas.js';

// GET /v1/users and /v1/users/count: query parameters → store filters.

/** `+id` or `id` includes, `-id` excludes (Clerk's list filters on user_id, external_id, organization_id). */
function includeExclude(values: string[] | undefined) {
  if (!values?.length) return undefined;
  const include: string[] = [];
  const exclude: string[] = [];
  for (const v of values) {
    if (v.startsWith('-')) exclude.push(v.slice(1));
    else include.push(v.startsWith('+') ? v.slice(1) : v);
  }
  return { include, exclude };
}

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
