import type { Deps } from '../../deps.js';
import type { Executor } from '../../db/database.js';
import { uniqueViolation } from '../../db/errors.js';
import type { OrganizationMembershipRow, OrganizationRow } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import { ClerkError } from '../../http/clerk-error.js';
import { userNotFound } from '../../users/errors.js';
import { deepMerge, type JsonObject } from '../../lib/deep-merge.js';
import { newId } from '../../lib/ids.js';
import { metadataErrors, throwIfAny } from '../../users/validate.js';
import { recordEvents, type EventDeps } from '../../webhooks/record.js';
import { isRole, managingRoles } from '../roles.js';
import { organizationView, type OrganizationCounts } from '../serialize.js';
import { countPendingInvitations, findOrganizationById, findOrganizationByIdForUpdate, findOrganizationsByIds } from '../store.js';
import { serializeMembership, type MembershipJson } from './serialize.js';
import {
  countMembersWithRoles,
  deleteMembership,
  deleteMembershipsOfUser,
  existingUserIds,
  findMemberUsers,
  findMembership,
  insertMembership,
  listMemberships,
  updateMembership,
} from './store.js';

// Organization memberships: who belongs to which organization, with which role. Every change takes the
// organization's row lock first, so the membership limit and the last-admin rule hold under concurrency,
// and records its organizationMembership.* event in the same transaction.

/** What reading memberships needs (their JSON shows the organization's images). */
export type MembershipReadDeps = Pick<Deps, 'db' | 'clock' | 'instance' | 'config'>;
/** What changing one needs: the transaction and the request behind it, for the event. */
export type MembershipDeps = EventDeps & Pick<Deps, 'instance' | 'config'>;

export function organizationNotFound(): ClerkError {
  return new ClerkError('resource_not_found', { long_message: 'Given organization not found.' });
}

function membershipNotFound(): ClerkError {
  return new ClerkError('resource_not_found', { long_message: 'Organization membership not found.' });
}

/** A role outside the instance's roles: Clerk answers 404 "Organization role not found" naming the parameter. */
export function assertRole(role: string, param = 'role'): void {
  if (!isRole(role)) throw new ClerkError('resource_not_found', { meta: { param_name: param }, long_message: 'Organization role not found' });
}

/** The organization, locked for the rest of the transaction; 404 when it does not exist. */
export async function lockOrganization(db: Executor, organizationId: string): Promise<OrganizationRow> {
  const organization = await findOrganizationByIdForUpdate(db, organizationId);
  if (!organization) throw organizationNotFound();
  return organization;
}

/**
 * max_allowed_memberships (0 = unlimited) counts members and pending invitations together, as Clerk does:
 * "You have reached your limit of N organization memberships, including outstanding invitations". Call
 * with the organization locked. `adding` is how many members or invitations the write adds.
 */
export async function assertRoomFor(db: Executor, organization: OrganizationRow, adding: number, nowMs: number): Promise<void> {
  const max = organization.max_allowed_memberships;
  if (max <= 0) return;
  const pending = (await countPendingInvitations(db, [organization.id], nowMs)).get(organization.id) ?? 0;
  if (organization.members_count + pending + adding > max) {
    throw new ClerkError('organization_membership_quota_exceeded', {
      long_message: `You have reached your limit of ${max} organization memberships, including outstanding invitations.`,
    });
  }
}

/** The JSON of memberships, in their order: their organizations (with counts) and members read in two queries. */
export async function membershipsJson(deps: MembershipReadDeps, rows: OrganizationMembershipRow[]): Promise<MembershipJson[]> {
  if (rows.length === 0) return [];
  const orgIds = [...new Set(rows.map((r) => r.organization_id))];
  const [organizations, users, pending] = await Promise.all([
    findOrganizationsByIds(deps.db, orgIds),
    findMemberUsers(deps.db, [...new Set(rows.map((r) => r.user_id))]),
    countPendingInvitations(deps.db, orgIds, deps.clock.now()),
  ]);
  const orgById = new Map(organizations.map((o) => [o.id, o]));
  const userById = new Map(users.map((u) => [u.id, u]));
  const view = organizationView(deps);
  return rows.map((row) => {
    const organization = orgById.get(row.organization_id);
    const user = userById.get(row.user_id);
    if (!organization || !user) throw new Error(`membership ${row.id} lost its organization or user`);
    const counts: OrganizationCounts = { members_count: organization.members_count, pending_invitations_count: pending.get(organization.id) ?? 0 };
    return serializeMembership(row, { organization, counts, user }, view);
  });
}

