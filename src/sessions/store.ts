import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { SessionRow, SessionStatus } from '../db/schema.js';

export async function insertSession(db: Executor, row: SessionRow) {
  await db.insertInto('sessions').values(row).execute();
}

/** The client's most recently active session still active now, if any. */
export async function findLatestActiveSessionId(db: Executor, clientId: string, nowMs: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('sessions')
    .select('id')
    .where('client_id', '=', clientId)
    .where(statusCondition('active', nowMs))
    .orderBy('last_active_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.id;
}

export async function findSessionById(db: Executor, id: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** What creating a session needs to know about its user; locks the row (call it in a transaction). */
export async function findUserSignInState(db: Executor, userId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'banned', 'locked_at', 'lockout_expires_at', 'failed_verification_attempts'])
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
}

/** Session activity (a token was minted): the session's last activity moves (the user's: users/). */
export async function touchSession(db: Executor, sessionId: string, nowMs: number) {
  await db.updateTable('sessions').set({ last_active_at: nowMs }).where('id', '=', sessionId).execute();
}

/** The organization the session has active (null: the personal workspace). */
export async function setSessionActiveOrganization(db: Executor, id: string, organizationId: string | null, nowMs: number) {
  await db.updateTable('sessions').set({ last_active_organization_id: organizationId, updated_at: nowMs }).where('id', '=', id).execute();
}

/**
 * Moves active sessions to `status` and returns them as they are now. Only sessions still active
 * (and not past expiry) change, so a revoke never rewrites an ended or expired session.
 */
export async function updateActiveSessions(
  db: Executor,
  where: { id?: string; userId?: string; clientId?: string; exceptId?: string },
  status: SessionStatus,
  nowMs: number,
): Promise<SessionRow[]> {
  let q = db
    .updateTable('sessions')
    .set({ status, updated_at: nowMs })
    .where('status', '=', 'active')
    .where('expire_at', '>', nowMs)
    .where('abandon_at', '>', nowMs);
  if (where.id !== undefined) q = q.where('id', '=', where.id);
  if (where.userId !== undefined) q = q.where('user_id', '=', where.userId);
  if (where.clientId !== undefined) q = q.where('client_id', '=', where.clientId);
  if (where.exceptId !== undefined) q = q.where('id', '<>', where.exceptId);
  return q.returningAll().execute();
}

export interface SessionFilters {
  userId?: string;
  clientId?: string;
  status?: SessionStatus;
  /** Any of these effective statuses (the Frontend API's client shows active and ended sessions). */
  statuses?: SessionStatus[];
}

/** Sessions whose effective status (see effectiveStatus in status.ts) is the one asked for. */
function statusCondition(status: SessionStatus, nowMs: number) {
  switch (status) {
    case 'active':
      return sql<boolean>`status = 'active' and expire_at > ${nowMs} and abandon_at > ${nowMs}`;
    case 'expired':
      return sql<boolean>`(status = 'expired' or (status = 'active' and expire_at <= ${nowMs} and expire_at <= abandon_at))`;
    case 'abandoned':
      return sql<boolean>`(status = 'abandoned' or (status = 'active' and abandon_at <= ${nowMs} and abandon_at < expire_at))`;
    default:
      return sql<boolean>`status = ${status}`;
  }
}

function filtered(db: Executor, f: SessionFilters, nowMs: number) {
  let q = db.selectFrom('sessions');
  if (f.userId !== undefined) q = q.where('user_id', '=', f.userId);
  if (f.clientId !== undefined) q = q.where('client_id', '=', f.clientId);
  if (f.status !== undefined) q = q.where(statusCondition(f.status, nowMs));
  if (f.statuses !== undefined) {
    const any = f.statuses.map((status) => statusCondition(status, nowMs));
    q = q.where(any.length === 0 ? sql<boolean>`false` : sql<boolean>`(${sql.join(any, sql` or `)})`);
  }
  return q;
}

export async function listSessions(db: Executor, f: SessionFilters, nowMs: number, limit: number, offset: number) {
  return filtered(db, f, nowMs).selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
}

export async function countSessions(db: Executor, f: SessionFilters, nowMs: number): Promise<number> {
  const row = await filtered(db, f, nowMs).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
