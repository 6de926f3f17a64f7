import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import type { FastifyTypebox } from '../http/fastify.js';
import { DeletedObjectSchema, deletedObject, errorResponses } from '../http/schemas.js';
import { deleteIdentification } from '../identifications/service.js';
import { forRequest } from '../webhooks/events.js';

const Params = Type.Object({ user_id: Type.String({ maxLength: 128 }), web3_wallet_identification_id: Type.String({ maxLength: 128 }) });

/** DELETE /v1/users/{user_id}/web3_wallets/{id}: the wallet must belong to that user. */
export async function web3WalletsRoutes(app: FastifyTypebox, deps: Deps) {
  app.delete('/users/:user_id/web3_wallets/:web3_wallet_identification_id', {
    schema: { params: Params, response: { 200: DeletedObjectSchema, ...errorResponses } },
    handler: async (request) => {
      const { user_id, web3_wallet_identification_id: id } = request.params;
      await deleteIdentification(forRequest(deps, request), 'web3_wallet', id, user_id);
      return deletedObject('web3_wallet', id);
    },
  });
}
