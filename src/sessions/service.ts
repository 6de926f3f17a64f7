import type { Deps } from '../deps.js';
import { clientChanged, createClient } from '../clients/service.js';
import type { Executor } from '../db/database.js';
import type { SessionRow } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { ClerkError } from '../http/clerk-error.js';
import { userNotFound } from '../users/errors.js';
import { readSettings } from '../instance/settings.js';
import { signToken } from '../keys/service.js';
import { newId } from '../lib/ids.js';
import { assertNotLocked } from '../lockout/service.js';
import { defaultActiveOrganization, organizationClaims } from '../organizations/members/active-organization.js';
import { userSnapshots, type UserEventDeps } from '../users/events.js';
import { touchUserActivity, touchUserSignIn } from '../users/columns/service.js';
import { recordEvents } from '../webhooks/record.js';
import { serializeSession } from './serialize.js';
import { effectiveStatus } from './status.js';
import {
  countSessions,
  findLatestActiveSessionId,
  findSessionById,
  findUserSignInState,
  insertSession,
  listSessions as listSessionRows,
  setSessionActiveOrganization,
  touchSession,
  updateActiveSessions,
  type SessionFilters,
} from './store.js';

type SessionDeps = Pick<Deps, 'secretBox' | 'config'> & UserEventDeps;

/** A session not used for 30 days is abandoned, whatever its lifetime (unsourced: Clerk does not document it). */
const ABANDON_AFTER_MS = 30 * 24 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

export { effectiveStatus } from './status.js';

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

/**
 * Clerk's `fva`: minutes since the first factor and since the second factor were verified in this
 * session (-1: no second factor was).
 */
export function factorVerificationAge(session: SessionRow, nowMs: number): [number, number] {
  const minutes = (since: number) => Math.max(0, Math.floor((nowMs - since) / 60_000));
  return [minutes(session.created_at), session.second_factor_verified_at === null ? -1 : minutes(session.second_factor_verified_at)];
}

function sessionNotFound(id: string, long_message = `No session was found with id ${id}`) {
  return new ClerkError('resource_not_found', { message: 'Session not found', long_message });
}

/** Clerk's last_active_at on a user has day precision (midnight UTC). */
const dayOf = (ms: number) => ms - (ms % DAY_MS);

/** Session activity (a token was minted, a touch): the session's and the user's last activity move. */
async function touchSessionActivity(db: Executor, session: SessionRow, nowMs: number): Promise<void> {
  await touchSession(db, session.id, nowMs);
  await touchUserActivity(db, session.user_id, dayOf(nowMs));
}

/** Who a new session is for, on which client, and how it was signed in. */
export interface NewSession {
  userId: string;
  clientId: string;
  /** A second factor (TOTP, backup code) was verified in this sign-in: `fva` counts from now. */
  secondFactorVerified?: boolean;
  /** The request that signed in, kept as the session's latest activity. */
  clientIp?: string | null;
  userAgent?: string | null;
}

/**
 * Opens an active session in the caller's transaction. The user's row is locked while the session is
 * written: a concurrent ban or lock either commits first (and is seen here) or waits for this session
 * (and then revokes it). Checked outside the transaction, a ban could slip in between and leave a
 * banned user with an active session.
 */
async function openSession(deps: SessionDeps & { db: Executor }, input: NewSession): Promise<SessionRow> {
  const { sessions: settings } = await readSettings(deps.db);
  const user = await findUserSignInState(deps.db, input.userId);
  if (!user) throw userNotFound(input.userId);
  if (user.banned) throw new ClerkError('user_banned');
  const now = deps.clock.now();
  assertNotLocked(user, now);
  const expireAt = now + settings.max_lifetime * 1000;
  const row: SessionRow = {
    id: newId('sess', now),
    user_id: input.userId,
    client_id: input.clientId,
    status: 'active',
    // Clerk: the organization the user last had active (or last joined) is active in the next session.
    last_active_organization_id: await defaultActiveOrganization(deps.db, input.userId),
    last_active_at: now,
    expire_at: expireAt,
    abandon_at: Math.max(expireAt, now + ABANDON_AFTER_MS),
    second_factor_verified_at: input.secondFactorVerified ? now : null,
    client_ip: input.clientIp ?? null,
    user_agent: input.userAgent ?? null,
    created_at: now,
    updated_at: now,
  };
  await insertSession(deps.db, row);
  await touchUserSignIn(deps.db, input.userId, now, dayOf(now));
  await clientChanged(deps, input.clientId, row.id);
  await sessionsChanged(deps, 'session.created', [row]);
  return row;
}

