import { sql, type SelectQueryBuilder } from 'kysely';
import type { Executor } from '../db/database.js';
import { countRows } from '../db/row-counts.js';
import type { Database, OrganizationRow, OrganizationsTable } from '../db/schema.js';
import type { Insertable, Updateable } from 'kysely';

// The organizations table (migration 0022). members_count is kept by a trigger on memberships; the pending
// invitation counts are read here from organization_invitations (read only: the invitations feature writes it).

export type NewOrganizationRow = Insertable<OrganizationsTable>;
export type OrganizationPatch = Updateable<OrganizationsTable>;

/**
 * Inserts the organization unless another one has its slug: false then, and the transaction goes on (an
 * `on conflict` rather than a failed insert, which would abort it).
 */
export async function insertOrganizationUnlessSlugTaken(db: Executor, row: NewOrganizationRow): Promise<boolean> {
  const inserted = await db
    .insertInto('organizations')
    .values(row)
    .onConflict((oc) => oc.column('slug').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function isSlugTaken(db: Executor, slug: string): Promise<boolean> {
  return (await db.selectFrom('organizations').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined;
}

/**
 * Serialises organization creations by the same creator until the transaction ends (a transaction-level
 * advisory lock on the user id), so that concurrent creations cannot both take the last place under
 * create_organizations_limit.
 */
export async function lockOrganizationCreator(db: Executor, userId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`organization-creator:${userId}`}, 0))`.execute(db);
}

export async function findOrganizationById(db: Executor, id: string): Promise<OrganizationRow | undefined> {
  return db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** By id, or else by slug (GET /v1/organizations/{id_or_slug}). */
export async function findOrganizationByIdOrSlug(db: Executor, idOrSlug: string): Promise<OrganizationRow | undefined> {
  return db
    .selectFrom('organizations')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
    .orderBy(sql`id = ${idOrSlug}`, 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * The organization's row, locked for the rest of the transaction: membership and invitation writes take
 * it first, so counting against max_allowed_memberships and the last-admin rule see no concurrent change.
 */
export async function findOrganizationByIdForUpdate(db: Executor, id: string): Promise<OrganizationRow | undefined> {
  return db.selectFrom('organizations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function findOrganizationsByIds(db: Executor, ids: string[]): Promise<OrganizationRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('organizations').selectAll().where('id', '=', sql<string>`any(${ids}::text[])`).execute();
}

export async function updateOrganizationById(db: Executor, id: string, patch: OrganizationPatch): Promise<OrganizationRow | undefined> {
  return db.updateTable('organizations').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}

/** Deletes the organization; memberships, invitations, domains and its logo go with it (on delete cascade). */
export async function deleteOrganizationById(db: Executor, id: string): Promise<OrganizationRow | undefined> {
  return db.deleteFrom('organizations').where('id', '=', id).returningAll().executeTakeFirst();
}

/** Organizations a user created that still exist (create_organizations_limit). */
export async function countOrganizationsCreatedBy(db: Executor, userId: string): Promise<number> {
  const row = await db
    .selectFrom('organizations')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('created_by', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Pending, unexpired invitations per organization: what counts against max_allowed_memberships with the members. */
export async function countPendingInvitations(db: Executor, organizationIds: string[], nowMs: number): Promise<Map<string, number>> {
  if (organizationIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('organization_invitations')
    .select(['organization_id', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('organization_id', '=', sql<string>`any(${organizationIds}::text[])`)
    .where('status', '=', 'pending')
    .where('expires_at', '>', nowMs)
    .groupBy('organization_id')
    .execute();
  return new Map(rows.map((r) => [r.organization_id, Number(r.n)]));
}

export interface OrganizationFilters {
  /** Exact id, or part of the name or slug (case-insensitive). */
  query?: string;
  organizationIds?: { include: string[]; exclude: string[] };
  /** Organizations these users are (include) or are not (exclude) members of. */
  userIds?: { include: string[]; exclude: string[] };
}

export type OrganizationOrderField = 'created_at' | 'name' | 'members_count';

export interface OrganizationOrder {
  field: OrganizationOrderField;
  direction: 'asc' | 'desc';
}

/** `%term%` for LIKE, with LIKE's own wildcards escaped. */
function contains(term: string): string {
  return `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function filtered<O>(db: Executor, query: SelectQueryBuilder<Database, 'organizations', O>, f: OrganizationFilters) {
  let q = query;
  if (f.query) {
    // A BitmapOr of the two trigram indexes and the primary key (migration 0022).
    const pattern = contains(f.query);
    const term = f.query;
    q = q.where(sql<boolean>`(lower(organizations.name) like ${pattern} or organizations.slug like ${pattern} or organizations.id = ${term})`);
  }
  const orgIds = f.organizationIds;
  if (orgIds?.include.length) q = q.where('organizations.id', '=', sql<string>`any(${orgIds.include}::text[])`);
  if (orgIds?.exclude.length) q = q.where('organizations.id', '<>', sql<string>`all(${orgIds.exclude}::text[])`);
  const members = (ids: string[]) =>
    db.selectFrom('organization_memberships').select('organization_id').where('user_id', '=', sql<string>`any(${ids}::text[])`);
  if (f.userIds?.include.length) {
    const ids = f.userIds.include;
    q = q.where((eb) => eb('organizations.id', 'in', members(ids)));
  }
  if (f.userIds?.exclude.length) {
    const ids = f.userIds.exclude;
    q = q.where((eb) => eb('organizations.id', 'not in', members(ids)));
  }
  return q;
}

/** One page in `order` (the id breaks ties, so pages are stable); every order walks a (column, id) btree. */
export async function listOrganizations(
  db: Executor,
  filters: OrganizationFilters,
  order: OrganizationOrder,
  limit: number,
  offset: number,
): Promise<OrganizationRow[]> {
  const column = sql.ref(`organizations.${order.field}`);
  const direction = order.direction === 'asc' ? sql`asc` : sql`desc`;
  return filtered(db, db.selectFrom('organizations').selectAll('organizations'), filters)
    .orderBy(sql`${column} ${direction}`)
    .orderBy(sql`organizations.id ${direction}`)
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countOrganizations(db: Executor, filters: OrganizationFilters): Promise<number> {
  // Every organization: the maintained count (migration 0026), not a scan.
  if (!filters.query && !filters.organizationIds && !filters.userIds) return countRows(db, 'organizations');
  const row = await filtered(db, db.selectFrom('organizations'), filters)
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
