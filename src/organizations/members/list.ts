import { includeExclude, parseOrderBy } from '../../http/list-params.js';
import { userFilter } from '../../users/list/service.js';
import { findOrganizationById } from '../store.js';
import type { MembershipListInput } from './schemas.js';
import type { MembershipJson } from './serialize.js';
import { assertUserExists, membershipsJson, organizationNotFound, type MembershipReadDeps } from './service.js';
import { countMemberships, listMemberships, type MembershipFilters, type MembershipOrder, type MembershipOrderField } from './store.js';

// The membership lists: an organization's members (with GET /v1/users's filters on their users), the
// instance's memberships, and a user's. Each is a page and the total under the same filters.

export interface MembershipPage {
  filters: MembershipFilters;
  order: MembershipOrder;
  limit: number;
  offset: number;
}

/** A page of memberships and the total under the same filters. */
export async function listMembershipPage(deps: MembershipReadDeps, page: MembershipPage) {
  const [rows, total] = await Promise.all([
    listMemberships(deps.db, page.filters, page.order, page.limit, page.offset),
    countMemberships(deps.db, page.filters),
  ]);
  return { data: await membershipsJson(deps, rows), total_count: total };
}

/** GET /v1/organizations/{id}/memberships: the members' user filters as GET /v1/users applies them. */
export async function listOrganizationMemberships(deps: MembershipReadDeps, organizationId: string, q: MembershipListInput) {
  if (!(await findOrganizationById(deps.db, organizationId))) throw organizationNotFound();
  const { order_by, limit, offset, role, user_id, ...userFilters } = q;
  return listMembershipPage(deps, {
    filters: { organizationId, roles: role, userIds: includeExclude(user_id), users: userFilter(deps, userFilters) },
    order: parseOrderBy<MembershipOrderField>(order_by),
    limit,
    offset,
  });
}

/** GET /v1/organization_memberships: every membership of the instance. */
export async function listInstanceMemberships(deps: MembershipReadDeps, q: { order_by: string; limit: number; offset: number }) {
  return listMembershipPage(deps, { filters: {}, order: parseOrderBy<MembershipOrderField>(q.order_by), limit: q.limit, offset: q.offset });
}

/** GET /v1/users/{id}/organization_memberships: newest first; 404 for an unknown user. */
export async function listUserMemberships(deps: MembershipReadDeps, userId: string, q: { limit: number; offset: number }) {
  await assertUserExists(deps.db, userId);
  return listMembershipPage(deps, { filters: { userId }, order: { field: 'created_at', direction: 'desc' }, limit: q.limit, offset: q.offset });
}

/** Every membership of these users, newest first, by user (the Frontend API embeds them in its User JSON). */
export async function listMembershipsOfUsers(deps: MembershipReadDeps, userIds: string[]): Promise<Map<string, MembershipJson[]>> {
  const byUser = new Map<string, MembershipJson[]>();
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return byUser;
  // A user belongs to few organizations; 500 is Clerk's own cap on a list. No total: nothing shows it.
  const rows = await listMemberships(deps.db, { userIds: { include: ids, exclude: [] } }, { field: 'created_at', direction: 'desc' }, 500, 0);
  for (const json of await membershipsJson(deps, rows)) {
    const userId = json.public_user_data.user_id;
    byUser.set(userId, [...(byUser.get(userId) ?? []), json]);
  }
  return byUser;
}
