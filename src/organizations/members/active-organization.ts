import type { Executor } from '../../db/database.js';
import { tokenPermissions } from '../roles.js';
import { findOrganizationById } from '../store.js';
import { findMembership, findMostRecentMembership } from './store.js';

// What sessions ask of memberships: the organization a new session starts with, and the claims its tokens
// carry for it.

/**
 * The active-organization claims of a session token (the 2025-03-12 era's v1 claims: org_id, org_role,
 * org_slug, org_permissions), or undefined when the user is not (or no longer) a member.
 */
export async function organizationClaims(db: Executor, userId: string, organizationId: string) {
  const membership = await findMembership(db, organizationId, userId);
  if (!membership) return undefined;
  const organization = await findOrganizationById(db, organizationId);
  if (!organization) return undefined;
  return {
    org_id: organization.id,
    org_role: membership.role,
    org_slug: organization.slug,
    org_permissions: tokenPermissions(membership.role),
  };
}

/** The organization a new session of this user starts with: the one last made active, else the newest joined. */
export async function defaultActiveOrganization(db: Executor, userId: string): Promise<string | null> {
  return (await findMostRecentMembership(db, userId))?.organization_id ?? null;
}
