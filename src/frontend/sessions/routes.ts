import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import type { ClientRow, SessionRow } from '../../db/schema.js';
import { ClerkError } from '../../http/clerk-error.js';
import type { FastifyTypebox } from '../../http/fastify.js';
import { Nullable } from '../../http/schemas.js';
import { createSessionToken, endClientSession, endClientSessions, getSession, touchClientSession } from '../../sessions/service.js';
import { userViewContext } from '../../users/serialize.js';
import { getUser } from '../../users/service.js';
import { forRequest } from '../../webhooks/events.js';
import { currentClientJson, envelope } from '../client/envelope.js';
import { findRequestClient } from '../client/identity.js';
import { serializeClientSession } from '../client/serialize.js';
import { resolveActiveOrganization } from './organization.js';

const Params = Type.Object({ session_id: Type.String({ maxLength: 128 }) });
const TouchBody = Type.Object({ active_organization_id: Type.Optional(Nullable(Type.String({ maxLength: 128 }))) });
const TokenBody = Type.Object({ organization_id: Type.Optional(Nullable(Type.String({ maxLength: 128 }))) });

function noSession(id: string) {
  return new ClerkError('resource_not_found', { message: 'Session not found', long_message: `No session was found with id ${id}` });
}

/** The request's client, or 404 for the session it asked about (a request with no client holds none). */
async function requireClient(deps: Deps, request: FastifyRequest, sessionId: string): Promise<ClientRow> {
  const client = await findRequestClient(deps, request);
  if (!client) throw noSession(sessionId);
  return client;
}

/** /v1/client/sessions: the client's sessions, what clerk-js does with them, and their tokens. */
export async function clientSessionsRoutes(app: FastifyTypebox, deps: Deps) {
  const sessionJson = async (session: SessionRow) => serializeClientSession(session, await getUser(deps, session.user_id), userViewContext(deps));

  // Sign out of every session, keeping the client (clerk-js signOut). The sessions are removed.
  app.delete('/client/sessions', async (request, reply) => {
    const client = await findRequestClient(deps, request);
    if (!client) throw new ClerkError('resource_not_found', { message: 'Client not found', long_message: 'No client was found for this request' });
    await endClientSessions(forRequest(deps, request), client.id, 'removed');
    const json = await currentClientJson(deps, request, reply);
    return { response: json, client: json };
  });

  app.get('/client/sessions/:session_id', { schema: { params: Params } }, async (request, reply) => {
    const { session_id } = request.params;
    const client = await requireClient(deps, request, session_id);
    const session = await getSession(deps, session_id);
    if (session.client_id !== client.id) throw noSession(session_id);
    return envelope(deps, request, reply, await sessionJson(session));
  });

  app.post('/client/sessions/:session_id/touch', { schema: { params: Params, body: TouchBody } }, async (request, reply) => {
    const { session_id } = request.params;
    const client = await requireClient(deps, request, session_id);
    const organizationId = request.body.active_organization_id ?? null;
    if (organizationId) await resolveActiveOrganization(deps, await getSession(deps, session_id), organizationId);
    const session = await touchClientSession(forRequest(deps, request), client.id, session_id);
    return envelope(deps, request, reply, await sessionJson(session));
  });

  for (const [action, how] of [
    ['end', 'ended'],
    ['remove', 'removed'],
  ] as const) {
    app.post(`/client/sessions/:session_id/${action}`, { schema: { params: Params } }, async (request, reply) => {
      const { session_id } = request.params;
      const client = await requireClient(deps, request, session_id);
      const session = await endClientSession(forRequest(deps, request), client.id, session_id, how);
      return envelope(deps, request, reply, await sessionJson(session));
    });
  }

  // A bare Token (clerk-js Token.create reads it unwrapped). Only the client holding the session may
  // mint its tokens; `azp` is the origin that asked (what authenticateRequest's authorizedParties checks).
  app.post('/client/sessions/:session_id/tokens', { schema: { params: Params, body: TokenBody } }, async (request) => {
    const { session_id } = request.params;
    const client = await requireClient(deps, request, session_id);
    if (request.body.organization_id) await resolveActiveOrganization(deps, await getSession(deps, session_id), request.body.organization_id);
    const jwt = await createSessionToken(forRequest(deps, request), session_id, {
      clientId: client.id,
      authorizedParty: request.headers.origin,
    });
    return { object: 'token', jwt };
  });

  // JWT templates do not exist yet.
  app.post('/client/sessions/:session_id/tokens/:template_name', async (request) => {
    const { template_name } = request.params as { template_name: string };
    throw new ClerkError('resource_not_found', { message: 'JWT template not found', long_message: `No JWT template exists with name: ${template_name}` });
  });
}
