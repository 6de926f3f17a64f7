import type { MembershipJson } from '../../organizations/members/serialize.js';
import type { OrganizationInvitationJson } from '../../organizations/invitations/serialize.js';
import type { OrganizationJson } from '../../organizations/serialize.js';
import { ROLES, type RoleKey } from '../../organizations/roles.js';

// Organizations as the Frontend API shows them to end users: the Backend API's JSON without
// `private_metadata` (only the app's backend may read it), and with the counts clerk-js shows.
// Do not rename the JSON fields.

export function frontendOrganization(json: OrganizationJson) {
  const { private_metadata: _hidden, ...organization } = json;
  return { members_count: 0, pending_invitations_count: 0, ...organization };
}

export function frontendMembership(json: MembershipJson) {
  const { private_metadata: _hidden, organization, ...membership } = json;
  return { ...membership, organization: frontendOrganization(organization) };
}

export type FrontendMembershipJson = ReturnType<typeof frontendMembership>;

export function frontendInvitation<T extends OrganizationInvitationJson>(json: T) {
  const { private_metadata: _hidden, url: _link, ...invitation } = json;
  return invitation;
}

/**
 * Clerk's Role JSON (GET /v1/organizations/{id}/roles): the instance's fixed roles and their system
 * permissions; they were never created, so their timestamps are 0.
 */
export function serializeRoles() {
  return (Object.keys(ROLES) as RoleKey[]).map((key) => ({
    object: 'role' as const,
    id: `role_${key.replace(/^org:/, '')}`,
    key,
    name: ROLES[key].name,
    description: '',
    permissions: ROLES[key].permissions.map((permission) => ({
      object: 'permission' as const,
      id: `perm_${permission.replace(/[^a-z]+/g, '_')}`,
      key: permission,
      name: permission,
      description: '',
      type: 'system' as const,
      created_at: 0,
      updated_at: 0,
    })),
    created_at: 0,
    updated_at: 0,
  }));
}
