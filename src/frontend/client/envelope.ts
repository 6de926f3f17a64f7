import type { FastifyReply, FastifyRequest } from 'fastify';
import { getClientById } from '../../clients/service.js';
import type { Deps } from '../../deps.js';
import { createSessionToken } from '../../sessions/service.js';
import { forRequest } from '../../webhooks/events.js';
import { CLIENT_UAT_COOKIE, findRequestClient } from './identity.js';
import { serializeClient, type ClientJson } from './serialize.js';

// Every Frontend API answer but a token is `{ response, client }`: the resource, and the client as it is
// after the request, which clerk-js adopts whole ("client piggybacking"). Do not rename the JSON fields.

/**
 * `__client_uat` ("client updated at", seconds; 0 when signed out) is what @clerk/backend's
 * authenticateRequest compares session tokens with: without it a `__session` cookie counts as signed
 * out. Clerk's production Frontend API sets it; clerk-js sets it itself only on development instances
 * with Clerk's own hosts, and @clerk/backend's development mode also wants Clerk's dev-browser cookie,
 * so Gatehouse sets it on every instance (its Frontend API is on the app's site).
 */
function setClientUat(deps: Pick<Deps, 'config'>, reply: FastifyReply, client: ClientJson | null) {
  const signedIn = client?.sessions.some((s) => s.status === 'active') ?? false;
  const value = signedIn && client ? String(Math.floor(client.updated_at / 1000)) : '0';
  reply.setCookie(CLIENT_UAT_COOKIE, value, {
    path: '/',
    sameSite: 'lax',
    secure: deps.config.frontendUrl.startsWith('https:'),
    maxAge: 365 * 24 * 3600,
  });
}

type EnvelopeDeps = Pick<Deps, 'db' | 'clock' | 'instance' | 'settings' | 'config'> &
  Omit<Parameters<typeof createSessionToken>[0], 'httpRequest'>;

/**
 * clerk-js writes each session's `last_active_token` into the `__session` cookie whenever it adopts a
 * client, and deletes the cookie when the token is null; so every active session carries a fresh token,
 * minted for the origin that asks (azp), like a POST …/tokens.
 */
async function addLastActiveTokens(deps: EnvelopeDeps, request: FastifyRequest, client: ClientJson) {
  for (const session of client.sessions) {
    if (session.status !== 'active') continue;
    const jwt = await createSessionToken(forRequest(deps, request), session.id, {
      clientId: client.id,
      authorizedParty: request.headers.origin,
    });
    session.last_active_token = { object: 'token', jwt };
  }
}

/** The client of this request as it is now (re-read: the request may just have changed it). */
export async function currentClientJson(deps: EnvelopeDeps, request: FastifyRequest, reply: FastifyReply): Promise<ClientJson | null> {
  const known = await findRequestClient(deps, request);
  const client = known ? await getClientById(deps, known.id) : undefined;
  const json = client ? await serializeClient(deps, client) : null;
  if (json) await addLastActiveTokens(deps, request, json);
  setClientUat(deps, reply, json);
  return json;
}

export async function envelope<T>(
  deps: EnvelopeDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  response: T,
): Promise<{ response: T; client: ClientJson | null }> {
  return { response, client: await currentClientJson(deps, request, reply) };
}
