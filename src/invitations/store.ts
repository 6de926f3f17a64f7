import { sql, type Insertable, type Updateable } from 'kysely';
import type { Executor } from '../db/database.js';
import { countRows } from '../db/row-counts.js';
import type { InvitationRow, InvitationsTable } from '../db/schema.js';

// The invitations table (migration 0023).

export async function insertInvitations(db: Executor, rows: Insertable<InvitationsTable>[]): Promise<InvitationRow[]> {
  if (rows.length === 0) return [];
  return db.insertInto('invitations').values(rows).returningAll().execute();
}

export async function findInvitationById(db: Executor, id: string): Promise<InvitationRow | undefined> {
  return db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findInvitationByIdForUpdate(db: Executor, id: string): Promise<InvitationRow | undefined> {
  return db.selectFrom('invitations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function findInvitationByTicketHash(db: Executor, hash: string): Promise<InvitationRow | undefined> {
  return db.selectFrom('invitations').selectAll().where('ticket_hash', '=', hash).executeTakeFirst();
}

export async function updateInvitation(db: Executor, id: string, patch: Updateable<InvitationsTable>): Promise<InvitationRow | undefined> {
  return db.updateTable('invitations').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}

/** Pending invitations to these addresses (lowercased), locked: expired ones included. */
export async function findPendingInvitationsForUpdate(db: Executor, emails: string[]): Promise<InvitationRow[]> {
  if (emails.length === 0) return [];
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('status', '=', 'pending')
    .where(sql<boolean>`lower(email_address) = any(${emails}::text[])`)
    .forUpdate()
    .execute();
}

/** Sets the status of these invitations (an expired or replaced one leaving `pending`). */
export async function setInvitationsStatus(db: Executor, ids: string[], status: InvitationRow['status'], nowMs: number): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('invitations').set({ status, updated_at: nowMs }).where('id', '=', sql<string>`any(${ids}::text[])`).execute();
}

/** Among these addresses (lowercased), those some user has. */
export async function existingUserEmails(db: Executor, emails: string[]): Promise<string[]> {
  if (emails.length === 0) return [];
  const rows = await db
    .selectFrom('email_addresses')
    .select(sql<string>`lower(email_address)`.as('email'))
    .where(sql<boolean>`lower(email_address) = any(${emails}::text[])`)
    .execute();
  return rows.map((r) => r.email);
}

export interface InvitationFilters {
  /** Without one, every status but revoked (Clerk: "all non-revoked invitations"). */
  status?: 'pending' | 'accepted' | 'revoked' | 'expired';
  /** Part of the address or the id. */
  query?: string;
  nowMs: number;
}

export type InvitationOrderField = 'created_at' | 'email_address' | 'expires_at';

function filtered(db: Executor, f: InvitationFilters) {
  let q = db.selectFrom('invitations');
  if (f.status === 'pending') q = q.where('status', '=', 'pending').where('expires_at', '>', f.nowMs);
  else if (f.status === 'expired') {
    q = q.where((eb) => eb.or([eb('status', '=', 'expired'), eb.and([eb('status', '=', 'pending'), eb('expires_at', '<=', f.nowMs)])]));
  } else if (f.status !== undefined) q = q.where('status', '=', f.status);
  // "All non-revoked invitations", as an IN list so that the (status, …) index can serve it.
  else q = q.where('status', 'in', ['pending', 'accepted', 'expired']);
  if (f.query) {
    const pattern = `%${f.query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(sql<boolean>`(lower(email_address) like ${pattern} or id = ${f.query})`);
  }
  return q;
}

export async function listInvitations(
  db: Executor,
  f: InvitationFilters,
  order: { field: InvitationOrderField; direction: 'asc' | 'desc' },
  limit: number,
  offset: number,
): Promise<InvitationRow[]> {
  const direction = order.direction === 'asc' ? sql`asc` : sql`desc`;
  const key = order.field === 'email_address' ? sql`lower(email_address)` : sql.ref(order.field);
  return filtered(db, f).selectAll().orderBy(sql`${key} ${direction}`).orderBy(sql`id ${direction}`).limit(limit).offset(offset).execute();
}

export async function countInvitations(db: Executor, f: InvitationFilters): Promise<number> {
  // All but the revoked, or one stored status: the maintained counts (migration 0026). Pending and expired
  // depend on the time: counted on the (status, created_at, id) index.
  if (!f.query) {
    if (f.status === undefined) {
      const [all, revoked] = await Promise.all([countRows(db, 'invitations'), countRows(db, 'invitations:revoked')]);
      return all - revoked;
    }
    if (f.status === 'accepted' || f.status === 'revoked') return countRows(db, `invitations:${f.status}`);
  }
  const row = await filtered(db, f).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