type MembershipChange = 'organizationMembership.created' | 'organizationMembership.updated' | 'organizationMembership.deleted';

/** Records one event per membership, its data the membership's JSON as it now is. */
export async function recordMembershipEvents(deps: MembershipDeps, type: MembershipChange, rows: OrganizationMembershipRow[]): Promise<MembershipJson[]> {
  const json = await membershipsJson(deps, rows);
  await recordEvents(deps, json.map((data) => ({ type, data })));
  return json;
}

export interface NewMember {
  role: string;
  public_metadata?: Record<string, unknown>;
  private_metadata?: Record<string, unknown>;
  /** Accepting an invitation turns an invitation that already counted into a member: no new room needed. */
  replacesInvitation?: boolean;
}

/**
 * Adds a user to an organization (inside the caller's transaction or its own) and records
 * organizationMembership.created.
 */
export async function addMember(deps: MembershipDeps, organizationId: string, userId: string, member: NewMember): Promise<MembershipJson> {
  return inTransaction(deps.db, async (db) => {
    const row = await insertMember({ ...deps, db }, organizationId, userId, member);
    return (await recordMembershipEvents({ ...deps, db }, 'organizationMembership.created', [row]))[0]!;
  });
}

/**
 * The write of addMember, without its event (organization creation records the organization's event
 * first): the organization locked, the user checked, room under max_allowed_memberships, one membership.
 */
export async function insertMember(deps: MembershipDeps, organizationId: string, userId: string, member: NewMember): Promise<OrganizationMembershipRow> {
  assertRole(member.role);
  return inTransaction(deps.db, async (db) => {
    const organization = await lockOrganization(db, organizationId);
    await assertUserExists(db, userId, 'user_id');
    const now = deps.clock.now();
    if (await findMembership(db, organizationId, userId)) throw alreadyMember(userId);
    if (!member.replacesInvitation) await assertRoomFor(db, organization, 1, now);
    let row: OrganizationMembershipRow;
    try {
      row = await insertMembership(db, {
        id: newId('orgmem', now),
        organization_id: organizationId,
        user_id: userId,
        role: member.role,
        public_metadata: JSON.stringify(member.public_metadata ?? {}),
        private_metadata: JSON.stringify(member.private_metadata ?? {}),
        created_at: now,
        updated_at: now,
      });
    } catch (error) {
      // Two requests adding the same user at once: the unique index decides, the loser hears this.
      if (uniqueViolation(error) === 'organization_memberships_member_key') throw alreadyMember(userId);
      throw error;
    }
    return row;
  });
}

function alreadyMember(userId: string): ClerkError {
  return new ClerkError('already_a_member_in_organization', { long_message: `${userId} is already a member of the organization.` });
}

/** Fails when the change would leave the organization without a member who can manage memberships. */
async function assertAnotherManagerRemains(db: Executor, organizationId: string, before: OrganizationMembershipRow, nextRole?: string) {
  const managing = managingRoles() as string[];
  if (!managing.includes(before.role) || (nextRole !== undefined && managing.includes(nextRole))) return;
  if ((await countMembersWithRoles(db, organizationId, managing)) <= 1) throw new ClerkError('organization_minimum_permissions_needed');
}

/** PATCH /v1/organizations/{id}/memberships/{user_id}: a new role, unless that leaves no admin. */
export async function updateMemberRole(deps: MembershipDeps, organizationId: string, userId: string, role: string): Promise<MembershipJson> {
  assertRole(role);
  return inTransaction(deps.db, async (db) => {
    await lockOrganization(db, organizationId);
    const before = await findMembership(db, organizationId, userId);
    if (!before) throw membershipNotFound();
    if (before.role === role) return (await membershipsJson({ ...deps, db }, [before]))[0]!;
    await assertAnotherManagerRemains(db, organizationId, before, role);
    const row = await updateMembership(db, organizationId, userId, { role, updated_at: deps.clock.now() });
    return (await recordMembershipEvents({ ...deps, db }, 'organizationMembership.updated', [row!]))[0]!;
  });
}