/**
 * POST /v1/sessions: an active session for a user, on a new client. Clerk allows it only on
 * development instances, so it needs an sk_test_ key. Banned and locked users get no session.
 */
export async function createSession(deps: SessionDeps, userId: string, keyEnvironment: 'test' | 'live'): Promise<SessionRow> {
  if (keyEnvironment !== 'test') {
    throw new ClerkError('request_invalid_for_environment', { long_message: 'Request only valid for development instances.' });
  }
  return inTransaction(deps.db, async (db) => {
    const { client } = await createClient({ db, clock: deps.clock }, { withToken: false });
    return openSession({ ...deps, db }, { userId, clientId: client.id });
  });
}

/**
 * A completed Frontend API sign-in or sign-up: a session on the browser's client, which becomes the
 * client's last active session. Runs in the caller's transaction when there is one, so the attempt and
 * its session commit together.
 */
export async function createClientSession(deps: SessionDeps, input: NewSession): Promise<SessionRow> {
  return inTransaction(deps.db, (db) => openSession({ ...deps, db }, input));
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
  const filters: SessionFilters = { userId: q.userId, clientId: q.clientId, status: q.status, statuses: q.statuses };
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
    for (const session of revoked) await refreshLastActive({ ...deps, db }, session.client_id);
    await sessionsChanged({ ...deps, db }, 'session.revoked', revoked);
    return revoked[0] ?? getSession({ db }, id);
  });
}

/**
 * Revokes every active session of a user (ban, password change with sign_out_of_other_sessions), or all
 * but `exceptSessionId` (the session that changed its own password through /v1/me).
 */
export async function revokeUserSessions(deps: UserEventDeps, userId: string, options: { exceptSessionId?: string } = {}) {
  await inTransaction(deps.db, async (db) => {
    const revoked = await updateActiveSessions(db, { userId, exceptId: options.exceptSessionId }, 'revoked', deps.clock.now());
    for (const clientId of new Set(revoked.map((s) => s.client_id))) await refreshLastActive({ ...deps, db }, clientId);
    await sessionsChanged({ ...deps, db }, 'session.revoked', revoked);
  });
}

/** The client's last active session becomes its most recently active one still active (or none). */
async function refreshLastActive(deps: { db: Executor; clock: Deps['clock'] }, clientId: string) {
  const latest = await findLatestActiveSessionId(deps.db, clientId, deps.clock.now());
  await clientChanged(deps, clientId, latest ?? null);
}

/** A session of this client, or 404 as Clerk answers for a session the client does not hold. */
async function clientSession(deps: { db: Executor }, clientId: string, sessionId: string): Promise<SessionRow> {
  const session = await findSessionById(deps.db, sessionId);
  if (!session || session.client_id !== clientId) throw sessionNotFound(sessionId);
  return session;
}

/** 404 unless the user is a member of the organization (what a session may make active, or mint a token for). */
async function assertMemberOf(db: Executor, userId: string, organizationId: string) {
  if (!(await organizationClaims(db, userId, organizationId))) {
    throw new ClerkError('resource_not_found', { message: 'not found', long_message: 'Given organization not found.' });
  }
}

/**
 * POST /v1/client/sessions/{id}/touch (Frontend API): the session is in use; it becomes the client's
 * last active session. Only an active session can be touched. With `activeOrganizationId` (clerk-js always
 * sends it), the session switches to that organization, which the user must be a member of, or to the
 * personal workspace (null); its tokens then carry that organization's claims.
 */
