import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import type { FastifyTypebox } from '../http/fastify.js';
import { errorResponses } from '../http/schemas.js';
import { forRequest } from '../webhooks/events.js';
import { disableMfa, verifyTotpOrBackupCode } from './service.js';

const Params = Type.Object({ user_id: Type.String({ maxLength: 128 }) });
const UserIdResponse = { 200: Type.Object({ user_id: Type.String() }), ...errorResponses };

/** TOTP and backup codes of a user: verify, and turn off. */
export async function mfaRoutes(app: FastifyTypebox, deps: Deps) {
  app.post('/users/:user_id/verify_totp', {
    schema: {
      params: Params,
      body: Type.Object({ code: Type.String({ maxLength: 128 }) }, { additionalProperties: false }),
      response: {
        200: Type.Object({ verified: Type.Boolean(), code_type: Type.Union([Type.Literal('totp'), Type.Literal('backup_code')]) }),
        ...errorResponses,
      },
    },
    handler: async (request) => ({
      verified: true,
      code_type: await verifyTotpOrBackupCode(deps, request.params.user_id, request.body.code),
    }),
  });

  for (const [path, what] of [
    ['totp', 'totp'],
    ['backup_code', 'backup_code'],
    ['mfa', 'all'],
  ] as const) {
    app.delete(`/users/:user_id/${path}`, {
      schema: { params: Params, response: UserIdResponse },
      handler: async (request) => {
        await disableMfa(forRequest(deps, request), request.params.user_id, what);
        return { user_id: request.params.user_id };
      },
    });
  }
}
