import type { FastifyReply, FastifyRequest } from 'fastify';
import { getClientById } from '../../clients/service.js';
import type { Deps } from '../../deps.js';
import { forRequest } from '../../webhooks/events.js';
import { cookieSuffix, publishableKey } from '../publishable-key.js';
import { CLIENT_UAT_COOKIE, findRequestClient } from './identity.js';
import { serializeClient, type ClientJson } from './serialize.js';

// Every Frontend API answer but a token is `{ response, client }`: the resource, and the client as it is
// after the request, which clerk-js adopts whole ("client piggybacking"). Do not rename the JSON fields.

/**
 * The Domain of `__client_uat`: Clerk sets it on the app's registrable domain, since the app's backend
 * reads it. Without a public-suffix list, the Frontend API's parent domain stands in when its host has
 * three labels or more (`clerk.example.com` → `example.com`, as Clerk's own setup has it); otherwise
 * (`localhost`, an IP, `example.com`) the cookie is host-only, which every port of that host shares.
 */
export function clientUatDomain(frontendUrl: string): string | undefined {
  const host = new URL(frontendUrl).hostname;
  if (/^[\d.]+$/.test(host) || host.includes(':')) return undefined;
  const labels = host.split('.');
  return labels.length >= 3 ? labels.slice(1).join('.') : undefined;
}

/**
 * `__client_uat` ("client updated at", seconds; 0 when signed out) is what @clerk/backend's
 * authenticateRequest compares session tokens with; a production Frontend API sets it, under its own name
 * and the publishable-key-suffixed one (which @clerk/backend reads when the session token's `iss` is not
 * the key's host).
 */
function setClientUat(deps: Pick<Deps, 'config'>, reply: FastifyReply, client: ClientJson | null) {
  const signedIn = client?.sessions.some((s) => s.status === 'active') ?? false;
  const value = signedIn && client ? String(Math.floor(client.updated_at / 1000)) : '0';
  const domain = clientUatDomain(deps.config.frontendUrl);
  const options = {
    path: '/',
    sameSite: 'lax' as const,
    secure: deps.config.frontendUrl.startsWith('https:'),
    maxAge: 365 * 24 * 3600,
    ...(domain ? { domain } : {}),
  };
  reply.setCookie(CLIENT_UAT_COOKIE, value, options);
  reply.setCookie(`${CLIENT_UAT_COOKIE}_${cookieSuffix(publishableKey(deps.config))}`, value, options);
}

/** The client of this request as it is now (re-read: the request may just have changed it). */
export async function currentClientJson(deps: Deps, request: FastifyRequest, reply: FastifyReply): Promise<ClientJson | null> {
  const known = await findRequestClient(deps, request);
  const client = known ? await getClientById(deps, known.id) : undefined;
  const json = client ? await serializeClient(forRequest(deps, request), client, { origin: request.headers.origin }) : null;
  setClientUat(deps, reply, json);
  return json;
}

export async function envelope<T>(deps: Deps, request: FastifyRequest, reply: FastifyReply, response: T): Promise<{ response: T; client: ClientJson | null }> {
  return { response, client: await currentClientJson(deps, request, reply) };
}
