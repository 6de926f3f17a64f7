import type { OrganizationMembershipRow, OrganizationRow } from '../../db/schema.js';
import { imageFields, initialsOf, type ImageView } from '../../images/urls.js';
import { roleName, rolePermissions } from '../roles.js';
import { serializeOrganization, type OrganizationCounts, type OrganizationView } from '../serialize.js';
import type { MemberUserRow } from './store.js';

/** A member's `public_user_data`: what any member of the organization may see of the user. */
export function publicUserData(user: MemberUserRow, view: ImageView) {
  const image = imageFields(view, user.id, user.profile_image_id, initialsOf(user.first_name, user.last_name));
  return {
    user_id: user.id,
    first_name: user.first_name,
    last_name: user.last_name,
    // Deprecated by Clerk; the same URL as image_url.
    profile_image_url: image.image_url,
    ...image,
    // The user's primary identifier, in Clerk's order of preference.
    identifier: user.email_address ?? user.phone_number ?? user.username ?? user.web3_wallet ?? '',
  };
}

/** What a membership's JSON needs besides its own row. */
export interface MembershipParts {
  organization: OrganizationRow;
  counts: OrganizationCounts;
  user: MemberUserRow;
}

/**
 * Row → Clerk's OrganizationMembership JSON, with its organization (and its counts) and the member's
 * public data (@clerk/backend's OrganizationMembership.fromJSON needs both). Do not rename the fields.
 */
export function serializeMembership(row: OrganizationMembershipRow, parts: MembershipParts, view: OrganizationView) {
  return {
    object: 'organization_membership' as const,
    id: row.id,
    role: row.role,
    role_name: roleName(row.role),
    permissions: rolePermissions(row.role),
    public_metadata: row.public_metadata,
    private_metadata: row.private_metadata,
    organization: serializeOrganization(parts.organization, view, parts.counts),
    public_user_data: publicUserData(parts.user, view),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export type MembershipJson = ReturnType<typeof serializeMembership>;
