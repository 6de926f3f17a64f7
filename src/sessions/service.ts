import type { Deps } from '../deps.js';
import type { Executor } from '../db/database.js';
import type { SessionRow } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { ClerkError } from '../http/clerk-error.js';
import { readSettings } from '../instance/settings.js';
import { signToken } from '../keys/service.js';
import { newId } from '../lib/ids.js';
import { assertNotLocked } from '../lockout/service.js';
import { defaultActiveOrganization, organizationClaims } from '../organizations/members/active-organization.js';
import { userSnapshots, type UserEventDeps } from '../users/events.js';
import { recordEvents } from '../webhooks/record.js';
import { serializeSession } from './serialize.js';
import { effectiveStatus } from './status.js';
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

type SessionDeps = Pick<Deps, 'secretBox' | 'config'> & UserEventDeps;

/** A session not used for 30 days is abandoned, whatever its lifetime (unsourced: Clerk does not document it). */
const ABANDON_AFTER_MS = 30 * 24 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

export type SessionChange = 'session.created' | 'session.revoked' | 'session.ended' | 'session.removed';

/**
 * The one place every session state change passes through, inside the write's transaction: one event
 * per session, its data the Session JSON with the user as it is now (SessionEventPayload).
 */
async function sessionsChanged(deps: UserEventDeps, change: SessionChange, sessions: SessionRow[]) {
  if (sessions.length === 0) return;
  const users = new Map((await userSnapshots(deps, [...new Set(sessions.map((s) => s.user_id))])).map((u) => [u.row.id, u.json]));
  const now = deps.clock.now();
  await recordEvents(
    deps,
    sessions.map((session) => ({ type: change, data: { ...serializeSession(session, now), user: users.get(session.user_id) } })),
  );
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
      // Clerk: the organization the user last had active (or last joined) is active in the next session.
      last_active_organization_id: await defaultActiveOrganization(db, userId),
      last_active_at: now,
      expire_at: expireAt,
      abandon_at: Math.max(expireAt, now + ABANDON_AFTER_MS),
      created_at: now,
      updated_at: now,
    };
    await insertClient(db, { id: row.client_id, created_at: now });
    await insertSession(db, row);
    await touchUserSignIn(db, userId, now, dayOf(now));
    await sessionsChanged({ ...deps, db }, 'session.created', [row]);
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
    await sessionsChanged({ ...deps, db }, 'session.revoked', revoked);
    return revoked[0] ?? getSession({ db }, id);
  });
}

/** Revokes every active session of a user (ban, password change with sign_out_of_other_sessions). */
export async function revokeUserSessions(deps: UserEventDeps, userId: string) {
  await inTransaction(deps.db, async (db) => {
    const revoked = await updateActiveSessions(db, { userId }, 'revoked', deps.clock.now());
    await sessionsChanged({ ...deps, db }, 'session.revoked', revoked);
  });
}

/**
 * Before a user is deleted: its sessions go with it (the database cascade deletes them); the ones still
 * active are reported as session.removed first, so listeners hear about every session that ends.
 */
export async function removeUserSessions(deps: UserEventDeps, userId: string) {
  await inTransaction(deps.db, async (db) => {
    const removed = await updateActiveSessions(db, { userId }, 'removed', deps.clock.now());
    await sessionsChanged({ ...deps, db }, 'session.removed', removed);
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
    // The active organization, as the 2025-03-12 era's (v1) tokens carry it: org_id, org_role, org_slug,
    // org_permissions, only while the user is still a member. @clerk/backend reads these claims when the
    // token has no `v: 2` (whose organization claim is the compact `o`).
    ...(session.last_active_organization_id ? await organizationClaims(deps.db, session.user_id, session.last_active_organization_id) : {}),
  };
  const jwt = await signToken(deps, claims);
  await touchSessionActivity(deps.db, session, now, dayOf(now));
  return jwt;
}
