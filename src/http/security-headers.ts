import type { FastifyInstance } from 'fastify';

/**
 * Headers every response carries (README, "Security"):
 * - `X-Content-Type-Options: nosniff`: a browser never runs a JSON answer as script or HTML;
 * - `Cache-Control: no-store`: API answers hold users and their data, no cache (shared or browser) may keep one;
 * - `Referrer-Policy: no-referrer`: nothing of a URL leaves with a link followed from a response;
 * - `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'`: a JSON API loads nothing and is
 *   never framed, should a response ever be rendered.
 * Set in onRequest, before anything can fail, so error answers (401, 404, 422, 500) carry them too.
 */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
} as const;

export function installSecurityHeaders(app: FastifyInstance, options: { cacheControl?: string } = {}): void {
  const headers = { ...SECURITY_HEADERS, 'cache-control': options.cacheControl ?? SECURITY_HEADERS['cache-control'] };
  // A callback hook (every request passes through it): no promise per request.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}

/** The same headers as raw `[name, value]` pairs, for answers written below Fastify (414, 431: http/client-errors.ts). */
export const RAW_SECURITY_HEADERS: [string, string][] = Object.entries(SECURITY_HEADERS);
