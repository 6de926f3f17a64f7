import { createHash, randomBytes } from 'node:crypto';

// Invitation tickets: the secret in an invitation link (`__clerk_ticket`), which lets the invited address
// sign up or join without another proof. 32 random bytes; stored sealed (to show the link again) and as a
// SHA-256 hash (to find the invitation from a link without comparing secrets one by one).

export interface Ticket {
  ticket: string;
  hash: string;
}

export function hashTicket(ticket: string): string {
  return createHash('sha256').update(ticket).digest('hex');
}

export function newTicket(): Ticket {
  const ticket = randomBytes(32).toString('base64url');
  return { ticket, hash: hashTicket(ticket) };
}

/**
 * The invitation link Clerk builds: the redirect URL with `__clerk_ticket` and `__clerk_status` (`sign_up`
 * for a new address, `sign_in` for an existing user) added to its query. Without a redirect URL there is
 * no page to send the link to (Clerk would use its hosted Account Portal): null.
 */
export function invitationUrl(redirectUrl: string | null, ticket: string, status: 'sign_up' | 'sign_in'): string | null {
  if (!redirectUrl) return null;
  const url = new URL(redirectUrl);
  url.searchParams.set('__clerk_ticket', ticket);
  url.searchParams.set('__clerk_status', status);
  return url.toString();
}

/** An invitation's status as clients see it: a pending invitation past its expiry reads as expired. */
export function effectiveInvitationStatus<S extends string>(row: { status: S; expires_at: number }, nowMs: number): S | 'expired' {
  return row.status === 'pending' && row.expires_at <= nowMs ? 'expired' : row.status;
}
