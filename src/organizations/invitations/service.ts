import type { Deps } from '../../deps.js';
import type { Executor } from '../../db/database.js';
import type { OrganizationInvitationRow, OrganizationRow } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import { sendEmail } from '../../email/service.js';
import { ClerkError } from '../../http/clerk-error.js';
import { parseOrderBy } from '../../http/list-params.js';
import { invitationFieldErrors } from '../../invitations/service.js';
import { newId } from '../../lib/ids.js';
import { effectiveInvitationStatus, hashTicket, invitationUrl, newTicket } from '../../lib/tickets.js';
import { throwIfAny } from '../../users/validate.js';
import { recordEvents, type EventDeps } from '../../webhooks/record.js';
import {
  assertRole,
  assertRoomFor,
  assertUserExists,
  findMember,
  insertMember,
  lockOrganization,
  membershipsJson,
  organizationNotFound,
} from '../members/service.js';
import { findMemberUsers } from '../members/store.js';
import { managingRoles } from '../roles.js';
import { organizationView } from '../serialize.js';
import { findOrganizationById, findOrganizationsByIds } from '../store.js';
import type { CreateInvitationInput, InstanceInvitationListInput, InvitationListInput } from './schemas.js';
import { serializeOrganizationInvitation, withPublicOrganizationData, type OrganizationInvitationJson } from './serialize.js';
import {
  countInvitations,
  existingUserEmails,
  expirePendingInvitations,
  findInvitation,
  findInvitationByIdForUpdate,
  findInvitationByTicketHash,
  findPendingInvitations,
  insertInvitations,
  listInvitations,
  memberEmails,
  updateInvitation,
  verifiedEmailsOfUser,
  type InvitationFilters,
  type NewInvitationRow,
} from './store.js';

// Organization invitations: an address invited to join with a role. Creating one takes the organization's
// lock (it counts against max_allowed_memberships with the members), sends the invitation email and records
// organizationInvitation.created; accepting one makes a membership with the invitation's role and metadata.

export type InvitationReadDeps = Pick<Deps, 'db' | 'clock' | 'instance' | 'config' | 'secretBox'>;
export type InvitationDeps = EventDeps & Pick<Deps, 'instance' | 'config' | 'secretBox'>;

/** Clerk's default lifetime of an invitation. */
const DEFAULT_EXPIRES_IN_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;

const view = (deps: { clock: { now(): number }; secretBox: Deps['secretBox'] }) => ({ nowMs: deps.clock.now(), secretBox: deps.secretBox });

function invitationNotFound(id: string): ClerkError {
  return new ClerkError('resource_not_found', { long_message: `No invitation found with id ${id}.` });
}

/** The inviter (or revoker) must be an admin of the organization. */
async function assertAdmin(db: Executor, organizationId: string, userId: string): Promise<void> {
  const membership = await findMember(db, organizationId, userId);
  if (!membership) throw new ClerkError('not_a_member_in_organization');
  if (!(managingRoles() as string[]).includes(membership.role)) {
    throw new ClerkError('not_an_admin_in_organization', {
      long_message: `${userId} is not an administrator in the organization. Only administrators can perform this action.`,
    });
  }
}

/** The inviter's name for the email: their name, else their primary identifier. */
async function inviterName(db: Executor, userId: string | null): Promise<string | undefined> {
  if (!userId) return undefined;
  const [user] = await findMemberUsers(db, [userId]);
  if (!user) return undefined;
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return name || user.email_address || user.username || undefined;
}

/**
 * POST /v1/organizations/{id}/invitations and …/bulk: all of `inputs` or none. One pending invitation per
 * address (organization_invitation_not_unique), none to a member (already_a_member_in_organization), and
 * room under max_allowed_memberships for all of them.
 */
