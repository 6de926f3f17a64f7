import { Type } from '@sinclair/typebox';
import type { Deps } from '../../deps.js';
import { inTransaction } from '../../db/transaction.js';
import { ClerkError, paramError } from '../../http/clerk-error.js';
import type { FastifyTypebox } from '../../http/fastify.js';
import { deletedObject, Nullable } from '../../http/schemas.js';
import {
  addIdentification,
  deleteIdentification,
  getIdentification,
  identificationFormatErrors,
  updateIdentification,
  type IdentificationRow,
} from '../../identifications/service.js';
import { serializeEmailAddress } from '../../identifications/serialize.js';
import { forRequest } from '../../webhooks/events.js';
import { envelope } from '../client/envelope.js';
import { sendCode } from '../codes/send.js';
import { checkCode, pendingCode } from '../codes/service.js';
import { signedIn, type SignedIn } from './auth.js';

// /v1/me/email_addresses: the user adds an address (unverified), proves it with an emailed code, and
// may delete it. Adding, verifying and deleting go through identifications/service, as the Backend API's
// /v1/email_addresses do (same uniqueness, same last-identification rule, same user.updated events).

const Params = Type.Object({ email_id: Type.String({ maxLength: 128 }) });
const codeKey = (emailId: string) => `email_address:${emailId}`;

/** An address of this user, or 404 (another user's address is not found, not forbidden). */
async function ownAddress(deps: Deps, me: SignedIn, id: string): Promise<IdentificationRow> {
  const row = await getIdentification(deps, 'email_address', id);
  if (row.user_id !== me.user.id) throw new ClerkError('resource_not_found', { message: 'Resource not found', long_message: 'Resource not found' });
  return row;
}

/** Email JSON; an unverified address with a code on its way shows that verification (strategy email_code). */
async function view(deps: Deps, row: IdentificationRow) {
  const json = serializeEmailAddress({ ...row, email_address: row.value });
  if (row.verified) return json;
  const code = await pendingCode(deps, codeKey(row.id));
  return code ? { ...json, verification: { status: 'unverified', strategy: 'email_code', attempts: code.attempts, expire_at: code.expireAt } } : json;
}

export async function meEmailAddressRoutes(app: FastifyTypebox, deps: Deps) {
  app.get('/me/email_addresses', async (request, reply) => {
    const me = await signedIn(deps, request);
    const rows = me.user.email_addresses.map((e) => ({ ...e, user_id: me.user.id, value: e.email_address }));
    return envelope(deps, request, reply, await Promise.all(rows.map((row) => view(deps, row))));
  });

  app.post('/me/email_addresses', { schema: { body: Type.Object({ email_address: Type.String({ maxLength: 320 }) }) } }, async (request, reply) => {
    const me = await signedIn(deps, request);
    const value = request.body.email_address.trim();
    const problems = identificationFormatErrors('email_address', [value]);
    if (problems.length > 0) throw ClerkError.many(problems);
    const row = await addIdentification(forRequest(deps, request), 'email_address', me.user.id, { value, verified: false });
    return envelope(deps, request, reply, await view(deps, row));
  });

  app.get('/me/email_addresses/:email_id', { schema: { params: Params } }, async (request, reply) => {
    const me = await signedIn(deps, request);
    return envelope(deps, request, reply, await view(deps, await ownAddress(deps, me, request.params.email_id)));
  });

  app.post(
    '/me/email_addresses/:email_id/prepare_verification',
    { schema: { params: Params, body: Type.Object({ strategy: Type.String({ maxLength: 64 }) }) } },
    async (request, reply) => {
      const me = await signedIn(deps, request);
      const row = await ownAddress(deps, me, request.params.email_id);
      if (request.body.strategy !== 'email_code') throw paramError('verification_strategy_invalid', 'strategy');
      if (row.verified) throw new ClerkError('verification_already_verified');
      await inTransaction(deps.db, (db) =>
        sendCode({ ...forRequest(deps, request), db }, { key: codeKey(row.id), slug: 'verification_code', to: row.value, userId: me.user.id, emailAddressId: row.id }),
      );
      return envelope(deps, request, reply, await view(deps, row));
    },
  );

  app.post(
    '/me/email_addresses/:email_id/attempt_verification',
    { schema: { params: Params, body: Type.Object({ code: Nullable(Type.String({ maxLength: 128 })) }) } },
    async (request, reply) => {
      const me = await signedIn(deps, request);
      const row = await ownAddress(deps, me, request.params.email_id);
      if (row.verified) throw new ClerkError('verification_already_verified');
      if (!request.body.code) throw paramError('form_param_missing', 'code');
      const outcome = await checkCode(deps, codeKey(row.id), request.body.code);
      if (outcome.result === 'incorrect') throw paramError('form_code_incorrect', 'code');
      if (outcome.result === 'failed') throw new ClerkError('verification_failed');
      if (outcome.result === 'expired') throw new ClerkError('verification_expired');
      if (outcome.result === 'missing') throw new ClerkError('verification_missing');
      const verified = await updateIdentification(forRequest(deps, request), 'email_address', row.id, { verified: true });
      return envelope(deps, request, reply, await view(deps, verified));
    },
  );

  app.delete('/me/email_addresses/:email_id', { schema: { params: Params } }, async (request, reply) => {
    const me = await signedIn(deps, request);
    await deleteIdentification(forRequest(deps, request), 'email_address', request.params.email_id, me.user.id);
    return envelope(deps, request, reply, deletedObject('email_address', request.params.email_id));
  });
}
