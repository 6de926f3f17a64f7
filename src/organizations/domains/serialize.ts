import type { OrganizationDomainRow } from '../../db/schema.js';

/**
 * Row → Clerk's OrganizationDomain JSON. A domain verified through the Backend API reports an `admin`
 * verification, as identifications do; an unverified one has none until a verification is prepared
 * (which only the Frontend API's affiliation flow does). Gatehouse makes no invitations or suggestions from
 * domains, so both counts are 0. Do not rename the fields.
 */
export function serializeDomain(row: OrganizationDomainRow) {
  return {
    object: 'organization_domain' as const,
    id: row.id,
    organization_id: row.organization_id,
    name: row.name,
    enrollment_mode: row.enrollment_mode,
    affiliation_email_address: row.affiliation_email_address,
    verification: row.verified ? { status: 'verified' as const, strategy: 'admin', attempts: null, expire_at: null } : null,
    total_pending_invitations: 0,
    total_pending_suggestions: 0,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export type DomainJson = ReturnType<typeof serializeDomain>;