export async function createInvitations(deps: InvitationDeps, organizationId: string, inputs: CreateInvitationInput[]): Promise<OrganizationInvitationJson[]> {
  throwIfAny(inputs.flatMap(invitationFieldErrors));
  for (const input of inputs) assertRole(input.role);
  const emails = inputs.map((i) => i.email_address.toLowerCase());
  if (new Set(emails).size !== emails.length) throw new ClerkError('organization_invitation_not_unique');
  return inTransaction(deps.db, async (db) => {
    const organization = await lockOrganization(db, organizationId);
    const now = deps.clock.now();
    for (const inviter of new Set(inputs.map((i) => i.inviter_user_id).filter((id): id is string => !!id))) {
      await assertAdmin(db, organizationId, inviter);
    }
    const members = await memberEmails(db, organizationId, emails);
    if (members.length > 0) throw new ClerkError('already_a_member_in_organization', { long_message: `${members[0]} is already a member of the organization.` });
    await expirePendingInvitations(db, organizationId, emails, now);
    if ((await findPendingInvitations(db, organizationId, emails)).length > 0) throw new ClerkError('organization_invitation_not_unique');
    await assertRoomFor(db, organization, inputs.length, now);
    const existing = await existingUserEmails(db, emails);
    const links: (string | null)[] = [];
    const rows: NewInvitationRow[] = inputs.map((input, i) => {
      const ticket = newTicket();
      const url = invitationUrl(input.redirect_url ?? null, ticket.ticket, existing.has(emails[i]!) ? 'sign_in' : 'sign_up');
      links.push(url);
      return {
        id: newId('orginv', now),
        organization_id: organizationId,
        email_address: input.email_address,
        role: input.role,
        status: 'pending',
        inviter_user_id: input.inviter_user_id ?? null,
        public_metadata: JSON.stringify(input.public_metadata ?? {}),
        private_metadata: JSON.stringify(input.private_metadata ?? {}),
        redirect_url: input.redirect_url ?? null,
        url_sealed: url === null ? null : deps.secretBox.seal(url),
        ticket_hash: ticket.hash,
        expires_at: now + (input.expires_in_days ?? DEFAULT_EXPIRES_IN_DAYS) * DAY_MS,
        created_at: now,
        updated_at: now,
      };
    });
    const inserted = await insertInvitations(db, rows);
    const byId = new Map(inserted.map((r) => [r.id, r]));
    const json = rows.map((r) => serializeOrganizationInvitation(byId.get(r.id)!, view(deps)));
    await recordEvents({ ...deps, db }, json.map((data) => ({ type: 'organizationInvitation.created' as const, data })));
    await emailInvitees({ ...deps, db }, organization, rows, links);
    return json;
  });
}

/**
 * The invitation emails, in the creating transaction (sent only if it commits). Without a redirect_url the
 * invitation has no link (there is no hosted page to send the invitee to), and no email is sent.
 */
async function emailInvitees(deps: InvitationDeps, organization: OrganizationRow, rows: NewInvitationRow[], links: (string | null)[]) {
  const names = new Map<string, string | undefined>();
  for (const [i, row] of rows.entries()) {
    const url = links[i];
    if (!url) continue;
    const inviter = row.inviter_user_id ?? null;
    if (inviter && !names.has(inviter)) names.set(inviter, await inviterName(deps.db, inviter));
    await sendEmail(deps, {
      slug: 'organization_invitation',
      to: row.email_address,
      userId: null,
      emailAddressId: null,
      data: { organization_name: organization.name, inviter_name: inviter ? names.get(inviter) : undefined, action_url: url },
    });
  }
}

export async function getInvitation(deps: InvitationReadDeps, organizationId: string, id: string): Promise<OrganizationInvitationJson> {
  if (!(await findOrganizationById(deps.db, organizationId))) throw organizationNotFound();
  const row = await findInvitation(deps.db, organizationId, id);
  if (!row) throw invitationNotFound(id);
  return serializeOrganizationInvitation(row, view(deps));
}

/** POST …/invitations/{id}/revoke: only a pending invitation; with requesting_user_id, only by an admin. */
export async function revokeInvitation(
  deps: InvitationDeps,
  organizationId: string,
  id: string,
  requestingUserId: string | null | undefined,
): Promise<OrganizationInvitationJson> {
  return inTransaction(deps.db, async (db) => {
    await lockOrganization(db, organizationId);
    const row = await findInvitation(db, organizationId, id);
    if (!row) throw invitationNotFound(id);
    if (requestingUserId) await assertAdmin(db, organizationId, requestingUserId);
    const now = deps.clock.now();
    if (effectiveInvitationStatus(row, now) !== 'pending') throw new ClerkError('organization_invitation_not_pending');
    const revoked = await updateInvitation(db, id, { status: 'revoked', updated_at: now });
    const json = serializeOrganizationInvitation(revoked!, view(deps));
    await recordEvents({ ...deps, db }, [{ type: 'organizationInvitation.revoked', data: json }]);
    return json;
  });
}

/**
 * Accepting an invitation (the Frontend API, with the link's ticket or as the signed-in invitee): the user
 * must own the invited address (verified); the user becomes a member with the invitation's role and
 * metadata (the invitation already counted against the limit); organizationMembership.created, then
 * organizationInvitation.accepted (its data with the user's id).
 */
