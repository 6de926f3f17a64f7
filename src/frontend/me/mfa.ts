import { Type } from '@sinclair/typebox';
import type { Deps } from '../../deps.js';
import { ClerkError } from '../../http/clerk-error.js';
import type { FastifyTypebox } from '../../http/fastify.js';
import { deletedObject } from '../../http/schemas.js';
import { readSettings } from '../../instance/settings.js';
import { confirmTotpEnrollment, regenerateBackupCodes, startTotpEnrollment } from '../../mfa/enrollment.js';
import { disableMfa } from '../../mfa/service.js';
import { forRequest } from '../../webhooks/events.js';
import { envelope } from '../client/envelope.js';
import { signedIn, type SignedIn } from './auth.js';

// /v1/me/totp and /v1/me/backup_codes: the user turns on their own second factors. Secrets and codes are
// shown once, in these responses, and never again.

/** The TOTP object's id: one authenticator per user, so it is named after the user. */
const totpId = (userId: string) => `totp_${userId.replace(/^user_/, '')}`;

/** The otpauth:// URI authenticator apps scan (Key Uri Format: issuer, account, secret, SHA1/6 digits/30 s). */
function otpauthUri(issuer: string, me: SignedIn, secret: string): string {
  const account = me.user.email_addresses.find((e) => e.id === me.user.primary_email_address_id)?.email_address ?? me.user.username ?? me.user.id;
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({ algorithm: 'SHA1', digits: '6', issuer, period: '30', secret });
  return `otpauth://totp/${label}?${query}`;
}

export async function meMfaRoutes(app: FastifyTypebox, deps: Deps) {
  const allowed = async (what: 'totp' | 'backup_code') => {
    const { auth } = await readSettings(deps.db);
    if (!auth[what]) throw new ClerkError('resource_not_found', { long_message: `${what === 'totp' ? 'TOTP' : 'Backup codes'} are not enabled for this instance.` });
    return auth;
  };

  app.post('/me/totp', async (request, reply) => {
    const auth = await allowed('totp');
    const me = await signedIn(deps, request);
    const { secret } = await startTotpEnrollment(forRequest(deps, request), me.user.id);
    const now = deps.clock.now();
    return envelope(deps, request, reply, {
      object: 'totp',
      id: totpId(me.user.id),
      secret,
      uri: otpauthUri(auth.application_name, me, secret),
      verified: false,
      backup_codes: null,
      created_at: now,
      updated_at: now,
    });
  });

  app.post('/me/totp/attempt_verification', { schema: { body: Type.Object({ code: Type.String({ maxLength: 32 }) }) } }, async (request, reply) => {
    const auth = await allowed('totp');
    const me = await signedIn(deps, request);
    const { backupCodes } = await confirmTotpEnrollment(forRequest(deps, request), me.user.id, request.body.code, { withBackupCodes: auth.backup_code });
    const now = deps.clock.now();
    return envelope(deps, request, reply, {
      object: 'totp',
      id: totpId(me.user.id),
      verified: true,
      backup_codes: backupCodes ?? null,
      created_at: now,
      updated_at: now,
    });
  });

  app.delete('/me/totp', async (request, reply) => {
    const me = await signedIn(deps, request);
    if (me.user.totp_secret === null) throw new ClerkError('totp_disabled');
    await disableMfa(forRequest(deps, request), me.user.id, 'totp');
    return envelope(deps, request, reply, deletedObject('totp', totpId(me.user.id)));
  });

  app.post('/me/backup_codes', async (request, reply) => {
    await allowed('backup_code');
    const me = await signedIn(deps, request);
    const codes = await regenerateBackupCodes(forRequest(deps, request), me.user.id);
    const now = deps.clock.now();
    return envelope(deps, request, reply, { object: 'backup_code', id: `bcode_${me.user.id.replace(/^user_/, '')}`, codes, created_at: now, updated_at: now });
  });
}
