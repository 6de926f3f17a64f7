import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import type { FastifyTypebox } from '../http/fastify.js';
import { errorResponses } from '../http/schemas.js';
import { deleteAllEndpoints } from './endpoints/service.js';
import { APP_UID } from './svix-api/serialize.js';

const SvixUrl = Type.Object({ svix_url: Type.String() });

/**
 * /v1/webhooks of the Backend API. On Clerk these create or delete the instance's Svix application and
 * give a link to Svix's dashboard. Here the application always exists and is managed with the svix client
 * against Gatehouse itself: svix_url is that application's address in the Svix-compatible API.
 */
export async function webhooksRoutes(app: FastifyTypebox, deps: Deps) {
  const svixUrl = (request: { protocol: string; host: string }) => ({ svix_url: `${request.protocol}://${request.host}/api/v1/app/${APP_UID}` });

  app.post('/webhooks/svix', { schema: { response: { 200: SvixUrl, ...errorResponses } } }, async (request) => svixUrl(request));

  app.post('/webhooks/svix_url', { schema: { response: { 200: SvixUrl, ...errorResponses } } }, async (request) => svixUrl(request));

  // Clerk: "Delete a Svix app and disassociate it from the current instance": no endpoint gets anything more.
  app.delete('/webhooks/svix', async (_request, reply) => {
    await deleteAllEndpoints(deps);
    return reply.status(204).send();
  });
}