/** PATCH …/memberships/{user_id}/metadata: a deep merge (null removes a key), within 8 KB per object. */
export async function updateMemberMetadata(
  deps: MembershipDeps,
  organizationId: string,
  userId: string,
  input: { public_metadata?: JsonObject | null; private_metadata?: JsonObject | null },
): Promise<MembershipJson> {
  return inTransaction(deps.db, async (db) => {
    if (!(await findOrganizationById(db, organizationId))) throw organizationNotFound();
    const before = await findMembership(db, organizationId, userId);
    if (!before) throw membershipNotFound();
    const patch: { public_metadata?: string; private_metadata?: string; updated_at: number } = { updated_at: deps.clock.now() };
    const next: Record<string, JsonObject> = {};
    for (const field of ['public_metadata', 'private_metadata'] as const) {
      if (input[field] === undefined) continue;
      next[field] = deepMerge(before[field] as JsonObject, input[field] ?? {});
      patch[field] = JSON.stringify(next[field]);
    }
    throwIfAny(metadataErrors(next));
    if (Object.keys(next).length === 0) return (await membershipsJson({ ...deps, db }, [before]))[0]!;
    const row = await updateMembership(db, organizationId, userId, patch);
    return (await recordMembershipEvents({ ...deps, db }, 'organizationMembership.updated', [row!]))[0]!;
  });
}

/** DELETE /v1/organizations/{id}/memberships/{user_id}: answers the membership as it was. */
export async function removeMember(deps: MembershipDeps, organizationId: string, userId: string): Promise<MembershipJson> {
  return inTransaction(deps.db, async (db) => {
    await lockOrganization(db, organizationId);
    const before = await findMembership(db, organizationId, userId);
    if (!before) throw membershipNotFound();
    await assertAnotherManagerRemains(db, organizationId, before);
    // Serialized before the delete: the member's public data and the organization as they were.
    const [json] = await membershipsJson({ ...deps, db }, [before]);
    await deleteMembership(db, organizationId, userId);
    const after = { ...json!, organization: { ...json!.organization, members_count: json!.organization.members_count! - 1 } };
    await recordEvents({ ...deps, db }, [{ type: 'organizationMembership.deleted', data: after }]);
    return after;
  });
}

/**
 * Before a user is deleted: every membership goes, one organizationMembership.deleted each (the last-admin
 * rule does not stop a user's deletion). Runs in the caller's transaction.
 */
export async function removeUserMemberships(deps: MembershipDeps, userId: string): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const before = await membershipsJson({ ...deps, db }, await findUserMembershipsForDelete(db, userId));
    if (before.length === 0) return;
    await deleteMembershipsOfUser(db, userId);
    await recordEvents(
      { ...deps, db },
      before.map((json) => ({
        type: 'organizationMembership.deleted' as const,
        data: { ...json, organization: { ...json.organization, members_count: json.organization.members_count! - 1 } },
      })),
    );
  });
}

/** The user's memberships, their organizations locked (in id order, so two deletions cannot deadlock). */
async function findUserMembershipsForDelete(db: Executor, userId: string): Promise<OrganizationMembershipRow[]> {
  const rows = await listMemberships(db, { userId }, { field: 'created_at', direction: 'asc' }, 10_000, 0);
  for (const orgId of [...new Set(rows.map((r) => r.organization_id))].sort()) await findOrganizationByIdForUpdate(db, orgId);
  return rows;
}

/** 404 for an unknown user, named as `param` when given. */
export async function assertUserExists(db: Executor, userId: string, param?: string): Promise<void> {
  if ((await existingUserIds(db, [userId])).has(userId)) return;
  throw userNotFound(userId, param);
}

/** The membership of a user in an organization, or undefined (session tokens, invitations). */
export async function findMember(db: Executor, organizationId: string, userId: string) {
  return findMembership(db, organizationId, userId);
}
