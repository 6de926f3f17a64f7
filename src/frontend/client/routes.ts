import type { Deps } from '../../deps.js';
import { inTransaction } from '../../db/transaction.js';
import { ClerkError } from '../../http/clerk-error.js';
import type { FastifyTypebox } from '../../http/fastify.js';
import { endClientSessions } from '../../sessions/service.js';
import { forRequest } from '../../webhooks/events.js';
import { abandonClientSignIn } from '../sign-in/service.js';
import { abandonClientSignUp } from '../sign-up/service.js';
import { currentClientJson } from './envelope.js';
import { createDevBrowser, ensureRequestClient, findRequestClient } from './identity.js';

/** /v1/client (the browser's client) and /v1/dev_browser. */
export async function clientRoutes(app: FastifyTypebox, deps: Deps) {
  // No client yet is not an error: clerk-js starts from `{ response: null, client: null }`.
  app.get('/client', async (request, reply) => {
    const client = await currentClientJson(deps, request, reply);
    return { response: client, client };
  });

  // PUT (clerk-js Client.create) and POST (native SDKs): the client, made now if there is none.
  for (const method of ['put', 'post'] as const) {
    app[method]('/client', async (request, reply) => {
      await ensureRequestClient(deps, request);
      const client = await currentClientJson(deps, request, reply);
      return { response: client, client };
    });
  }

  // clerk-js Client.destroy (sign out of everything): every session ends and the attempts in progress
  // are dropped. The client keeps its identity, so a development browser's token stays valid.
  app.delete('/client', async (request, reply) => {
    const client = await findRequestClient(deps, request);
    if (!client) throw new ClerkError('resource_not_found', { message: 'Client not found', long_message: 'No client was found for this request' });
    await inTransaction(deps.db, async (db) => {
      await endClientSessions({ ...forRequest(deps, request), db }, client.id, 'ended');
      await abandonClientSignIn({ db, clock: deps.clock }, client.id);
      await abandonClientSignUp({ db, clock: deps.clock }, client.id);
    });
    const json = await currentClientJson(deps, request, reply);
    return { response: json, client: json };
  });

  // The development-browser flow (clerk-js runs it for development instances on Clerk's own hosts, and
  // Clerk's API console uses it): the token identifies a client through the `__clerk_db_jwt` query
  // parameter instead of a cookie.
  app.post('/dev_browser', async () => ({ object: 'dev_browser', id: await createDevBrowser(deps) }));
}
