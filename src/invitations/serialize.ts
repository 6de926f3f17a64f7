import type { InvitationRow } from '../db/schema.js';
import type { SecretBox } from '../lib/secret-box.js';
import { effectiveInvitationStatus } from '../lib/tickets.js';

/** Row → Clerk's Invitation JSON (@clerk/backend's Invitation.fromJSON). Do not rename the fields. */
export function serializeInvitation(row: InvitationRow, view: { nowMs: number; secretBox: SecretBox }) {
  const status = effectiveInvitationStatus(row, view.nowMs);
  return {
    object: 'invitation' as const,
    id: row.id,
    email_address: row.email_address,
    public_metadata: row.public_metadata,
    revoked: status === 'revoked',
    status,
    url: row.url_sealed === null ? null : view.secretBox.open(row.url_sealed),
    expires_at: row.expires_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export type InvitationJson = ReturnType<typeof serializeInvitation>;
