import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import type { SessionRow } from '../db/schema.js';
import type { FastifyTypebox } from '../http/fastify.js';
import { errorResponses } from '../http/schemas.js';
import { forRequest } from '../webhooks/events.js';
import { CreateSessionBody, CreateTokenBody, SessionListQuery, SessionParams, SessionSchema, TokenSchema } from './schemas.js';
import { serializeSession } from './serialize.js';
import { createSession, createSessionToken, getSession, listSessions, revokeSession } from './service.js';

const SessionResponse = { 200: SessionSchema, ...errorResponses };

/** /v1/sessions. */
export async function sessionsRoutes(app: FastifyTypebox, deps: Deps) {
  const view = (row: SessionRow) => serializeSession(row, deps.clock.now());

  app.get('/sessions', {
    schema: {
      querystring: SessionListQuery,
      response: {
        // A bare array (the spec's Session.List), or { data, total_count } with paginated=true (what @clerk/backend asks for).
        200: Type.Union([Type.Array(SessionSchema), Type.Object({ data: Type.Array(SessionSchema), total_count: Type.Integer() })]),
        ...errorResponses,
      },
    },
    handler: async (request) => {
      const q = request.query;
      const { rows, total } = await listSessions(deps, {
        userId: q.user_id,
        clientId: q.client_id,
        status: q.status,
        limit: q.limit,
        offset: q.offset,
        paginated: q.paginated === true,
      });
      const data = rows.map(view);
      return total === undefined ? data : { data, total_count: total };
    },
  });

  app.post('/sessions', {
    schema: { body: CreateSessionBody, response: SessionResponse },
    handler: async (request) => view(await createSession(forRequest(deps, request), request.body.user_id, request.keyEnvironment)),
  });

  app.get('/sessions/:session_id', {
    schema: { params: SessionParams, response: SessionResponse },
    handler: async (request) => view(await getSession(deps, request.params.session_id)),
  });

  app.post('/sessions/:session_id/revoke', {
    schema: { params: SessionParams, response: SessionResponse },
    handler: async (request) => view(await revokeSession(forRequest(deps, request), request.params.session_id)),
  });

  app.post('/sessions/:session_id/tokens', {
    schema: { params: SessionParams, body: CreateTokenBody, response: { 200: TokenSchema, ...errorResponses } },
    handler: async (request) => ({
      object: 'token' as const,
      jwt: await createSessionToken(forRequest(deps, request), request.params.session_id, { expiresInSeconds: request.body.expires_in_seconds }),
    }),
  });
}
