import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTotpSecret, timeStepAt, totpCode } from '../../src/mfa/totp.js';
import { assertError, call, fixedClock, uniqueEmail } from '../helper.js';
import { Browser, buildFrontendTestApp, createUserWithPassword, eventTypes, lastEmailedCode, PASSWORD, type FrontendTestApp } from './support.js';

// /v1/me: the signed-in user reading and changing themself, through the same services as the Backend
// API's /v1/users (same rules, same events), never touching what only the app may set.

/** A user signed in on a new browser; `later` is applied through the Backend API once signed in (a second factor). */
async function signedInUser(ctx: FrontendTestApp, body: Record<string, unknown> = {}, later?: Record<string, unknown>) {
  const user = await createUserWithPassword(ctx, body);
  const browser = new Browser(ctx);
  const sessionId = await browser.signIn(user.email);
  if (later) assert.equal((await call(ctx, 'PATCH', `/v1/users/${user.id}`, later)).status, 200);
  return { ...user, browser, sessionId };
}

test('/v1/me: read and update', async (t) => {
  const ctx = await buildFrontendTestApp(t);

  await t.test('signed out → 401 signed_out; another client\'s session id → 401 authentication_invalid', async () => {
    assertError(await new Browser(ctx).request('GET', '/v1/me'), 401, 'signed_out');
    const me = await signedInUser(ctx);
    const stranger = new Browser(ctx);
    await stranger.request('PUT', '/v1/client');
    stranger.sessionId = me.sessionId;
    assertError(await stranger.request('GET', '/v1/me'), 401, 'authentication_invalid');
  });

  await t.test('GET /v1/me → the user without private_metadata, with organization_memberships', async () => {
    const me = await signedInUser(ctx, { public_metadata: { plan: 'pro' }, private_metadata: { secret: 'x' } });
    const res = await me.browser.request('GET', '/v1/me');
    assert.equal(res.status, 200);
    assert.equal(res.body.response.id, me.id);
    assert.equal('private_metadata' in res.body.response, false);
    assert.deepEqual(res.body.response.public_metadata, { plan: 'pro' });
    assert.deepEqual(res.body.response.organization_memberships, []);
    assert.equal(res.body.client.sessions[0].user.id, me.id);
    // Without _clerk_session_id the client's last active session is meant.
    me.browser.sessionId = undefined;
    assert.equal((await me.browser.request('GET', '/v1/me')).body.response.id, me.id);
  });

  await t.test('PATCH /v1/me: unsafe_metadata (a JSON string, as clerk-js sends it), names when the instance has them', async (st) => {
    const me = await signedInUser(ctx);
    const res = await me.browser.request('PATCH', '/v1/me', { unsafe_metadata: { theme: 'dark' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.response.unsafe_metadata, { theme: 'dark' });
    assertError(await me.browser.request('PATCH', '/v1/me', { first_name: 'Ada' }), 422, 'form_param_unknown', 'first_name');
    await call(ctx, 'PATCH', '/v1/gatehouse/settings', { auth: { names: 'optional' } });
    st.after(() => call(ctx, 'PATCH', '/v1/gatehouse/settings', { auth: { names: 'off' } }));
    const named = await me.browser.request('PATCH', '/v1/me', { first_name: 'Ada', last_name: 'Lovelace' });
    assert.equal(named.body.response.first_name, 'Ada');
    const before = await eventTypes(ctx);
    const cleared = await me.browser.request('PATCH', '/v1/me', { last_name: null });
    assert.equal(cleared.body.response.last_name, null);
    assert.deepEqual((await eventTypes(ctx)).slice(before.length), ['user.updated']);
  });

  await t.test('PATCH /v1/me never sets public or private metadata, nor the password', async () => {
    const me = await signedInUser(ctx);
    assertError(await me.browser.request('PATCH', '/v1/me', { public_metadata: { role: 'admin' } }), 422, 'form_param_unknown', 'public_metadata');
    assertError(await me.browser.request('PATCH', '/v1/me', { private_metadata: { role: 'admin' } }), 422, 'form_param_unknown', 'private_metadata');
    assertError(await me.browser.request('PATCH', '/v1/me', { password: 'Another-Pass-123' }), 403, 'updating_user_password_deprecated');
    const user = await call(ctx, 'GET', `/v1/users/${me.id}`);
    assert.deepEqual(user.body.public_metadata, {});
    assert.deepEqual(user.body.private_metadata, {});
  });

  await t.test('change_password: the current one is checked; sign_out_of_other_sessions keeps this session only', async (st) => {
    await call(ctx, 'PATCH', '/v1/gatehouse/settings', { auth: { single_session_mode: false } });
    st.after(() => call(ctx, 'PATCH', '/v1/gatehouse/settings', { auth: { single_session_mode: true } }));
    const me = await signedInUser(ctx);
    const other = new Browser(ctx);
    const otherSession = await other.signIn(me.email);
    const path = '/v1/me/change_password';
    assertError(await me.browser.request('POST', path, { current_password: 'Wrong-Pass-000', new_password: 'Brand-New-Pass-321' }), 422, 'form_password_incorrect', 'current_password');
    assertError(await me.browser.request('POST', path, { current_password: PASSWORD, new_password: 'short' }), 422, 'form_password_length_too_short', 'password');
    const res = await me.browser.request('POST', path, { current_password: PASSWORD, new_password: 'Brand-New-Pass-321', sign_out_of_other_sessions: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((await call(ctx, 'POST', `/v1/users/${me.id}/verify_password`, { password: 'Brand-New-Pass-321' })).status, 200);
    assert.equal((await call(ctx, 'GET', `/v1/sessions/${otherSession}`)).body.status, 'revoked');
    assert.equal((await call(ctx, 'GET', `/v1/sessions/${me.sessionId}`)).body.status, 'active');
    assert.equal((await me.browser.request('GET', '/v1/me')).status, 200);
  });

  await t.test('remove_password: with the current password, when email codes can sign in', async () => {
    const me = await signedInUser(ctx);
    assertError(await me.browser.request('POST', '/v1/me/remove_password', { current_password: 'nope' }), 422, 'form_password_incorrect');
    const res = await me.browser.request('POST', '/v1/me/remove_password', { current_password: PASSWORD });
    assert.equal(res.body.response.password_enabled, false);
    assertError(await me.browser.request('POST', '/v1/me/remove_password', {}), 400, 'no_password_set');
  });

  await t.test('DELETE /v1/me: 403 when self-deletion is off for the user; otherwise the user is deleted (user.deleted)', async () => {
    const me = await signedInUser(ctx);
    assert.equal((await call(ctx, 'PATCH', `/v1/users/${me.id}`, { delete_self_enabled: false })).status, 200);
    assertError(await me.browser.request('DELETE', '/v1/me'), 403, 'user_delete_self_not_enabled');
    assert.equal((await call(ctx, 'PATCH', `/v1/users/${me.id}`, { delete_self_enabled: true })).status, 200);
    const before = await eventTypes(ctx);
    const res = await me.browser.request('DELETE', '/v1/me');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.response, { object: 'user', id: me.id, deleted: true });
    assert.deepEqual(res.body.client.sessions, []);
    assert.deepEqual((await eventTypes(ctx)).slice(before.length), ['session.removed', 'user.deleted']);
    assert.equal((await call(ctx, 'GET', `/v1/users/${me.id}`)).status, 404);
  });
});

test('/v1/me/email_addresses: add, verify by code, delete', async (t) => {
  const ctx = await buildFrontendTestApp(t);

  await t.test('add (unverified) → prepare (a code by email) → attempt → verified; then it can be the primary', async () => {
    const me = await signedInUser(ctx);
    const address = uniqueEmail('second');
    // clerk-js posts to the collection with a trailing slash.
    const added = await me.browser.request('POST', '/v1/me/email_addresses/', { email_address: address });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    const email = added.body.response;
    assert.equal(email.object, 'email_address');
    assert.equal(email.verification, null);
    const prepared = await me.browser.request('POST', `/v1/me/email_addresses/${email.id}/prepare_verification`, { strategy: 'email_code' });
    assert.deepEqual({ ...prepared.body.response.verification, expire_at: 0 }, { status: 'unverified', strategy: 'email_code', attempts: 0, expire_at: 0 });
    const code = await lastEmailedCode(ctx, address);
    const wrong = code === '000000' ? '111111' : '000000';
    assertError(await me.browser.request('POST', `/v1/me/email_addresses/${email.id}/attempt_verification`, { code: wrong }), 422, 'form_code_incorrect', 'code');
    const ok = await me.browser.request('POST', `/v1/me/email_addresses/${email.id}/attempt_verification`, { code });
    assert.equal(ok.body.response.verification.status, 'verified');
    assertError(await me.browser.request('POST', `/v1/me/email_addresses/${email.id}/prepare_verification`, { strategy: 'email_code' }), 400, 'verification_already_verified');
    const primary = await me.browser.request('PATCH', '/v1/me', { primary_email_address_id: email.id });
    assert.equal(primary.body.response.primary_email_address_id, email.id);
    const list = await me.browser.request('GET', '/v1/me/email_addresses');
    assert.equal(list.body.response.length, 2);
  });

  await t.test('an unverified address cannot be the primary; a taken one → 422; another user\'s → 404', async () => {
    const me = await signedInUser(ctx);
    const pending = (await me.browser.request('POST', '/v1/me/email_addresses', { email_address: uniqueEmail() })).body.response;
    assertError(await me.browser.request('PATCH', '/v1/me', { primary_email_address_id: pending.id }), 422, 'form_verification_needed');
    const someone = await createUserWithPassword(ctx);
    assertError(await me.browser.request('POST', '/v1/me/email_addresses', { email_address: someone.email }), 422, 'form_identifier_exists', 'email_address');
    assertError(await me.browser.request('POST', '/v1/me/email_addresses', { email_address: 'nope' }), 422, 'form_param_format_invalid', 'email_address');
    const theirs = someone.user.email_addresses[0].id;
    assertError(await me.browser.request('GET', `/v1/me/email_addresses/${theirs}`), 404, 'resource_not_found');
    assertError(await me.browser.request('DELETE', `/v1/me/email_addresses/${theirs}`), 404, 'resource_not_found');
    assert.equal((await call(ctx, 'GET', `/v1/users/${someone.id}`)).body.email_addresses.length, 1);
  });

  await t.test('delete: another address goes; the last one cannot (400 identification_deletion_failed)', async () => {
    const me = await signedInUser(ctx);
    const extra = (await me.browser.request('POST', '/v1/me/email_addresses', { email_address: uniqueEmail() })).body.response;
    const deleted = await me.browser.request('DELETE', `/v1/me/email_addresses/${extra.id}`);
    assert.deepEqual(deleted.body.response, { object: 'email_address', id: extra.id, deleted: true });
    const only = me.user.email_addresses[0].id;
    assertError(await me.browser.request('DELETE', `/v1/me/email_addresses/${only}`), 400, 'identification_deletion_failed');
  });
});

test('/v1/me/totp and /v1/me/backup_codes: enrolment, then required at sign-in', async (t) => {
  const clock = fixedClock(Date.now());
  const ctx = await buildFrontendTestApp(t, { clock });

  await t.test('POST /v1/me/totp → a secret and an otpauth URI; a code from it turns TOTP on, with backup codes shown once', async () => {
    const me = await signedInUser(ctx);
    const started = await me.browser.request('POST', '/v1/me/totp');
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const totp = started.body.response;
    assert.equal(totp.object, 'totp');
    assert.equal(totp.verified, false);
    assert.match(totp.secret, /^[A-Z2-7]{32}$/);
    assert.match(totp.uri, new RegExp(`^otpauth://totp/Gatehouse:${encodeURIComponent(me.email)}\\?.*secret=${totp.secret}`));
    assert.equal((await call(ctx, 'GET', `/v1/users/${me.id}`)).body.totp_enabled, false, 'not on until verified');
    const secret = parseTotpSecret(totp.secret);
    assertError(await me.browser.request('POST', '/v1/me/totp/attempt_verification', { code: totpCode(secret, timeStepAt(clock.now()) + 5) }), 422, 'form_code_incorrect', 'code');
    const verified = await me.browser.request('POST', '/v1/me/totp/attempt_verification', { code: totpCode(secret, timeStepAt(clock.now())) });
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    assert.equal(verified.body.response.verified, true);
    assert.equal(verified.body.response.backup_codes.length, 10);
    assert.equal('secret' in verified.body.response, false, 'the secret is shown once');
    const user = (await call(ctx, 'GET', `/v1/users/${me.id}`)).body;
    assert.equal(user.totp_enabled, true);
    assert.equal(user.backup_code_enabled, true);
    assert.equal(user.two_factor_enabled, true);
    assertError(await me.browser.request('POST', '/v1/me/totp'), 400, 'totp_already_enabled');
    // The next sign-in needs it; a backup code from the set works.
    const browser = new Browser(ctx);
    const signIn = (await browser.request('POST', '/v1/client/sign_ins', { identifier: me.email, password: PASSWORD, strategy: 'password' })).body.response;
    assert.equal(signIn.status, 'needs_second_factor');
    const done = await browser.request('POST', `/v1/client/sign_ins/${signIn.id}/attempt_second_factor`, { strategy: 'backup_code', code: verified.body.response.backup_codes[0] });
    assert.equal(done.body.response.status, 'complete');
  });

  await t.test('POST /v1/me/backup_codes: needs TOTP (400 backup_codes_not_available); then a fresh set replaces the old', async () => {
    const plain = await signedInUser(ctx);
    assertError(await plain.browser.request('POST', '/v1/me/backup_codes/'), 400, 'backup_codes_not_available');
    const me = await signedInUser(ctx, {}, { totp_secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', backup_codes: ['old-code-1'] });
    const res = await me.browser.request('POST', '/v1/me/backup_codes/');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.response.object, 'backup_code');
    assert.equal(res.body.response.codes.length, 10);
    assertError(await call(ctx, 'POST', `/v1/users/${me.id}/verify_totp`, { code: 'old-code-1' }), 422, 'totp_incorrect_code');
    assert.equal((await call(ctx, 'POST', `/v1/users/${me.id}/verify_totp`, { code: res.body.response.codes[3] })).body.code_type, 'backup_code');
  });

  await t.test('DELETE /v1/me/totp turns TOTP off', async () => {
    const me = await signedInUser(ctx, {}, { totp_secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' });
    const res = await me.browser.request('DELETE', '/v1/me/totp');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.response.deleted, true);
    assert.equal((await call(ctx, 'GET', `/v1/users/${me.id}`)).body.totp_enabled, false);
    assertError(await me.browser.request('DELETE', '/v1/me/totp'), 400, 'totp_disabled');
  });
});

test('/v1/me/sessions: the user\'s devices, and revoking one', async (t) => {
  const ctx = await buildFrontendTestApp(t);
  const me = await signedInUser(ctx);
  const laptop = new Browser(ctx);
  const laptopSession = await laptop.signIn(me.email);

  await t.test('GET /v1/me/sessions/active → a bare array of the user\'s active sessions with their latest activity', async () => {
    const res = await me.browser.request('GET', '/v1/me/sessions/active');
    assert.equal(res.status, 200);
    assert.ok(Array.isArray(res.body));
    assert.deepEqual(new Set(res.body.map((s: { id: string }) => s.id)), new Set([me.sessionId, laptopSession]));
    for (const s of res.body) {
      assert.equal(s.user, null);
      assert.equal(s.latest_activity.object, 'session_activity');
      assert.equal(s.latest_activity.ip_address, '127.0.0.1');
    }
  });

  await t.test('POST /v1/me/sessions/{id}/revoke → revoked (session.revoked); another user\'s session → 404', async () => {
    const before = await eventTypes(ctx);
    const res = await me.browser.request('POST', `/v1/me/sessions/${laptopSession}/revoke`);
    assert.equal(res.body.response.status, 'revoked');
    assert.deepEqual((await eventTypes(ctx)).slice(before.length), ['session.revoked']);
    assertError(await laptop.request('GET', '/v1/me'), 401, 'authentication_invalid');
    const stranger = await signedInUser(ctx);
    assertError(await me.browser.request('POST', `/v1/me/sessions/${stranger.sessionId}/revoke`), 404, 'resource_not_found');
    assert.equal((await call(ctx, 'GET', `/v1/sessions/${stranger.sessionId}`)).body.status, 'active');
  });
});
