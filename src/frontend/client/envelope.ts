import type { FastifyReply, FastifyRequest } from 'fastify';
import { getClientById } from '../../clients/service.js';
import type { Deps } from '../../deps.js';
import { instanceType } from '../publishable-key.js';
import { CLIENT_UAT_COOKIE, findRequestClient } from './identity.js';
import { serializeClient, type ClientJson } from './serialize.js';

// Every Frontend API answer but a token is `{ response, client }`: the resource, and the client as it is
// after the request, which clerk-js adopts whole ("client piggybacking"). Do not rename the JSON fields.

/**
 * `__client_uat` ("client updated at", seconds; 0 when signed out) is what @clerk/backend's
 * authenticateRequest compares session tokens with. On production instances Clerk's Frontend API sets
 * it; on development instances clerk-js sets it itself, so the server leaves it alone there.
 */
function setClientUat(deps: Pick<Deps, 'config'>, reply: FastifyReply, client: ClientJson | null) {
  if (instanceType(deps.config) !== 'production') return;
  const signedIn = client?.sessions.some((s) => s.status === 'active') ?? false;
  const value = signedIn && client ? String(Math.floor(client.updated_at / 1000)) : '0';
  reply.setCookie(CLIENT_UAT_COOKIE, value, {
    path: '/',
    sameSite: 'lax',
    secure: deps.config.frontendUrl.startsWith('https:'),
    maxAge: 365 * 24 * 3600,
  });
}

/** The client of this request as it is now (re-read: the request may just have changed it). */
export async function currentClientJson(
  deps: Pick<Deps, 'db' | 'clock' | 'instance' | 'settings' | 'config'>,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<ClientJson | null> {
  const known = await findRequestClient(deps, request);
  const client = known ? await getClientById(deps, known.id) : undefined;
  const json = client ? await serializeClient(deps, client) : null;
  setClientUat(deps, reply, json);
  return json;
}

export async function envelope<T>(
  deps: Pick<Deps, 'db' | 'clock' | 'instance' | 'settings' | 'config'>,
  request: FastifyRequest,
  reply: FastifyReply,
  response: T,
): Promise<{ response: T; client: ClientJson | null }> {
  return { response, client: await currentClientJson(deps, request, reply) };
}
