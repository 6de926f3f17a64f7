import type { Deps } from '../deps.js';
import type { OrganizationRow } from '../db/schema.js';
import { imageFields, initialsOf, uploadedImageUrl, type ImageView } from '../images/urls.js';

/** What an organization's JSON is computed from besides its row. */
export interface OrganizationView extends ImageView {}

export function organizationView(deps: Pick<Deps, 'instance' | 'config'>): OrganizationView {
  return { instanceId: deps.instance.id, publicUrl: deps.config.publicUrl };
}

/** The counts Clerk adds on request (include_members_count) and in webhook payloads. */
export interface OrganizationCounts {
  members_count: number;
  pending_invitations_count: number;
}

/**
 * Row → Clerk's Organization JSON (@clerk/backend's Organization.fromJSON reads it). The counts appear only
 * when given. Do not rename the fields.
 */
export function serializeOrganization(row: OrganizationRow, view: OrganizationView, counts?: OrganizationCounts) {
  return {
    object: 'organization' as const,
    id: row.id,
    name: row.name,
    slug: row.slug,
    ...imageFields(view, row.id, row.image_id, initialsOf(row.name)),
    max_allowed_memberships: row.max_allowed_memberships,
    admin_delete_enabled: row.admin_delete_enabled,
    public_metadata: row.public_metadata,
    private_metadata: row.private_metadata,
    // Clerk types created_by as a string: an organization made without a creator has "".
    created_by: row.created_by ?? '',
    created_at: row.created_at,
    updated_at: row.updated_at,
    ...(counts ? { ...counts, missing_member_with_elevated_permissions: false } : {}),
  };
}

export type OrganizationJson = ReturnType<typeof serializeOrganization>;

/** PUT /v1/organizations/{id}/logo answers OrganizationWithLogo: the organization and the deprecated logo_url. */
export function serializeOrganizationWithLogo(row: OrganizationRow, view: OrganizationView) {
  return { ...serializeOrganization(row, view), logo_url: row.image_id ? uploadedImageUrl(view.publicUrl, row.image_id) : null };
}

/** `public_organization_data` of an invitation or a domain. */
export function publicOrganizationData(row: OrganizationRow, view: OrganizationView) {
  return { id: row.id, name: row.name, slug: row.slug, ...imageFields(view, row.id, row.image_id, initialsOf(row.name)) };
}

/** DELETE /v1/organizations/{id} and organization.deleted: Clerk's DeletedObject with the slug. */
export function deletedOrganization(row: OrganizationRow) {
  return { object: 'organization' as const, id: row.id, slug: row.slug, deleted: true as const };
}
