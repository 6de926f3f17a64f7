import type { FastifyInstance } from 'fastify';
import { ClerkError } from './clerk-error.js';

const BEARER = /^Bearer (\S+)$/;

declare module 'fastify' {
  interface FastifyRequest {
    /** `test` for an sk_test_ key, `live` for sk_live_: some endpoints are for development instances only. */
    keyEnvironment: 'test' | 'live';
  }
}

/**
 * Secret-key authentication for every route of `app` (register it inside the /v1 scope).
 * `isValidKey` answers from memory and compares in constant time; the hook adds no database query.
 */
export function installSecretKeyAuth(app: FastifyInstance, isValidKey: (key: string) => boolean): void {
  app.decorateRequest('keyEnvironment', 'live');
  // A callback hook, not an async one: it runs on every request and has nothing to await (no promise to make).
  app.addHook('onRequest', (request, _reply, done) => {
    const header = request.headers.authorization;
    // A missing key is an invalid key; a header that is there but not "Bearer <key>" is malformed.
    if (header === undefined || header === '') return done(new ClerkError('clerk_key_invalid'));
    const match = BEARER.exec(header);
    if (!match?.[1]) return done(new ClerkError('authorization_header_format_invalid'));
    if (!isValidKey(match[1])) return done(new ClerkError('clerk_key_invalid'));
    request.keyEnvironment = match[1].startsWith('sk_test_') ? 'test' : 'live';
    done();
  });
}
