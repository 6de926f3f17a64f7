import type { Deps } from '../deps.js';
import type { Executor } from '../db/database.js';
import type { InvitationRow } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { sendEmail } from '../email/service.js';
import { ClerkError, clerkErrorEntry, type ClerkErrorEntry } from '../http/clerk-error.js';
import { parseOrderBy } from '../http/list-params.js';
import { identificationFormatErrors, identifierTaken } from '../identifications/service.js';
import { newId } from '../lib/ids.js';
import { effectiveInvitationStatus, hashTicket, invitationUrl, newTicket } from '../lib/tickets.js';
import { metadataErrors, throwIfAny } from '../users/validate.js';
import type { EventDeps } from '../webhooks/record.js';
import type { CreateInvitationInput, InvitationListInput } from './schemas.js';
import { serializeInvitation, type InvitationJson } from './serialize.js';
import {
  countInvitations,
  existingUserEmails,
  findInvitationByIdForUpdate,
  findInvitationByTicketHash,
  findPendingInvitationsForUpdate,
  insertInvitations,
  listInvitations,
  setInvitationsStatus,
  updateInvitation,
  type InvitationFilters,
  type InvitationOrderField,
} from './store.js';

// Instance invitations (/v1/invitations): an address invited to sign up. One pending invitation per
// address; none to an address a user already has. The invitation email goes out through email/ in the
// creating transaction. (Clerk has no webhook events for these invitations.)

export type InvitationDeps = EventDeps & Pick<Deps, 'secretBox'>;

/** Clerk: "By default, the invitation expires after 30 days." */
const DEFAULT_EXPIRES_IN_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;

const view = (deps: { clock: { now(): number }; secretBox: Deps['secretBox'] }) => ({ nowMs: deps.clock.now(), secretBox: deps.secretBox });

/** The field checks every invitation shares (instance and organization ones): the address, metadata, the link. */
export function invitationFieldErrors(input: { email_address: string; redirect_url?: string | null | undefined; [field: string]: unknown }): ClerkErrorEntry[] {
  const errors = [...identificationFormatErrors('email_address', [input.email_address]), ...metadataErrors(input)];
  if (input.redirect_url && !URL.canParse(input.redirect_url)) {
    errors.push(clerkErrorEntry('form_param_format_invalid', { meta: { param_name: 'redirect_url' } }));
  }
  return errors;
}

function addressTaken(): ClerkError {
  return identifierTaken('email_address', 'email address');
}

/**
 * POST /v1/invitations and /v1/invitations/bulk, all or none. An address some user has is refused
 * (form_identifier_exists; `ignore_existing` lifts it for a single invitation only, as Clerk says the bulk
 * rule "cannot be bypassed"); a pending invitation to the address is duplicate_record unless
 * `ignore_existing`, which revokes it for the new one.
 */
export async function createInvitations(deps: InvitationDeps, inputs: CreateInvitationInput[], bulk: boolean): Promise<InvitationJson[]> {
  throwIfAny(inputs.flatMap(invitationFieldErrors));
  const emails = inputs.map((i) => i.email_address.toLowerCase());
  if (new Set(emails).size !== emails.length) throw duplicates([...new Set(emails.filter((e, i) => emails.indexOf(e) !== i))]);
  return inTransaction(deps.db, async (db) => {
    const now = deps.clock.now();
    const taken = new Set(await existingUserEmails(db, emails));
    if (inputs.some((input, i) => taken.has(emails[i]!) && (bulk || input.ignore_existing !== true))) throw addressTaken();
    const pending = await findPendingInvitationsForUpdate(db, emails);
    // Expired ones make room for the new invitation; live ones need ignore_existing.
    await setInvitationsStatus(db, pending.filter((p) => p.expires_at <= now).map((p) => p.id), 'expired', now);
    const live = pending.filter((p) => p.expires_at > now);
    const ignoring = new Set(emails.filter((_, i) => inputs[i]!.ignore_existing === true));
    const blocking = live.filter((p) => !ignoring.has(p.email_address.toLowerCase()));
    if (blocking.length > 0) throw duplicates(blocking.map((p) => p.email_address));
    await setInvitationsStatus(db, live.map((p) => p.id), 'revoked', now);

    const links: (string | null)[] = [];
    const rows = inputs.map((input) => {
      const ticket = newTicket();
      const url = invitationUrl(input.redirect_url ?? null, ticket.ticket, 'sign_up');
      links.push(url);
      return {
        id: newId('inv', now),
        email_address: input.email_address,
        public_metadata: JSON.stringify(input.public_metadata ?? {}),
        redirect_url: input.redirect_url ?? null,
        status: 'pending' as const,
        url_sealed: url === null ? null : deps.secretBox.seal(url),
        ticket_hash: ticket.hash,
        expires_at: now + (input.expires_in_days ?? DEFAULT_EXPIRES_IN_DAYS) * DAY_MS,
        created_at: now,
        updated_at: now,
      };
    });
    const inserted = new Map((await insertInvitations(db, rows)).map((r) => [r.id, r]));
    // Without a redirect_url there is no link (Clerk would link its hosted sign-up page), so no email.
    for (const [i, input] of inputs.entries()) {
      const url = links[i];
      if (input.notify === false || !url) continue;
      await sendEmail({ ...deps, db }, { slug: 'invitation', to: input.email_address, userId: null, emailAddressId: null, data: { action_url: url } });
    }
    return rows.map((r) => serializeInvitation(inserted.get(r.id)!, view(deps)));
  });
}

