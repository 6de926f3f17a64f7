import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import type { SignUpRow } from '../../db/schema.js';
import { paramError } from '../../http/clerk-error.js';
import type { FastifyTypebox } from '../../http/fastify.js';
import { Nullable } from '../../http/schemas.js';
import { readSettings } from '../../instance/settings.js';
import { forRequest } from '../../webhooks/events.js';
import { envelope } from '../client/envelope.js';
import { ensureRequestClient, findRequestClient } from '../client/identity.js';
import { jsonObjectParam } from '../plumbing/json-param.js';
import { rateLimited } from '../plumbing/rate-limit.js';
import { serializeSignUp } from './serialize.js';
import { attemptVerification, createSignUp, getOpenSignUp, getSignUp, prepareVerification, updateSignUpFields, type SignUpInput } from './service.js';

const Text = (max = 512) => Type.Optional(Nullable(Type.String({ maxLength: max })));
const Params = Type.Object({ sign_up_id: Type.String({ maxLength: 128 }) });
// clerk-js sends unsafe_metadata as a JSON string (form bodies are flat); JSON clients may send an object.
const FieldsBody = Type.Object({
  email_address: Text(320),
  password: Text(1024),
  username: Text(256),
  first_name: Text(256),
  last_name: Text(256),
  unsafe_metadata: Type.Optional(Type.Union([Type.String({ maxLength: 16_384 }), Type.Object({}, { additionalProperties: true }), Type.Null()])),
  legal_accepted: Type.Optional(Nullable(Type.Boolean())),
  strategy: Text(64),
  ticket: Text(512),
  phone_number: Text(64),
  web3_wallet: Text(128),
});
const PrepareBody = Type.Object({ strategy: Type.String({ maxLength: 64 }) });
const AttemptBody = Type.Object({ strategy: Type.String({ maxLength: 64 }), code: Text(128) });

type FieldsInput = typeof FieldsBody.static;

/** The body's fields → the service's input: metadata parsed, fields this instance cannot take refused. */
function signUpInput(body: FieldsInput | undefined): SignUpInput {
  if (!body) return {};
  // No SMS and no wallets: these identifiers cannot be verified here.
  if (body.phone_number) throw paramError('form_param_unknown', 'phone_number');
  if (body.web3_wallet) throw paramError('form_param_unknown', 'web3_wallet');
  const { unsafe_metadata, phone_number: _p, web3_wallet: _w, ...rest } = body;
  return { ...rest, ...(unsafe_metadata !== undefined ? { unsafe_metadata: jsonObjectParam(unsafe_metadata, 'unsafe_metadata') } : {}) };
}

/** /v1/client/sign_ups: the client's sign-up, step by step. */
export async function signUpRoutes(app: FastifyTypebox, deps: Deps) {
  const view = async (row: SignUpRow) => serializeSignUp(row, (await readSettings(deps.db)).auth);
  const openSignUp = async (request: FastifyRequest, id: string) =>
    getOpenSignUp(deps, await findRequestClient(deps, request), id);

  app.post('/client/sign_ups', { schema: { body: FieldsBody }, preHandler: rateLimited(deps, 'sign_up_create') }, async (request, reply) => {
    const input = signUpInput(request.body);
    const client = await ensureRequestClient(deps, request);
    const row = await createSignUp(forRequest(deps, request), client, input);
    return envelope(deps, request, reply, await view(row));
  });

  app.get('/client/sign_ups/:sign_up_id', { schema: { params: Params } }, async (request, reply) => {
    const row = await getSignUp(deps, await findRequestClient(deps, request), request.params.sign_up_id);
    return envelope(deps, request, reply, await view(row));
  });

  app.patch('/client/sign_ups/:sign_up_id', { schema: { params: Params, body: FieldsBody } }, async (request, reply) => {
    const input = signUpInput(request.body);
    const row = await updateSignUpFields(forRequest(deps, request), await openSignUp(request, request.params.sign_up_id), input);
    return envelope(deps, request, reply, await view(row));
  });

  app.post('/client/sign_ups/:sign_up_id/prepare_verification', { schema: { params: Params, body: PrepareBody } }, async (request, reply) => {
    const row = await prepareVerification(forRequest(deps, request), await openSignUp(request, request.params.sign_up_id), request.body);
    return envelope(deps, request, reply, await view(row));
  });

  app.post(
    '/client/sign_ups/:sign_up_id/attempt_verification',
    { schema: { params: Params, body: AttemptBody }, preHandler: rateLimited(deps, 'sign_up_attempt') },
    async (request, reply) => {
      const row = await attemptVerification(forRequest(deps, request), await openSignUp(request, request.params.sign_up_id), request.body);
      return envelope(deps, request, reply, await view(row));
    },
  );
}
