import type { Deps } from '../../deps.js';
import type { FastifyTypebox } from '../../http/fastify.js';
import { serializeEnvironment } from './serialize.js';

/** /v1/environment. clerk-js on a development instance loads it with PATCH ("touch"): same answer. */
export async function environmentRoutes(app: FastifyTypebox, deps: Deps) {
  const environment = async () => serializeEnvironment(deps, await deps.settings.refresh());
  app.get('/environment', environment);
  app.patch('/environment', environment);
}
