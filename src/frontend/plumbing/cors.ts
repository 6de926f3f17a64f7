import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import { ClerkError } from '../../http/clerk-error.js';

/**
 * Which browser origins may use the Frontend API: those in GATEHOUSE_FRONTEND_ORIGINS, and the Frontend
 * API's own origin (a page served from it, or clerk-js behind a proxy on the same origin).
 */
export function allowedOrigins(config: Pick<Config, 'frontendOrigins' | 'frontendUrl'>): Set<string> {
  return new Set([...config.frontendOrigins, new URL(config.frontendUrl).origin]);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Credentialed CORS for the allowed origins (the exact origin is echoed, with
 * Access-Control-Allow-Credentials: true); any other origin gets no grant. A state-changing request
 * that carries another origin is refused before it runs (400 origin_invalid, Clerk's code): without a
 * grant the browser would hide the response, but the write would already have happened.
 */
export async function installCors(app: FastifyInstance, config: Pick<Config, 'frontendOrigins' | 'frontendUrl'>): Promise<void> {
  const allowed = allowedOrigins(config);
  await app.register(cors, {
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin) ? origin : false),
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders: ['Authorization', 'Retry-After'],
    maxAge: 600,
  });
  app.addHook('onRequest', (request, _reply, done) => {
    const origin = request.headers.origin;
    if (origin === undefined || SAFE_METHODS.has(request.method) || allowed.has(origin)) return done();
    done(new ClerkError('origin_invalid'));
  });
}
