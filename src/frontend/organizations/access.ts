import type { Deps } from '../../deps.js';
import type { OrganizationMembershipRow, OrganizationRow } from '../../db/schema.js';
import { ClerkError } from '../../http/clerk-error.js';
import { readSettings } from '../../instance/settings.js';
import { findMember } from '../../organizations/members/service.js';
import { rolePermissions, type Permission } from '../../organizations/roles.js';
import { getOrganization } from '../../organizations/service.js';
import type { SignedIn } from '../me/auth.js';

// Who may do what to an organization through the Frontend API: the instance must offer organizations to
// end users, the signed-in user must be a member, and a change needs the role's system permission
// (org:admin holds them all; org:member may only read the members).

/** 403 organization_not_enabled_in_instance when the instance's organization_settings.enabled is off. */
export async function assertOrganizationsEnabled(deps: Pick<Deps, 'db'>): Promise<void> {
  if (!(await readSettings(deps.db)).organization_settings.enabled) throw new ClerkError('organization_not_enabled_in_instance');
}

export interface MemberAccess {
  organization: OrganizationRow;
  membership: OrganizationMembershipRow;
}

/**
 * The organization and the signed-in user's membership in it: 404 for an unknown organization, 403
 * not_a_member_in_organization for one the user does not belong to, and, with `permission`, 403
 * not_an_admin_in_organization unless the user's role holds it.
 */
export async function memberAccess(deps: Pick<Deps, 'db'>, me: SignedIn, organizationId: string, permission?: Permission): Promise<MemberAccess> {
  await assertOrganizationsEnabled(deps);
  const organization = await getOrganization(deps, organizationId);
  const membership = await findMember(deps.db, organization.id, me.user.id);
  if (!membership) throw new ClerkError('not_a_member_in_organization');
  if (permission && !rolePermissions(membership.role).includes(permission)) {
    throw new ClerkError('not_an_admin_in_organization', {
      long_message: `${me.user.id} is not an administrator in the organization. Only administrators can perform this action.`,
    });
  }
  return { organization, membership };
}
