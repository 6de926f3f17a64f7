import { Type } from '@sinclair/typebox';
import type { Deps } from '../../deps.js';
import type { SessionRow } from '../../db/schema.js';
import { ClerkError } from '../../http/clerk-error.js';
import type { FastifyTypebox } from '../../http/fastify.js';
import { effectiveStatus, getSession, listSessions, revokeSession } from '../../sessions/service.js';
import { forRequest } from '../../webhooks/events.js';
import { envelope } from '../client/envelope.js';
import { signedIn } from './auth.js';

// /v1/me/sessions: the user's sessions on every device (<UserProfile />'s "Active devices"), and
// revoking one of them.

/** A browser name and version from a User-Agent, for display only ("Chrome 126"). */
function browserOf(userAgent: string | null): { browser_name: string; browser_version: string; is_mobile: boolean; device_type: string } {
  const ua = userAgent ?? '';
  const match = /(Edg|OPR|Firefox|Chrome|Safari)\/(\d+)/.exec(ua);
  const names: Record<string, string> = { Edg: 'Edge', OPR: 'Opera', Firefox: 'Firefox', Chrome: 'Chrome', Safari: 'Safari' };
  const isMobile = /Mobi|Android|iPhone|iPad/.test(ua);
  return {
    browser_name: match ? names[match[1]!]! : '',
    browser_version: match?.[2] ?? '',
    is_mobile: isMobile,
    device_type: isMobile ? 'Mobile' : ua ? 'Desktop' : '',
  };
}

/** Clerk's SessionWithActivities: the session without its user, with where it was signed in from. */
function withActivity(session: SessionRow, nowMs: number) {
  return {
    object: 'session' as const,
    id: session.id,
    status: effectiveStatus(session, nowMs),
    expire_at: session.expire_at,
    abandon_at: session.abandon_at,
    last_active_at: session.last_active_at,
    last_active_organization_id: null,
    actor: null,
    user: null,
    latest_activity: { object: 'session_activity' as const, id: `sess_activity_${session.id}`, ip_address: session.client_ip ?? '', city: '', country: '', ...browserOf(session.user_agent) },
    created_at: session.created_at,
    updated_at: session.updated_at,
  };
}

export async function meSessionsRoutes(app: FastifyTypebox, deps: Deps) {
  // A bare array: clerk-js reads this payload unwrapped (SessionWithActivities.retrieve).
  app.get('/me/sessions/active', async (request) => {
    const me = await signedIn(deps, request);
    const { rows } = await listSessions(deps, { userId: me.user.id, status: 'active', limit: 100, offset: 0, paginated: false });
    return rows.map((s) => withActivity(s, deps.clock.now()));
  });

  app.get('/me/sessions', async (request, reply) => {
    const me = await signedIn(deps, request);
    const { rows } = await listSessions(deps, { userId: me.user.id, limit: 100, offset: 0, paginated: false });
    return envelope(deps, request, reply, rows.map((s) => withActivity(s, deps.clock.now())));
  });

  app.post('/me/sessions/:session_id/revoke', { schema: { params: Type.Object({ session_id: Type.String({ maxLength: 128 }) }) } }, async (request, reply) => {
    const me = await signedIn(deps, request);
    const target = await getSession(deps, request.params.session_id).catch(() => undefined);
    if (!target || target.user_id !== me.user.id) {
      throw new ClerkError('resource_not_found', { message: 'Session not found', long_message: `No session was found with id ${request.params.session_id}` });
    }
    const revoked = await revokeSession(forRequest(deps, request), target.id);
    return envelope(deps, request, reply, withActivity(revoked, deps.clock.now()));
  });
}
