import type { Deps } from '../../deps.js';
import type { FastifyTypebox } from '../../http/fastify.js';

/** /v1/me: the signed-in user managing themself. */
export async function meRoutes(_app: FastifyTypebox, _deps: Deps) {}
