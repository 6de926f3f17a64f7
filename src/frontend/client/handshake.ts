import { Type } from '@sinclair/typebox';
import type { Deps } from '../../deps.js';
import { getClientById } from '../../clients/service.js';
import { paramError } from '../../http/clerk-error.js';
import type { FastifyTypebox } from '../../http/fastify.js';
import { signToken } from '../../keys/service.js';
import { createSessionToken } from '../../sessions/service.js';
import { forRequest } from '../../webhooks/events.js';
import { isAllowedOrigin } from '../plumbing/cors.js';
import { cookieSuffix, publishableKey } from '../publishable-key.js';
import { clientUatDomain } from './envelope.js';
import { findRequestClient } from './identity.js';

// GET /v1/client/handshake: how a server-rendered app (Clerk's Next.js middleware, or any
// `authenticateRequest` on a page load) refreshes an expired `__session` without clerk-js: @clerk/backend
// redirects the browser here; the Frontend API, which sees the `__client` cookie, answers with the cookies
// the app should set, in a JWT signed by the instance's key (the "handshake token"), and redirects back.
// The token travels in a `__clerk_handshake` cookie (same site as the app), never in the URL: it holds a
// live session token.

const Query = Type.Object({
  redirect_url: Type.String({ maxLength: 4096 }),
  suffixed_cookies: Type.Optional(Type.String({ maxLength: 8 })),
});

/** The handshake token lives a minute: long enough for the redirect back, useless afterwards. */
const HANDSHAKE_TTL_S = 60;

export async function handshakeRoutes(app: FastifyTypebox, deps: Deps) {
  app.get('/client/handshake', { schema: { querystring: Query } }, async (request, reply) => {
    let target: URL;
    try {
      target = new URL(request.query.redirect_url);
    } catch {
      throw paramError('form_param_value_invalid', 'redirect_url', 'redirect_url must be an absolute URL.');
    }
    // Only back to the app's own pages: the token must not be handed to anyone else.
    if (!isAllowedOrigin(deps.config, target.origin)) {
      throw paramError('form_param_value_invalid', 'redirect_url', 'redirect_url is not on an origin allowed by GATEHOUSE_FRONTEND_ORIGINS.');
    }
    const secure = target.protocol === 'https:';
    const domain = clientUatDomain(deps.config.frontendUrl);
    const attributes = `Path=/; SameSite=Lax${secure ? '; Secure' : ''}${domain ? `; Domain=${domain}` : ''}`;
    const suffixes = request.query.suffixed_cookies === 'true' ? ['', `_${cookieSuffix(publishableKey(deps.config))}`] : [''];

    const known = await findRequestClient(deps, request);
    const client = known ? await getClientById(deps, known.id) : undefined;
    const sessionId = client?.last_active_session_id ?? undefined;
    const jwt =
      client && sessionId
        ? await createSessionToken(forRequest(deps, request), sessionId, { clientId: client.id, authorizedParty: target.origin }).catch(() => undefined)
        : undefined;
    const clientUat = jwt && client ? String(Math.floor(client.updated_at / 1000)) : '0';
    const directives = suffixes.flatMap((suffix) => [
      jwt ? `__session${suffix}=${jwt}; ${attributes}` : `__session${suffix}=; ${attributes}; Max-Age=0`,
      `__client_uat${suffix}=${clientUat}; ${attributes}; Max-Age=${365 * 24 * 3600}`,
    ]);
    // The app's backend applies these directives; the last one removes the handshake cookie itself.
    directives.push(`__clerk_handshake=; ${attributes}; Max-Age=0`);
    const iat = Math.floor(deps.clock.now() / 1000);
    const token = await signToken(deps, { handshake: directives, iat, exp: iat + HANDSHAKE_TTL_S });

    reply.header('cache-control', 'no-store');
    reply.header('set-cookie', `__clerk_handshake=${token}; ${attributes}; HttpOnly; Max-Age=${HANDSHAKE_TTL_S}`);
    return reply.redirect(target.toString(), 307);
  });
}
