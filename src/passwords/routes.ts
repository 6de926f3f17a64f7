import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import type { FastifyTypebox } from '../http/fastify.js';
import { errorResponses } from '../http/schemas.js';
import { verifyUserPassword } from './service.js';

const Params = Type.Object({ user_id: Type.String({ maxLength: 128 }) });
// 1 KiB is far above any real password and keeps a slow legacy hasher's work per request bounded.
const Body = Type.Object({ password: Type.String({ maxLength: 1024 }) }, { additionalProperties: false });

/** POST /v1/users/{id}/verify_password: 200 when it matches, 422 when not, 400 when there is none. */
export async function passwordsRoutes(app: FastifyTypebox, deps: Deps) {
  app.post('/users/:user_id/verify_password', {
    schema: { params: Params, body: Body, response: { 200: Type.Object({ verified: Type.Boolean() }), ...errorResponses } },
    handler: async (request) => {
      await verifyUserPassword(deps, request.params.user_id, request.body.password);
      return { verified: true };
    },
  });
}
