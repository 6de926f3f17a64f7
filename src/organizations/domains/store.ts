import { sql, type Insertable, type Updateable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { EnrollmentMode, OrganizationDomainRow, OrganizationDomainsTable } from '../../db/schema.js';

// The organization_domains table (migration 0022).

export async function insertDomainUnlessTaken(db: Executor, row: Insertable<OrganizationDomainsTable>): Promise<OrganizationDomainRow | undefined> {
  // `on conflict` rather than a failed insert, which would abort the transaction.
  return db.insertInto('organization_domains').values(row).onConflict((oc) => oc.column('name').doNothing()).returningAll().executeTakeFirst();
}

export async function findDomain(db: Executor, organizationId: string, id: string): Promise<OrganizationDomainRow | undefined> {
  return db.selectFrom('organization_domains').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

export async function updateDomain(
  db: Executor,
  id: string,
  patch: Updateable<OrganizationDomainsTable>,
): Promise<OrganizationDomainRow | undefined> {
  return db.updateTable('organization_domains').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteDomain(db: Executor, organizationId: string, id: string): Promise<OrganizationDomainRow | undefined> {
  return db.deleteFrom('organization_domains').where('organization_id', '=', organizationId).where('id', '=', id).returningAll().executeTakeFirst();
}

export interface DomainFilters {
  organizationId: string;
  verified?: boolean;
  enrollmentMode?: EnrollmentMode;
}

function filtered(db: Executor, f: DomainFilters) {
  let q = db.selectFrom('organization_domains').where('organization_id', '=', f.organizationId);
  if (f.verified !== undefined) q = q.where('verified', '=', f.verified);
  if (f.enrollmentMode !== undefined) q = q.where('enrollment_mode', '=', f.enrollmentMode);
  return q;
}

/** Newest first, on (organization_id, created_at, id). */
export async function listDomains(db: Executor, f: DomainFilters, limit: number, offset: number): Promise<OrganizationDomainRow[]> {
  return filtered(db, f).selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
}

export async function countDomains(db: Executor, f: DomainFilters): Promise<number> {
  const row = await filtered(db, f).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The organization that has this domain, if any (for the error when another one takes it). */
export async function findDomainOwner(db: Executor, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('organization_domains').select('organization_id').where('name', '=', sql<string>`${name}`).executeTakeFirst();
  return row?.organization_id;
}
