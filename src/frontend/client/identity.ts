import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createClient, findClientByToken } from '../../clients/service.js';
import type { Config } from '../../config.js';
import type { Deps } from '../../deps.js';
import type { ClientRow } from '../../db/schema.js';
import { ClerkError } from '../../http/clerk-error.js';

// Which client a Frontend API request belongs to. Three carriers, as Clerk has them:
// - a development browser's token in the `__clerk_db_jwt` query parameter (`__dev_session` in older
//   SDKs and the spec), which clerk-js adds to every request on development instances;
// - a native app's `Authorization` header, when the request says `_is_native=1`;
// - the `__client` cookie (HttpOnly), for browsers.
// The token is opaque; the client is found by its SHA-256 (clients/service.ts).

export const CLIENT_COOKIE = '__client';
export const CLIENT_UAT_COOKIE = '__client_uat';
const DEV_BROWSER_PARAMS = ['__clerk_db_jwt', '__dev_session'] as const;
/** The `__client` cookie outlives any session: it only names the browser (Clerk's lasts a year too). */
const CLIENT_COOKIE_MAX_AGE_S = 365 * 24 * 3600;

type Carrier = 'cookie' | 'native' | 'dev_browser';

export interface FrontendRequestState {
  carrier: Carrier;
  /** The token the request carried, if any. */
  token: string | undefined;
  /** The client, once looked up (undefined: none). */
  client: Promise<ClientRow | undefined> | undefined;
  /** A token this request created, to hand back (cookie or Authorization header). */
  issued: string | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    frontend: FrontendRequestState;
  }
}

function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const token = header.replace(/^Bearer\s+/i, '').trim();
  return token === '' ? undefined : token;
}

function readCarrier(request: FastifyRequest): Pick<FrontendRequestState, 'carrier' | 'token'> {
  const query = request.query as Record<string, unknown>;
  for (const param of DEV_BROWSER_PARAMS) {
    const value = query[param];
    if (typeof value === 'string' && value !== '') return { carrier: 'dev_browser', token: value };
  }
  if (query._is_native === '1' || query._is_native === 'true') return { carrier: 'native', token: bearer(request.headers.authorization) };
  return { carrier: 'cookie', token: request.cookies[CLIENT_COOKIE] || undefined };
}

/** Reads the carrier of every request, and hands a newly issued token back the way it would come in. */
export function installClientIdentity(app: FastifyInstance, config: Pick<Config, 'frontendUrl'>): void {
  app.decorateRequest('frontend', null as unknown as FrontendRequestState);
  app.addHook('onRequest', (request, _reply, done) => {
    request.frontend = { ...readCarrier(request), client: undefined, issued: undefined };
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    const issued = request.frontend?.issued;
    if (issued !== undefined) {
      if (request.frontend.carrier === 'native') reply.header('authorization', issued);
      else if (request.frontend.carrier === 'cookie') {
        reply.setCookie(CLIENT_COOKIE, issued, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: config.frontendUrl.startsWith('https:'),
          maxAge: CLIENT_COOKIE_MAX_AGE_S,
        });
      }
    }
    done(null, payload);
  });
}

/**
 * The request's client, or undefined when it has none yet. An unknown cookie or native token is simply
 * no client (a new one is issued on the next write); an unknown development-browser token is 401
 * dev_browser_unauthenticated, which makes clerk-js fetch a new one (POST /v1/dev_browser).
 */
export function findRequestClient(deps: Pick<Deps, 'db'>, request: FastifyRequest): Promise<ClientRow | undefined> {
  const state = request.frontend;
  state.client ??= (async () => {
    if (state.token === undefined) return undefined;
    const client = await findClientByToken(deps, state.token);
    if (!client && state.carrier === 'dev_browser') throw new ClerkError('dev_browser_unauthenticated');
    return client;
  })();
  return state.client;
}

/** The request's client, created (with a new token, handed back on the response) when it has none. */
export async function ensureRequestClient(deps: Pick<Deps, 'db' | 'clock'>, request: FastifyRequest): Promise<ClientRow> {
  const existing = await findRequestClient(deps, request);
  if (existing) return existing;
  const { client, token } = await createClient(deps, { withToken: true });
  request.frontend.issued = token;
  request.frontend.token = token;
  request.frontend.client = Promise.resolve(client);
  return client;
}

/** A new client and its token, for a development browser (POST /v1/dev_browser). */
export async function createDevBrowser(deps: Pick<Deps, 'db' | 'clock'>): Promise<string> {
  const { token } = await createClient(deps, { withToken: true });
  return token!;
}
