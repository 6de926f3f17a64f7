import type { Executor } from '../../db/database.js';
import type { JsonObject } from '../../db/schema.js';
import { paramError } from '../../http/clerk-error.js';
import { findPendingInvitationByTicket, lockPendingInvitationByTicketHash, markInvitationAccepted } from '../../invitations/service.js';
import { effectiveInvitationStatus, hashTicket } from '../../lib/tickets.js';
import { acceptInvitation, findInvitationByTicketDigest, type InvitationDeps } from '../../organizations/invitations/service.js';

// Signing up with an invitation ticket (strategy=ticket, the `__clerk_ticket` of an invitation link, as
// clerk-js's <SignUp /> sends it): the ticket proves the invited address, so the sign-up's email is that
// address, already verified, and sign_up_mode=restricted lets it through. When the user is created, the
// invitation is accepted in the same transaction: an instance invitation gives the user its
// public_metadata; an organization invitation makes the user a member with its role.

/** Clerk's form error on `ticket` for an unknown, used, revoked or expired ticket (unsourced text). */
function ticketInvalid() {
  return paramError('form_param_value_invalid', 'ticket', 'The invitation ticket is invalid, or its invitation was already used, revoked or has expired.');
}

interface Reader {
  db: Executor;
  clock: { now(): number };
}

/** The invited address of a ticket whose invitation (instance or organization) is pending, and the ticket's hash. */
export async function ticketInvitation(deps: Reader, ticket: string): Promise<{ ticketHash: string; emailAddress: string }> {
  const ticketHash = hashTicket(ticket);
  const instance = await findPendingInvitationByTicket(deps, ticket);
  if (instance) return { ticketHash, emailAddress: instance.email_address };
  const organization = await findInvitationByTicketDigest(deps, ticketHash);
  if (organization && effectiveInvitationStatus(organization, deps.clock.now()) === 'pending') return { ticketHash, emailAddress: organization.email_address };
  throw ticketInvalid();
}

/** What the new user gets from an instance invitation: its public_metadata (organization invitations give none). */
export type TicketGrant = { kind: 'instance'; invitationId: string; publicMetadata: JsonObject } | { kind: 'organization'; invitationId: string };

/** Inside the completing transaction: the ticket's invitation, locked and still pending, or 422 on `ticket`. */
export async function claimTicket(deps: Reader, ticketHash: string): Promise<TicketGrant> {
  const instance = await lockPendingInvitationByTicketHash(deps, ticketHash);
  if (instance) return { kind: 'instance', invitationId: instance.id, publicMetadata: instance.public_metadata };
  const organization = await findInvitationByTicketDigest(deps, ticketHash);
  // acceptInvitation locks it and checks it is still pending.
  if (organization) return { kind: 'organization', invitationId: organization.id };
  throw ticketInvalid();
}

/** Accepts the claimed invitation for the user just created (organizationMembership.created and organizationInvitation.accepted for an organization's). */
export async function acceptTicket(deps: InvitationDeps, grant: TicketGrant, userId: string): Promise<void> {
  if (grant.kind === 'instance') await markInvitationAccepted(deps, grant.invitationId, userId);
  else await acceptInvitation(deps, grant.invitationId, userId);
}