export async function touchClientSession(
  deps: SessionDeps,
  clientId: string,
  sessionId: string,
  activeOrganizationId?: string | null,
): Promise<SessionRow> {
  return inTransaction(deps.db, async (db) => {
    const session = await clientSession({ db }, clientId, sessionId);
    const now = deps.clock.now();
    if (effectiveStatus(session, now) !== 'active') throw sessionNotFound(sessionId, `No active session was found with id ${sessionId}`);
    if (activeOrganizationId !== undefined && activeOrganizationId !== session.last_active_organization_id) {
      if (activeOrganizationId !== null) await assertMemberOf(db, session.user_id, activeOrganizationId);
      await setSessionActiveOrganization(db, session.id, activeOrganizationId, now);
    }
    await touchSessionActivity(db, session, now);
    await clientChanged({ db, clock: deps.clock }, clientId, sessionId);
    return (await findSessionById(db, sessionId))!;
  });
}

/**
 * Signs a client out of one session (Frontend API): `ended` keeps it on the client (Session.end),
 * `removed` takes it off (Session.remove). A session no longer active is returned as it is.
 */
export async function endClientSession(deps: SessionDeps, clientId: string, sessionId: string, how: 'ended' | 'removed'): Promise<SessionRow> {
  return inTransaction(deps.db, async (db) => {
    await clientSession({ db }, clientId, sessionId);
    const changed = await updateActiveSessions(db, { id: sessionId }, how, deps.clock.now());
    await refreshLastActive({ db, clock: deps.clock }, clientId);
    await sessionsChanged({ ...deps, db }, how === 'ended' ? 'session.ended' : 'session.removed', changed);
    return changed[0] ?? (await findSessionById(db, sessionId))!;
  });
}

/** Signs a client out of every session: DELETE /v1/client/sessions (`removed`) and DELETE /v1/client (`ended`). */
export async function endClientSessions(deps: SessionDeps, clientId: string, how: 'ended' | 'removed'): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const changed = await updateActiveSessions(db, { clientId }, how, deps.clock.now());
    await clientChanged({ db, clock: deps.clock }, clientId, null);
    await sessionsChanged({ ...deps, db }, how === 'ended' ? 'session.ended' : 'session.removed', changed);
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

export interface TokenOptions {
  expiresInSeconds?: number | null | undefined;
  /** Frontend API: only the client that holds the session may mint its tokens. */
  clientId?: string;
  /** Frontend API: the `azp` claim, the origin the token was minted for. */
  authorizedParty?: string | undefined;
  /**
   * Frontend API: the organization this token is for (clerk-js's `organization_id`), which the user must be a
   * member of; null: the personal workspace. Undefined: the session's active organization.
   */
  organizationId?: string | null | undefined;
}

/**
 * POST /v1/sessions/{id}/tokens (Backend API) and POST /v1/client/sessions/{id}/tokens (Frontend API,
 * with `clientId` and `authorizedParty`): a session JWT with Clerk's claims, signed RS256 by the
 * instance's current key. Only an active, unexpired session gets one; minting counts as session activity.
 */
export async function createSessionToken(deps: SessionDeps, id: string, options: TokenOptions = {}) {
  const session = options.clientId === undefined ? await getSession(deps, id) : await clientSession(deps, options.clientId, id);
  const now = deps.clock.now();
  if (effectiveStatus(session, now) !== 'active') throw sessionNotFound(id, `No active session was found with id ${id}`);
  const organizationId = options.organizationId === undefined ? session.last_active_organization_id : options.organizationId;
  if (options.organizationId) await assertMemberOf(deps.db, session.user_id, options.organizationId);
  const lifetime = options.expiresInSeconds ?? (await readSettings(deps.db)).sessions.token_lifetime;
  const iat = Math.floor(now / 1000);
  const claims = {
    ...(options.authorizedParty ? { azp: options.authorizedParty } : {}),
    exp: iat + lifetime,
    fva: factorVerificationAge(session, now),
    iat,
    iss: deps.config.issuer,
    // Clerk backdates nbf by 10 s to absorb clock skew between servers.
    nbf: iat - 10,
    sid: session.id,
    sub: session.user_id,
    // The active organization, as the 2025-03-12 era's (v1) tokens carry it: org_id, org_role, org_slug,
    // org_permissions, only while the user is still a member. @clerk/backend reads these claims when the
    // token has no `v: 2` (whose organization claim is the compact `o`).
    ...(organizationId ? await organizationClaims(deps.db, session.user_id, organizationId) : {}),
  };
  const jwt = await signToken(deps, claims);
  await touchSessionActivity(deps.db, session, now);
  return jwt;
}
