import type { Deps } from '../deps.js';
import type { Executor } from '../db/database.js';
import type { SessionRow, SessionStatus } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { ClerkError } from '../http/clerk-error.js';
import { readSettings } from '../instance/settings.js';
import { signToken } from '../keys/service.js';
import { newId } from '../lib/ids.js';
import { assertNotLocked } from '../lockout/service.js';
import {
  countSessions,
  findSessionById,
  findUserSignInState,
  insertClient,
  insertSession,
  listSessions as listSessionRows,
  touchSessionActivity,
  touchUserSignIn,
  updateActiveSessions,
  type SessionFilters,
} from './store.js';

type SessionDeps = Pick<Deps, 'db' | 'clock' | 'secretBox' | 'config' | 'onSessionChange'>;

/** A session not used for 30 days is abandoned, whatever its lifetime (unsourced: Clerk does not document it). */
const ABANDON_AFTER_MS = 30 * 24 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

export type SessionChange = 'session.created' | 'session.revoked' | 'session.ended' | 'session.removed';

/**
 * The one place every session state change passes through, inside the write's transaction: webhooks
 * (session.created, session.revoked, session.ended) hook in here, not in routes.
 */
async function sessionsChanged(deps: Pick<Deps, 'onSessionChange'>, db: Executor, change: SessionChange, sessions: SessionRow[]) {
  if (sessions.length > 0) await deps.onSessionChange?.(db, change, sessions);
}

/**
 * The status a client sees: an active session past its expiry or abandonment reads as such. The first
 * deadline reached decides, and sticks: an expired session does not turn abandoned later (nor does a
 * session that reaches a max lifetime over 30 days, where abandon_at = expire_at, read abandoned).
 * Keep in step with statusCondition in store.ts.
 */
export function effectiveStatus(row: SessionRow, nowMs: number): SessionStatus {
  if (row.status !== 'active') return row.status;
  if (row.expire_at <= nowMs && row.expire_at <= row.abandon_at) return 'expired';
  if (row.abandon_at <= nowMs) return 'abandoned';
  return 'active';
}

function sessionNotFound(id: string, long_message = `No session was found with id ${id}`) {
  return new ClerkError('resource_not_found', { message: 'Session not found', long_message });
}

/** Clerk's last_active_at on a user has day precision (midnight UTC). */
const dayOf = (ms: number) => ms - (ms % DAY_MS);

/**
 * POST /v1/sessions: an active session for a user, on a new client. Clerk allows it only on
 * development instances, so it needs an sk_test_ key. Banned and locked users get no session.
 */
export async function createSession(deps: SessionDeps, userId: string, keyEnvironment: 'test' | 'live'): Promise<SessionRow> {
  if (keyEnvironment !== 'test') {
    throw new ClerkError('request_invalid_for_environment', { long_message: 'Request only valid for development instances.' });
  }
  const { sessions: settings } = await readSettings(deps.db);
  // The user's row is locked while the session is written: a concurrent ban or lock either commits
  // first (and is seen here) or waits for this session (and then revokes it). Checked outside the
  // transaction, a ban could slip in between and leave a banned user with an active session.
  return inTransaction(deps.db, async (db) => {
    const user = await findUserSignInState(db, userId);
    if (!user) throw new ClerkError('resource_not_found', { long_message: `No user was found with id ${userId}` });
    if (user.banned) throw new ClerkError('user_banned');
    const now = deps.clock.now();
    assertNotLocked(user, now);
    const expireAt = now + settings.max_lifetime * 1000;
    const row: SessionRow = {
      id: newId('sess', now),
      user_id: userId,
      client_id: newId('client', now),
      status: 'active',
      last_active_at: now,
      expire_at: expireAt,
      abandon_at: Math.max(expireAt, now + ABANDON_AFTER_MS),
      created_at: now,
      updated_at: now,
    };
    await insertClient(db, { id: row.client_id, created_at: now });
    await insertSession(db, row);
    await touchUserSignIn(db, userId, now, dayOf(now));
    await sessionsChanged(deps, db, 'session.created', [row]);
    return row;
  });
}

export async function getSession(deps: { db: Executor }, id: string): Promise<SessionRow> {
  const row = await findSessionById(deps.db, id);
  if (!row) throw sessionNotFound(id);
  return row;
}

export interface SessionListQuery extends SessionFilters {
  limit: number;
  offset: number;
  paginated: boolean;
}

/** GET /v1/sessions: newest first; with paginated=true also the total count. */
export async function listSessions(deps: Pick<Deps, 'db' | 'clock'>, q: SessionListQuery) {
  const now = deps.clock.now();
  const filters: SessionFilters = { userId: q.userId, clientId: q.clientId, status: q.status };
  const [rows, total] = await Promise.all([
    listSessionRows(deps.db, filters, now, q.limit, q.offset),
    q.paginated ? countSessions(deps.db, filters, now) : Promise.resolve(undefined),
  ]);
  return { rows, total };
}

/** POST /v1/sessions/{id}/revoke. A session that is no longer active is returned unchanged. */
export async function revokeSession(deps: SessionDeps, id: string): Promise<SessionRow> {
  return inTransaction(deps.db, async (db) => {
    const revoked = await updateActiveSessions(db, { id }, 'revoked', deps.clock.now());
    await sessionsChanged(deps, db, 'session.revoked', revoked);
    return revoked[0] ?? getSession({ db }, id);
  });
}

/** Revokes every active session of a user (ban, password change with sign_out_of_other_sessions). */
export async function revokeUserSessions(deps: Pick<Deps, 'clock' | 'onSessionChange'> & { db: Executor }, userId: string) {
  await inTransaction(deps.db, async (db) => {
    const revoked = await updateActiveSessions(db, { userId }, 'revoked', deps.clock.now());
    await sessionsChanged(deps, db, 'session.revoked', revoked);
  });
}

/**
 * Before a user is deleted: its sessions go with it (the database cascade deletes them); the ones still
 * active are reported as session.removed first, so listeners hear about every session that ends.
 */
export async function removeUserSessions(deps: Pick<Deps, 'clock' | 'onSessionChange'> & { db: Executor }, userId: string) {
  await inTransaction(deps.db, async (db) => {
    const removed = await updateActiveSessions(db, { userId }, 'removed', deps.clock.now());
    await sessionsChanged(deps, db, 'session.removed', removed);
  });
}

/**
 * POST /v1/sessions/{id}/tokens: a session JWT with Clerk's claims, signed RS256 by the instance's
 * current key. Only an active, unexpired session gets one; minting counts as session activity.
 */
export async function createSessionToken(deps: SessionDeps, id: string, expiresInSeconds: number | null | undefined) {
  const session = await getSession(deps, id);
  const now = deps.clock.now();
  if (effectiveStatus(session, now) !== 'active') throw sessionNotFound(id, `No active session was found with id ${id}`);
  const lifetime = expiresInSeconds ?? (await readSettings(deps.db)).sessions.token_lifetime;
  const iat = Math.floor(now / 1000);
  const claims = {
    exp: iat + lifetime,
    // Minutes since the first factor was verified, and -1: no second factor in this session.
    fva: [Math.floor((now - session.created_at) / 60_000), -1],
    iat,
    iss: deps.config.issuer,
    // Clerk backdates nbf by 10 s to absorb clock skew between servers.
    nbf: iat - 10,
    sid: session.id,
    sub: session.user_id,
    v: 2,
  };
  const jwt = await signToken(deps, claims);
  await touchSessionActivity(deps.db, session, now, dayOf(now));
  return jwt;
}
