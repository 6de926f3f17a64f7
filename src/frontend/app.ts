import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import Fastify, { LogController, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Deps } from '../deps.js';
import { clientErrorHandler, frameworkErrors } from '../http/client-errors.js';
import { installErrorHandler } from '../http/errors.js';
import { installInputGuards } from '../http/input-guards.js';
import { installRequestLog } from '../http/request-log.js';
import { installRouteCatalogue } from '../http/route-catalogue.js';
import { installSecurityHeaders } from '../http/security-headers.js';
import { MAX_UPLOAD_BYTES } from '../images/normalize.js';
import type { FastifyTypebox } from '../http/fastify.js';
import { installCoercingValidator } from '../http/validator.js';
import { handshakeRoutes } from './client/handshake.js';
import { clientRoutes } from './client/routes.js';
import { installClientIdentity } from './client/identity.js';
import { environmentRoutes } from './environment/routes.js';
import { meRoutes } from './me/routes.js';
import { organizationRoutes } from './organizations/routes.js';
import { installFrontendBodies } from './plumbing/body.js';
import { installCors } from './plumbing/cors.js';
import { overrideMethod } from './plumbing/method-override.js';
import { clientSessionsRoutes } from './sessions/routes.js';
import { signInRoutes } from './sign-in/routes.js';
import { signUpRoutes } from './sign-up/routes.js';

/**
 * The Frontend API: what clerk-js and Clerk's native SDKs call from end users' browsers and apps, on its
 * own listener (GATEHOUSE_FRONTEND_PORT) so the Backend API's port can stay private. Its own plumbing
 * (form bodies, `_method`, credentialed CORS, the client cookie), the same services as the Backend API.
 * Registered by name, so this file reads as the Frontend API's table of contents.
 */
export async function buildFrontendApp(deps: Deps, options: FastifyServerOptions = {}) {
  const serverOptions: FastifyServerOptions = {
    // clerk-js puts a trailing slash on some paths (`/me/email_addresses/`, `/me/backup_codes/`).
    routerOptions: { maxParamLength: 256, ignoreTrailingSlash: true },
    bodyLimit: 1024 * 1024,
    rewriteUrl: overrideMethod,
    // As on the Backend API: one line per request without query-string values (clerk-js puts
    // `__clerk_db_jwt` and session ids there), and router and HTTP-parser errors in Clerk's envelope.
    logController: new LogController({ disableRequestLogging: true }),
    frameworkErrors,
    clientErrorHandler,
    ...options,
  };
  // Rate limits count per client IP: behind a proxy, the one it forwards (GATEHOUSE_TRUST_PROXY).
  const trust = deps.config.trustProxy;
  if (typeof trust === 'number') serverOptions.trustProxy = (_address: string, hop: number) => hop < trust;
  else if (trust !== undefined) serverOptions.trustProxy = trust;
  const app = Fastify(serverOptions).withTypeProvider<TypeBoxTypeProvider>();
  installRouteCatalogue(app);
  installSecurityHeaders(app);
  installRequestLog(app);

  installFrontendBodies(app);
  installInputGuards(app);
  installCoercingValidator(app);
  installErrorHandler(app);
  await app.register(cookie);
  await installCors(app, deps.config);
  installClientIdentity(app, deps.config);

  app.get('/v1/health', async () => ({ status: 'pass' }));

  await app.register(
    async (v1) => {
      const api = v1 as unknown as FastifyTypebox;
      // multipart/form-data, for image uploads only (profile image, organization logo), as the Backend API has it.
      await v1.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, parts: 11, fieldSize: 4096 } });
      await environmentRoutes(api, deps);
      await clientRoutes(api, deps);
      await handshakeRoutes(api, deps);
      await clientSessionsRoutes(api, deps);
      await signInRoutes(api, deps);
      await signUpRoutes(api, deps);
      await meRoutes(api, deps);
      await organizationRoutes(api, deps);
    },
    { prefix: '/v1' },
  );
  return app;
}
