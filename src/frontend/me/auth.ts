import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import type { ClientRow, SessionRow } from '../../db/schema.js';
import { ClerkError } from '../../http/clerk-error.js';
import { effectiveStatus, getSession } from '../../sessions/service.js';
import { getUser } from '../../users/service.js';
import type { FullUserRow } from '../../users/store.js';
import { findRequestClient } from '../client/identity.js';

export interface SignedIn {
  client: ClientRow;
  session: SessionRow;
  user: FullUserRow;
}

/**
 * Who a /v1/me request acts as: the session named by `_clerk_session_id` (clerk-js sends the current one),
 * or the client's last active session; it must be active and on this client. 401 otherwise (clerk-js
 * then signs out locally, which is what a client without that session should do).
 */
export async function signedIn(deps: Deps, request: FastifyRequest): Promise<SignedIn> {
  const client = await findRequestClient(deps, request);
  const named = (request.query as Record<string, unknown>)._clerk_session_id;
  const sessionId = typeof named === 'string' && named !== '' ? named : client?.last_active_session_id;
  if (!client || !sessionId) throw new ClerkError('signed_out');
  const session = await getSession(deps, sessionId).catch(() => undefined);
  if (!session || session.client_id !== client.id || effectiveStatus(session, deps.clock.now()) !== 'active') {
    throw new ClerkError('authentication_invalid');
  }
  return { client, session, user: await getUser(deps, session.user_id) };
}
