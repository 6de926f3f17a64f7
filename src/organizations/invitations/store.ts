import { sql, type Insertable, type SelectQueryBuilder, type Updateable } from 'kysely';
import type { Executor } from '../../db/database.js';
import { countRows } from '../../db/row-counts.js';
import type { Database, OrganizationInvitationRow, OrganizationInvitationsTable } from '../../db/schema.js';

// The organization_invitations table (migration 0022).

export type NewInvitationRow = Insertable<OrganizationInvitationsTable>;
export type InvitationPatch = Updateable<OrganizationInvitationsTable>;

export async function insertInvitations(db: Executor, rows: NewInvitationRow[]): Promise<OrganizationInvitationRow[]> {
  if (rows.length === 0) return [];
  return db.insertInto('organization_invitations').values(rows).returningAll().execute();
}

export async function findInvitation(db: Executor, organizationId: string, id: string): Promise<OrganizationInvitationRow | undefined> {
  return db.selectFrom('organization_invitations').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

export async function findInvitationByTicketHash(db: Executor, hash: string): Promise<OrganizationInvitationRow | undefined> {
  return db.selectFrom('organization_invitations').selectAll().where('ticket_hash', '=', hash).executeTakeFirst();
}

export async function findInvitationByIdForUpdate(db: Executor, id: string): Promise<OrganizationInvitationRow | undefined> {
  return db.selectFrom('organization_invitations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateInvitation(db: Executor, id: string, patch: InvitationPatch): Promise<OrganizationInvitationRow | undefined> {
  return db.updateTable('organization_invitations').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}

/** The organization's pending invitations to these addresses (lowercased), expired ones included. */
export async function findPendingInvitations(db: Executor, organizationId: string, emails: string[]): Promise<OrganizationInvitationRow[]> {
  if (emails.length === 0) return [];
  return db
    .selectFrom('organization_invitations')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('status', '=', 'pending')
    .where(sql<boolean>`lower(email_address) = any(${emails}::text[])`)
    .execute();
}

/**
 * Marks the organization's pending invitations to these addresses that are past their expiry as expired,
 * so that a new invitation can take their place (one pending invitation per address).
 */
export async function expirePendingInvitations(db: Executor, organizationId: string, emails: string[], nowMs: number): Promise<void> {
  if (emails.length === 0) return;
  await db
    .updateTable('organization_invitations')
    .set({ status: 'expired', updated_at: nowMs })
    .where('organization_id', '=', organizationId)
    .where('status', '=', 'pending')
    .where('expires_at', '<=', nowMs)
    .where(sql<boolean>`lower(email_address) = any(${emails}::text[])`)
    .execute();
}

/** Among these addresses (lowercased), those of users who are members of the organization. */
export async function memberEmails(db: Executor, organizationId: string, emails: string[]): Promise<string[]> {
  if (emails.length === 0) return [];
  const rows = await db
    .selectFrom('email_addresses as e')
    .innerJoin('organization_memberships as m', 'm.user_id', 'e.user_id')
    .select(sql<string>`lower(e.email_address)`.as('email'))
    .where('m.organization_id', '=', organizationId)
    .where(sql<boolean>`lower(e.email_address) = any(${emails}::text[])`)
    .execute();
  return rows.map((r) => r.email);
}

/** Among these addresses (lowercased), those some user already has. */
export async function existingUserEmails(db: Executor, emails: string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const rows = await db
    .selectFrom('email_addresses')
    .select(sql<string>`lower(email_address)`.as('email'))
    .where(sql<boolean>`lower(email_address) = any(${emails}::text[])`)
    .execute();
  return new Set(rows.map((r) => r.email));
}

/** A user's verified addresses, lowercased: the invitations sent to them are the user's. */
export async function verifiedEmailsOfUser(db: Executor, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('email_addresses')
    .select(sql<string>`lower(email_address)`.as('email'))
    .where('user_id', '=', userId)
    .where('verified', '=', true)
    .execute();
  return rows.map((r) => r.email);
}

export type InvitationStatusFilter = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface InvitationFilters {
  organizationId?: string;
  /** Invitations to any of these addresses (lowercased). */
  emails?: string[];
  status?: InvitationStatusFilter;
  /** Part of the address. */
  query?: string;
  nowMs: number;
}

export interface InvitationOrder {
  field: 'created_at' | 'email_address';
  direction: 'asc' | 'desc';
}

type Aliased = Database & { i: OrganizationInvitationsTable };

function filtered<O>(query: SelectQueryBuilder<Aliased, 'i', O>, f: InvitationFilters) {
  let q = query;
  if (f.organizationId !== undefined) q = q.where('i.organization_id', '=', f.organizationId);
  if (f.emails !== undefined) q = q.where(sql<boolean>`lower(i.email_address) = any(${f.emails}::text[])`);
  if (f.query) q = q.where(sql<boolean>`lower(i.email_address) like ${`%${f.query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  // A pending invitation past its expiry reads as expired.
  if (f.status === 'pending') q = q.where('i.status', '=', 'pending').where('i.expires_at', '>', f.nowMs);
  else if (f.status === 'expired') q = q.where((eb) => eb.or([eb('i.status', '=', 'expired'), eb.and([eb('i.status', '=', 'pending'), eb('i.expires_at', '<=', f.nowMs)])]));
  else if (f.status !== undefined) q = q.where('i.status', '=', f.status);
  return q;
}

export async function listInvitations(
  db: Executor,
  filters: InvitationFilters,
  order: InvitationOrder,
  limit: number,
  offset: number,
): Promise<OrganizationInvitationRow[]> {
  const direction = order.direction === 'asc' ? sql`asc` : sql`desc`;
  const key = order.field === 'created_at' ? sql`i.created_at` : sql`lower(i.email_address)`;
  return filtered(db.selectFrom('organization_invitations as i').selectAll('i'), filters)
    .orderBy(sql`${key} ${direction}`)
    .orderBy(sql`i.id ${direction}`)
    .limit(limit)
    .offset(offset)
    .execute() as Promise<OrganizationInvitationRow[]>;
}

export async function countInvitations(db: Executor, filters: InvitationFilters): Promise<number> {
  // The instance's invitations, all or by a stored status: the maintained counts (migration 0026). Pending
  // and expired depend on the time: counted on the (status, created_at, id) index.
  if (filters.organizationId === undefined && filters.emails === undefined && !filters.query) {
    if (filters.status === undefined) return countRows(db, 'organization_invitations');
    if (filters.status === 'accepted' || filters.status === 'revoked') return countRows(db, `organization_invitations:${filters.status}`);
  }
  const row = await filtered(db.selectFrom('organization_invitations as i'), filters)
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
