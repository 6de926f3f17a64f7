import Fastify, { LogController, type FastifyServerOptions } from 'fastify';
import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Deps } from './deps.js';
import { ping } from './db/database.js';
import { installSecretKeyAuth } from './http/auth.js';
import { installErrorHandler } from './http/errors.js';
import type { FastifyTypebox } from './http/fastify.js';
import { clientErrorHandler, frameworkErrors } from './http/client-errors.js';
import { installInputGuards } from './http/input-guards.js';
import { installJson } from './http/json.js';
import { installRequestLog } from './http/request-log.js';
import { installRouteCatalogue } from './http/route-catalogue.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { installValidator } from './http/validator.js';
import { emailAddressesRoutes } from './email-addresses/routes.js';
import { instanceRoutes } from './instance/routes.js';
import { keysRoutes } from './keys/routes.js';
import { mfaRoutes } from './mfa/routes.js';
import { passwordsRoutes } from './passwords/routes.js';
import { phoneNumbersRoutes } from './phone-numbers/routes.js';
import { sessionsRoutes } from './sessions/routes.js';
import { usersRoutes } from './users/routes.js';
import { web3WalletsRoutes } from './web3-wallets/routes.js';
import { imagesRoutes } from './images/routes.js';
import { MAX_UPLOAD_BYTES } from './images/normalize.js';
import { organizationsRoutes } from './organizations/routes.js';
import { membershipsRoutes } from './organizations/members/routes.js';
import { organizationInvitationsRoutes } from './organizations/invitations/routes.js';
import { organizationDomainsRoutes } from './organizations/domains/routes.js';
import { invitationsRoutes } from './invitations/routes.js';
import { profileImageRoutes } from './users/profile-image-routes.js';
import { connectedAccountsRoutes } from './users/connected-accounts-routes.js';
import { webhooksRoutes } from './webhooks/routes.js';
import { installSvixPlumbing, SVIX_API_PREFIX, svixFrameworkErrors } from './webhooks/svix-api/plumbing.js';
import { svixApiRoutes } from './webhooks/svix-api/routes.js';

/**
 * The application: HTTP plumbing, then every feature's routes under /v1, registered by name so this
 * file reads as the API's table of contents. No listening here (main.ts does that), so tests use
 * app.inject without a port.
 */
export async function buildApp(deps: Deps, options: FastifyServerOptions = {}) {
  const app = Fastify({
    // Clerk's SDK sends ids in paths verbatim; long ids get a clear 404, not a router error.
    routerOptions: { maxParamLength: 256 },
    bodyLimit: 1024 * 1024,
    // One line per request from http/request-log.ts instead of Fastify's two, which log the raw URL.
    logController: new LogController({ disableRequestLogging: true }),
    // Router and HTTP-parser errors (414, 431, undecodable paths) in Clerk's envelope too.
    frameworkErrors: (error, request, reply) =>
      (request.url.startsWith(SVIX_API_PREFIX) ? svixFrameworkErrors : frameworkErrors)(error, request, reply),
    clientErrorHandler,
    ...options,
  }).withTypeProvider<TypeBoxTypeProvider>();

  installRouteCatalogue(app);
  installSecurityHeaders(app);
  installRequestLog(app);
  installJson(app);
  installInputGuards(app);
  installValidator(app);
  installErrorHandler(app);

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await ping(deps.db);
      return { status: 'ok' };
    } catch {
      return reply.status(503).send({ status: 'unavailable' });
    }
  });

  // Uploaded images, public (browsers load them from image_url): no key.
  await imagesRoutes(app as unknown as FastifyTypebox, deps);

  await app.register(
    async (v1) => {
      installSecretKeyAuth(v1, (key) => deps.keys.isValid(key));
      // multipart/form-data, for image uploads only: one file, a few text fields, Clerk's 10 MB.
      await v1.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, parts: 11, fieldSize: 4096 } });
      const api = v1 as unknown as FastifyTypebox;
      await usersRoutes(api, deps);
      await passwordsRoutes(api, deps);
      await mfaRoutes(api, deps);
      await emailAddressesRoutes(api, deps);
      await phoneNumbersRoutes(api, deps);
      await web3WalletsRoutes(api, deps);
      await sessionsRoutes(api, deps);
      await keysRoutes(api, deps);
      await instanceRoutes(api, deps);
      await profileImageRoutes(api, deps);
      await connectedAccountsRoutes(api, deps);
      await organizationsRoutes(api, deps);
      await membershipsRoutes(api, deps);
      await organizationInvitationsRoutes(api, deps);
      await organizationDomainsRoutes(api, deps);
      await invitationsRoutes(api, deps);
      await webhooksRoutes(api, deps);
    },
    { prefix: '/v1' },
  );

  // The Svix-compatible API for managing webhook endpoints with the svix client: its own auth and errors.
  await app.register(
    async (svix) => {
      installSvixPlumbing(svix, (key) => deps.keys.isValid(key));
      await svixApiRoutes(svix as unknown as FastifyTypebox, deps);
    },
    { prefix: '/api/v1' },
  );
  return app;
}
