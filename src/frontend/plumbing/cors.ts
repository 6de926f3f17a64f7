import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import { ClerkError } from '../../http/clerk-error.js';

type OriginConfig = Pick<Config, 'frontendOrigins' | 'frontendUrl'>;

/**
 * Whether a browser origin may use the Frontend API: those in GATEHOUSE_FRONTEND_ORIGINS, and the Frontend
 * API's own origin (a page served from it, or clerk-js behind a proxy on the same origin). Read from the
 * config on each request, so a test that learns its port after listening can set it.
 */
export function isAllowedOrigin(config: OriginConfig, origin: string): boolean {
  return config.frontendOrigins.includes(origin) || new URL(config.frontendUrl).origin === origin;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Credentialed CORS for the allowed origins (the exact origin is echoed, with
 * Access-Control-Allow-Credentials: true); any other origin gets no grant. A state-changing request
 * that carries another origin is refused before it runs (400 origin_invalid, Clerk's code): without a
 * grant the browser would hide the response, but the write would already have happened.
 */
export async function installCors(app: FastifyInstance, config: OriginConfig): Promise<void> {
  await app.register(cors, {
    origin: (origin, callback) => callback(null, origin !== undefined && isAllowedOrigin(config, origin) ? origin : false),
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders: ['Authorization', 'Retry-After'],
    maxAge: 600,
    // An OPTIONS without Access-Control-Request-Method is no preflight: answered like any other (204, no
    // method grant) instead of the plugin's 400 in plain text, outside Clerk's envelope.
    strictPreflight: false,
  });
  app.addHook('onRequest', (request, _reply, done) => {
    const origin = request.headers.origin;
    if (origin === undefined || SAFE_METHODS.has(request.method) || isAllowedOrigin(config, origin)) return done();
    done(new ClerkError('origin_invalid'));
  });
}
