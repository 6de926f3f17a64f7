import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import type { FastifyTypebox } from '../http/fastify.js';
import { errorResponses } from '../http/schemas.js';
import { getJwks } from './service.js';

const Jwk = Type.Object({
  use: Type.String(),
  kty: Type.String(),
  kid: Type.String(),
  alg: Type.String(),
  n: Type.String(),
  e: Type.String(),
});

/** GET /v1/jwks: the public keys session tokens are signed with (@clerk/backend's verifyToken fetches it). */
export async function keysRoutes(app: FastifyTypebox, deps: Deps) {
  app.get('/jwks', {
    schema: { response: { 200: Type.Object({ keys: Type.Array(Jwk) }), ...errorResponses } },
    handler: async () => getJwks(deps),
  });
}
