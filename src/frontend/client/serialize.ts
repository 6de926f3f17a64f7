import type { Deps } from '../../deps.js';
import type { ClientRow, SessionRow } from '../../db/schema.js';
import { readSettings } from '../../instance/settings.js';
import { listMembershipsOfUsers } from '../../organizations/members/list.js';
import type { MembershipJson } from '../../organizations/members/serialize.js';
import { createSessionToken, effectiveStatus, factorVerificationAge, listSessions } from '../../sessions/service.js';
import type { HttpRequestAttributes } from '../../webhooks/events.js';
import { userViewContext, type UserViewContext } from '../../users/serialize.js';
import { getUsers } from '../../users/service.js';
import type { FullUserRow } from '../../users/store.js';
import { publicUserData, serializeFrontendUser } from '../me/serialize.js';
import { currentSignIn } from '../sign-in/service.js';
import { serializeSignIn } from '../sign-in/serialize.js';
import { currentSignUp } from '../sign-up/service.js';
import { serializeSignUp } from '../sign-up/serialize.js';

/** How many signed-out (`ended`) sessions a client still shows, newest first (Clerk keeps them on the client). */
const ENDED_SESSIONS_SHOWN = 10;

/**
 * Session → Clerk's Frontend API Session JSON: the Backend API's fields plus the user, their public data
 * and `factor_verification_age`. Do not rename the JSON fields.
 *
 * `last_active_token` must be a fresh token for an active session: clerk-js writes it into the app's
 * `__session` cookie on every client update, and a null one deletes that cookie (signing the app's backend
 * out). The client serializer mints it; a lone session (GET /v1/client/sessions/{id}) shows none.
 */
export function serializeClientSession(
  session: SessionRow,
  user: FullUserRow,
  ctx: UserViewContext,
  token: string | null = null,
  memberships: MembershipJson[] = [],
) {
  return {
    object: 'session' as const,
    id: session.id,
    status: effectiveStatus(session, ctx.nowMs),
    expire_at: session.expire_at,
    abandon_at: session.abandon_at,
    last_active_at: session.last_active_at,
    last_active_token: token === null ? null : { object: 'token' as const, jwt: token },
    last_active_organization_id: session.last_active_organization_id,
    actor: null,
    tasks: null,
    user: serializeFrontendUser(user, ctx, memberships),
    public_user_data: publicUserData(user, ctx),
    factor_verification_age: factorVerificationAge(session, ctx.nowMs),
    created_at: session.created_at,
    updated_at: session.updated_at,
  };
}

export type ClientSessionJson = ReturnType<typeof serializeClientSession>;

type ClientViewDeps = Pick<Deps, 'db' | 'clock' | 'instance' | 'settings' | 'secretBox' | 'config'> & { httpRequest: HttpRequestAttributes };

/**
 * A client → Clerk's Client JSON: its active sessions (each with a token minted for `origin`, its azp)
 * and recently ended ones, with their users, and the sign-in and sign-up in progress. A few queries
 * whatever the number of sessions, and one signature per active session.
 */
export async function serializeClient(deps: ClientViewDeps, client: ClientRow, options: { origin: string | undefined }) {
  const [active, ended, signIn, signUp, settings] = await Promise.all([
    listSessions(deps, { clientId: client.id, status: 'active', limit: 100, offset: 0, paginated: false }),
    listSessions(deps, { clientId: client.id, status: 'ended', limit: ENDED_SESSIONS_SHOWN, offset: 0, paginated: false }),
    currentSignIn(deps, client.id),
    currentSignUp(deps, client.id),
    readSettings(deps.db),
  ]);
  const sessions = [...active.rows, ...ended.rows];
  const userIds = sessions.map((s) => s.user_id);
  if (signIn?.user_id) userIds.push(signIn.user_id);
  const [userRows, memberships] = await Promise.all([getUsers(deps, userIds), listMembershipsOfUsers(deps, sessions.map((s) => s.user_id))]);
  const users = new Map(userRows.map((u) => [u.id, u]));
  const ctx = userViewContext(deps);
  const tokens = new Map(
    await Promise.all(
      // A session revoked since it was listed simply shows no token.
      active.rows.map(async (s) => [s.id, await createSessionToken(deps, s.id, { clientId: client.id, authorizedParty: options.origin }).catch(() => null)] as const),
    ),
  );
  return {
    object: 'client' as const,
    id: client.id,
    sessions: sessions.flatMap((s) => {
      const user = users.get(s.user_id);
      return user ? [serializeClientSession(s, user, ctx, tokens.get(s.id) ?? null, memberships.get(s.user_id))] : [];
    }),
    sign_in: signIn ? serializeSignIn(signIn, signIn.user_id ? users.get(signIn.user_id) : undefined, settings.auth, ctx) : null,
    sign_up: signUp ? serializeSignUp(signUp, settings.auth) : null,
    last_active_session_id: client.last_active_session_id,
    cookie_expires_at: null,
    captcha_bypass: false,
    created_at: client.created_at,
    updated_at: client.updated_at,
  };
}

export type ClientJson = Awaited<ReturnType<typeof serializeClient>>;
