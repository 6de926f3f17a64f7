import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import { ClerkError } from '../http/clerk-error.js';
import type { FastifyTypebox } from '../http/fastify.js';
import { DeletedObjectSchema, errorResponses } from '../http/schemas.js';
import { getUser } from './service.js';

// The Users endpoints for passkeys, external (OAuth) accounts and OAuth access tokens. Gatehouse has no
// passkeys and no OAuth providers yet, so every user has none: the answers are Clerk's for such a user.

const Provider = Type.String({ maxLength: 128 });
const OAuthAccessToken = Type.Object({}, { additionalProperties: true });

export async function connectedAccountsRoutes(app: FastifyTypebox, deps: Deps) {
  app.delete('/users/:user_id/passkeys/:passkey_identification_id', {
    schema: {
      params: Type.Object({ user_id: Type.String({ maxLength: 128 }), passkey_identification_id: Type.String({ maxLength: 128 }) }),
      response: { 200: DeletedObjectSchema, ...errorResponses },
    },
    handler: async (request) => {
      await getUser(deps, request.params.user_id);
      throw new ClerkError('resource_not_found', { long_message: `No passkey was found with id ${request.params.passkey_identification_id}` });
    },
  });

  app.delete('/users/:user_id/external_accounts/:external_account_id', {
    schema: {
      params: Type.Object({ user_id: Type.String({ maxLength: 128 }), external_account_id: Type.String({ maxLength: 128 }) }),
      response: { 200: DeletedObjectSchema, ...errorResponses },
    },
    handler: async (request) => {
      await getUser(deps, request.params.user_id);
      throw new ClerkError('resource_not_found', { long_message: `No external account was found with id ${request.params.external_account_id}` });
    },
  });

  app.get('/users/:user_id/oauth_access_tokens/:provider', {
    schema: {
      params: Type.Object({ user_id: Type.String({ maxLength: 128 }), provider: Provider }),
      querystring: Type.Object({
        paginated: Type.Optional(Type.Boolean()),
        limit: Type.Integer({ minimum: 1, maximum: 500, default: 10 }),
        offset: Type.Integer({ minimum: 0, default: 0 }),
      }),
      response: {
        // The spec's bare array, or { data, total_count } with paginated=true (what @clerk/backend asks for).
        200: Type.Union([Type.Array(OAuthAccessToken), Type.Object({ data: Type.Array(OAuthAccessToken), total_count: Type.Integer() })]),
        ...errorResponses,
      },
    },
    handler: async (request) => {
      await getUser(deps, request.params.user_id);
      return request.query.paginated === true ? { data: [], total_count: 0 } : [];
    },
  });
}
