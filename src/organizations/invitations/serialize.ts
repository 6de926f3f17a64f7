import type { OrganizationInvitationRow, OrganizationRow } from '../../db/schema.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { effectiveInvitationStatus } from '../../lib/tickets.js';
import { roleName } from '../roles.js';
import { publicOrganizationData, type OrganizationView } from '../serialize.js';

export interface InvitationView {
  nowMs: number;
  secretBox: SecretBox;
}

/**
 * Row → Clerk's OrganizationInvitation JSON (@clerk/backend's OrganizationInvitation.fromJSON). The link is
 * shown again from its sealed copy. Do not rename the fields.
 */
export function serializeOrganizationInvitation(row: OrganizationInvitationRow, view: InvitationView) {
  return {
    object: 'organization_invitation' as const,
    id: row.id,
    email_address: row.email_address,
    role: row.role,
    role_name: roleName(row.role),
    organization_id: row.organization_id,
    status: effectiveInvitationStatus(row, view.nowMs),
    public_metadata: row.public_metadata,
    private_metadata: row.private_metadata,
    url: row.url_sealed === null ? null : view.secretBox.open(row.url_sealed),
    expires_at: row.expires_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export type OrganizationInvitationJson = ReturnType<typeof serializeOrganizationInvitation>;

/** The invitation with `public_organization_data` (a user's and the instance's invitation lists). */
export function withPublicOrganizationData(json: OrganizationInvitationJson, organization: OrganizationRow, view: OrganizationView) {
  return { ...json, public_organization_data: publicOrganizationData(organization, view) };
}