function duplicates(emails: string[]): ClerkError {
  return new ClerkError('duplicate_record', {
    meta: { email_addresses: emails },
    message: 'duplicate record',
    long_message: `There are already pending invitations for the following email addresses: ${emails.join(', ')}`,
  });
}

function invitationNotFound(id: string): ClerkError {
  return new ClerkError('resource_not_found', { long_message: `No invitation was found with id ${id}.` });
}

/** POST /v1/invitations/{id}/revoke: a revoked or accepted invitation cannot be revoked. */
export async function revokeInvitation(deps: InvitationDeps, id: string): Promise<InvitationJson> {
  return inTransaction(deps.db, async (db) => {
    const row = await findInvitationByIdForUpdate(db, id);
    if (!row) throw invitationNotFound(id);
    if (row.status === 'revoked') throw new ClerkError('invitation_already_revoked');
    if (row.status === 'accepted') throw new ClerkError('invitation_already_accepted');
    const revoked = await updateInvitation(db, id, { status: 'revoked', updated_at: deps.clock.now() });
    return serializeInvitation(revoked!, view(deps));
  });
}

/** GET /v1/invitations: a bare array, or { data, total_count } with paginated=true (what @clerk/backend asks for). */
export async function listInstanceInvitations(deps: Pick<Deps, 'db' | 'clock' | 'secretBox'>, q: InvitationListInput) {
  const filters: InvitationFilters = { status: q.status, query: q.query || undefined, nowMs: deps.clock.now() };
  const order = parseOrderBy<InvitationOrderField>(q.order_by);
  const [rows, total] = await Promise.all([
    listInvitations(deps.db, filters, order, q.limit, q.offset),
    q.paginated === true ? countInvitations(deps.db, filters) : Promise.resolve(undefined),
  ]);
  const data = rows.map((r) => serializeInvitation(r, view(deps)));
  return total === undefined ? data : { data, total_count: total };
}

/** The pending invitation a ticket (from an invitation link) belongs to, for signing up with it; or undefined. */
export async function findPendingInvitationByTicket(deps: { db: Executor; clock: { now(): number } }, ticket: string): Promise<InvitationRow | undefined> {
  const row = await findInvitationByTicketHash(deps.db, hashTicket(ticket));
  return row && effectiveInvitationStatus(row, deps.clock.now()) === 'pending' ? row : undefined;
}

/**
 * Completing a sign-up that started with a ticket: the pending invitation of that ticket's hash, locked
 * until the transaction ends (so a ticket signs up one user); undefined when it is no longer pending.
 */
export async function lockPendingInvitationByTicketHash(deps: { db: Executor; clock: { now(): number } }, ticketHash: string): Promise<InvitationRow | undefined> {
  const found = await findInvitationByTicketHash(deps.db, ticketHash);
  const row = found ? await findInvitationByIdForUpdate(deps.db, found.id) : undefined;
  return row && effectiveInvitationStatus(row, deps.clock.now()) === 'pending' ? row : undefined;
}

/** Marks an invitation accepted by the user who signed up with it (the Frontend API's sign-up). */
export async function markInvitationAccepted(deps: { db: Executor; clock: { now(): number } }, id: string, userId: string): Promise<void> {
  await updateInvitation(deps.db, id, { status: 'accepted', accepted_user_id: userId, updated_at: deps.clock.now() });
}
