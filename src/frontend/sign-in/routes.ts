import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import type { SignInRow } from '../../db/schema.js';
import type { FastifyTypebox } from '../../http/fastify.js';
import { Nullable } from '../../http/schemas.js';
import { readSettings } from '../../instance/settings.js';
import { userViewContext } from '../../users/serialize.js';
import { getUser } from '../../users/service.js';
import { forRequest } from '../../webhooks/events.js';
import { envelope } from '../client/envelope.js';
import { ensureRequestClient, findRequestClient } from '../client/identity.js';
import { rateLimited } from '../plumbing/rate-limit.js';
import { attemptFirstFactor, attemptSecondFactor, resetPassword } from './attempts.js';
import { serializeSignIn } from './serialize.js';
import { createSignIn, getActiveSignIn, getSignIn, prepareFirstFactor } from './service.js';

// Unknown parameters (captcha tokens, redirect URLs of flows Gatehouse does not offer) are ignored, as
// clerk-js sends what its UI collected.
const Text = (max = 512) => Type.Optional(Nullable(Type.String({ maxLength: max })));
const Params = Type.Object({ sign_in_id: Type.String({ maxLength: 128 }) });
const CreateBody = Type.Object({ strategy: Text(64), identifier: Text(320), password: Text(1024) });
const PrepareBody = Type.Object({ strategy: Type.String({ maxLength: 64 }), email_address_id: Text(128) });
const AttemptBody = Type.Object({ strategy: Type.String({ maxLength: 64 }), password: Text(1024), code: Text(128) });
const SecondFactorBody = Type.Object({ strategy: Type.String({ maxLength: 64 }), code: Text(128) });
const ResetBody = Type.Object({ password: Type.String({ maxLength: 1024 }), sign_out_of_other_sessions: Type.Optional(Nullable(Type.Boolean())) });

/** /v1/client/sign_ins: the client's sign-in, step by step. */
export async function signInRoutes(app: FastifyTypebox, deps: Deps) {
  const view = async (row: SignInRow) => {
    const user = row.user_id ? await getUser(deps, row.user_id) : undefined;
    return serializeSignIn(row, user, (await readSettings(deps.db)).auth, userViewContext(deps));
  };
  const openSignIn = async (request: FastifyRequest, id: string) =>
    getActiveSignIn(deps, await findRequestClient(deps, request), id);

  app.post('/client/sign_ins', { schema: { body: CreateBody }, preHandler: rateLimited(deps, 'sign_in_create') }, async (request, reply) => {
    const client = await ensureRequestClient(deps, request);
    const row = await createSignIn(forRequest(deps, request), client, request.body);
    return envelope(deps, request, reply, await view(row));
  });

  app.get('/client/sign_ins/:sign_in_id', { schema: { params: Params } }, async (request, reply) => {
    const row = await getSignIn(deps, await findRequestClient(deps, request), request.params.sign_in_id);
    return envelope(deps, request, reply, await view(row));
  });

  app.post('/client/sign_ins/:sign_in_id/prepare_first_factor', { schema: { params: Params, body: PrepareBody } }, async (request, reply) => {
    const row = await prepareFirstFactor(forRequest(deps, request), await openSignIn(request, request.params.sign_in_id), request.body);
    return envelope(deps, request, reply, await view(row));
  });

  app.post(
    '/client/sign_ins/:sign_in_id/attempt_first_factor',
    { schema: { params: Params, body: AttemptBody }, preHandler: rateLimited(deps, 'sign_in_attempt') },
    async (request, reply) => {
      const row = await attemptFirstFactor(forRequest(deps, request), await openSignIn(request, request.params.sign_in_id), request.body);
      return envelope(deps, request, reply, await view(row));
    },
  );

  // Only TOTP and backup codes exist as second factors, and neither needs preparing.
  app.post('/client/sign_ins/:sign_in_id/prepare_second_factor', { schema: { params: Params } }, async (request, reply) => {
    const row = await openSignIn(request, request.params.sign_in_id);
    return envelope(deps, request, reply, await view(row));
  });

  app.post(
    '/client/sign_ins/:sign_in_id/attempt_second_factor',
    { schema: { params: Params, body: SecondFactorBody }, preHandler: rateLimited(deps, 'sign_in_attempt') },
    async (request, reply) => {
      const row = await attemptSecondFactor(forRequest(deps, request), await openSignIn(request, request.params.sign_in_id), request.body);
      return envelope(deps, request, reply, await view(row));
    },
  );

  app.post('/client/sign_ins/:sign_in_id/reset_password', { schema: { params: Params, body: ResetBody } }, async (request, reply) => {
    const row = await resetPassword(forRequest(deps, request), await openSignIn(request, request.params.sign_in_id), request.body);
    return envelope(deps, request, reply, await view(row));
  });
}