export async function acceptInvitation(deps: InvitationDeps, invitationId: string, userId: string) {
  return inTransaction(deps.db, async (db) => {
    const found = await findInvitationByIdForUpdate(db, invitationId);
    if (!found) throw invitationNotFound(invitationId);
    await lockOrganization(db, found.organization_id);
    const row = (await findInvitationByIdForUpdate(db, invitationId))!;
    const now = deps.clock.now();
    const status = effectiveInvitationStatus(row, now);
    if (status === 'revoked') throw new ClerkError('organization_invitation_revoked_code');
    if (status === 'accepted') throw new ClerkError('organization_invitation_already_accepted');
    if (status !== 'pending') throw new ClerkError('organization_invitation_not_pending');
    if (!(await verifiedEmailsOfUser(db, userId)).includes(row.email_address.toLowerCase())) {
      throw new ClerkError('resource_not_found', { long_message: `No invitation found with id ${invitationId}.` });
    }
    const inserted = await insertMember({ ...deps, db }, row.organization_id, userId, {
      role: row.role,
      public_metadata: row.public_metadata,
      private_metadata: row.private_metadata,
      replacesInvitation: true,
    });
    const accepted = await updateInvitation(db, row.id, { status: 'accepted', accepted_user_id: userId, updated_at: now });
    const [membership] = await membershipsJson({ ...deps, db }, [inserted]);
    const json = serializeOrganizationInvitation(accepted!, view(deps));
    // One call, so the two events keep this order in the outbox.
    await recordEvents({ ...deps, db }, [
      { type: 'organizationMembership.created', data: membership },
      { type: 'organizationInvitation.accepted', data: { ...json, user_id: userId } },
    ]);
    return { invitation: json, membership: membership! };
  });
}

/** The invitation a ticket (from an invitation link) belongs to, or undefined. */
export async function findInvitationByTicket(deps: { db: Executor }, ticket: string): Promise<OrganizationInvitationRow | undefined> {
  return findInvitationByTicketHash(deps.db, hashTicket(ticket));
}

/** The same, from the ticket's hash (a sign-up keeps only the hash of its ticket). */
export async function findInvitationByTicketDigest(deps: { db: Executor }, ticketHash: string): Promise<OrganizationInvitationRow | undefined> {
  return findInvitationByTicketHash(deps.db, ticketHash);
}

async function page(deps: InvitationReadDeps, filters: InvitationFilters, order: { field: 'created_at' | 'email_address'; direction: 'asc' | 'desc' }, limit: number, offset: number) {
  const [rows, total] = await Promise.all([
    listInvitations(deps.db, filters, order, limit, offset),
    countInvitations(deps.db, filters),
  ]);
  return { rows, total };
}

/** The rows' JSON with `public_organization_data` (their organizations read in one query). */
async function withOrganizations(deps: InvitationReadDeps, rows: OrganizationInvitationRow[]) {
  const organizations = new Map((await findOrganizationsByIds(deps.db, [...new Set(rows.map((r) => r.organization_id))])).map((o) => [o.id, o]));
  const orgView = organizationView(deps);
  return rows.map((row) => withPublicOrganizationData(serializeOrganizationInvitation(row, view(deps)), organizations.get(row.organization_id)!, orgView));
}

/** GET /v1/organizations/{id}/invitations (and the deprecated …/pending): newest first. */
export async function listOrganizationInvitations(deps: InvitationReadDeps, organizationId: string, q: InvitationListInput) {
  if (!(await findOrganizationById(deps.db, organizationId))) throw organizationNotFound();
  const filters: InvitationFilters = { organizationId, status: q.status, nowMs: deps.clock.now() };
  const { rows, total } = await page(deps, filters, { field: 'created_at', direction: 'desc' }, q.limit, q.offset);
  return { data: rows.map((row) => serializeOrganizationInvitation(row, view(deps))), total_count: total };
}

/** GET /v1/organization_invitations: every organization's invitations, with their public organization data. */
export async function listInstanceInvitations(deps: InvitationReadDeps, q: InstanceInvitationListInput) {
  const filters: InvitationFilters = { status: q.status, query: q.query || undefined, nowMs: deps.clock.now() };
  const { rows, total } = await page(deps, filters, parseOrderBy<'created_at' | 'email_address'>(q.order_by), q.limit, q.offset);
  return { data: await withOrganizations(deps, rows), total_count: total };
}

/** GET /v1/users/{id}/organization_invitations: invitations to the user's verified addresses. */
export async function listUserInvitations(deps: InvitationReadDeps, userId: string, q: InvitationListInput) {
  await assertUserExists(deps.db, userId);
  const filters: InvitationFilters = { emails: await verifiedEmailsOfUser(deps.db, userId), status: q.status, nowMs: deps.clock.now() };
  const { rows, total } = await page(deps, filters, { field: 'created_at', direction: 'desc' }, q.limit, q.offset);
  return { data: await withOrganizations(deps, rows), total_count: total };
}
