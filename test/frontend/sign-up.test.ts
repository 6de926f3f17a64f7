import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { startEmailDelivery } from '../../src/email/delivery.js';
import { startSmtpServer } from '../email/smtp.js';
import { assertError, call, uniqueEmail } from '../helper.js';
import { Browser, buildFrontendTestApp, eventTypes, lastEmailedCode, PASSWORD, type FrontendTestApp } from './support.js';

// POST /v1/client/sign_ups and its steps, as clerk-js's <SignUp /> drives them: fields, an email code,
// then the user (made by the same service as POST /v1/users) and a session.

const silentLog = () => pino({ level: 'silent' });

async function setAuth(ctx: FrontendTestApp, auth: Record<string, unknown>) {
  const res = await call(ctx, 'PATCH', '/v1/gatehouse/settings', { auth });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

async function verifyEmail(ctx: FrontendTestApp, browser: Browser, signUpId: string, email: string) {
  const prepared = await browser.request('POST', `/v1/client/sign_ups/${signUpId}/prepare_verification`, { strategy: 'email_code' });
  assert.equal(prepared.status, 200, JSON.stringify(prepared.body));
  return browser.request('POST', `/v1/client/sign_ups/${signUpId}/attempt_verification`, { strategy: 'email_code', code: await lastEmailedCode(ctx, email) });
}

test('sign-up with an email address, a password and an email code', async (t) => {
  const ctx = await buildFrontendTestApp(t);

  await t.test('create → missing_requirements, the address unverified; no user yet', async () => {
    const email = uniqueEmail('signup');
    const browser = new Browser(ctx);
    const res = await browser.request('POST', '/v1/client/sign_ups', { email_address: email, password: PASSWORD });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const signUp = res.body.response;
    assert.match(signUp.id, /^sua_/);
    assert.equal(signUp.object, 'sign_up_attempt');
    assert.equal(signUp.status, 'missing_requirements');
    assert.deepEqual(signUp.required_fields, ['email_address', 'password']);
    assert.deepEqual(signUp.missing_fields, []);
    assert.deepEqual(signUp.unverified_fields, ['email_address']);
    assert.equal(signUp.email_address, email);
    assert.equal(signUp.password_enabled, true);
    assert.equal(signUp.has_password, true);
    assert.equal('password' in signUp || 'password_digest' in signUp, false, 'the password never comes back');
    assert.deepEqual(signUp.verifications.email_address, {
      status: 'unverified',
      strategy: null,
      attempts: null,
      expire_at: null,
      next_action: 'needs_prepare',
      supported_strategies: ['email_code'],
    });
    assert.deepEqual(res.body.client.sign_up, signUp);
    const users = await call(ctx, 'GET', `/v1/users?email_address=${encodeURIComponent(email)}`);
    assert.deepEqual(users.body, []);
  });

  await t.test('prepare → a verification_code email; a wrong code → 422; the right one → complete: the user, verified, and a session', async () => {
    const email = uniqueEmail('signup');
    const browser = new Browser(ctx);
    const created = await browser.request('POST', '/v1/client/sign_ups', { email_address: email, password: PASSWORD, unsafe_metadata: { plan: 'free' } });
    const id = created.body.response.id;
    const prepared = await browser.request('POST', `/v1/client/sign_ups/${id}/prepare_verification`, { strategy: 'email_code' });
    const verification = prepared.body.response.verifications.email_address;
    assert.equal(verification.strategy, 'email_code');
    assert.equal(verification.next_action, 'needs_attempt');
    assert.equal(verification.attempts, 0);
    const sent = await lastEmailedCode(ctx, email);
    const wrong = await browser.request('POST', `/v1/client/sign_ups/${id}/attempt_verification`, { strategy: 'email_code', code: sent === '000000' ? '111111' : '000000' });
    assertError(wrong, 422, 'form_code_incorrect', 'code');
    const before = await eventTypes(ctx);
    const done = await browser.request('POST', `/v1/client/sign_ups/${id}/attempt_verification`, { strategy: 'email_code', code: sent });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    const signUp = done.body.response;
    assert.equal(signUp.status, 'complete');
    assert.deepEqual(signUp.unverified_fields, []);
    assert.equal(signUp.verifications.email_address.status, 'verified');
    assert.equal(signUp.verifications.email_address.next_action, '');
    assert.match(signUp.created_user_id, /^user_/);
    assert.match(signUp.created_session_id, /^sess_/);
    assert.equal(done.body.client.sign_up, null);
    assert.equal(done.body.client.sessions[0].id, signUp.created_session_id);
    assert.deepEqual((await eventTypes(ctx)).slice(before.length), ['user.created', 'session.created']);
    const user = await call(ctx, 'GET', `/v1/users/${signUp.created_user_id}`);
    assert.equal(user.body.email_addresses[0].email_address, email);
    assert.equal(user.body.email_addresses[0].verification.status, 'verified');
    assert.equal(user.body.password_enabled, true);
    assert.deepEqual(user.body.unsafe_metadata, { plan: 'free' });
    assert.deepEqual(user.body.public_metadata, {});
    assert.equal((await call(ctx, 'POST', `/v1/users/${user.body.id}/verify_password`, { password: PASSWORD })).status, 200);
    // The new user signs in like anyone else.
    await new Browser(ctx).signIn(email);
  });

  await t.test('strategy=email_code on create sends the code at once', async () => {
    const email = uniqueEmail('signup');
    const browser = new Browser(ctx);
    const res = await browser.request('POST', '/v1/client/sign_ups', { email_address: email, password: PASSWORD, strategy: 'email_code' });
    assert.equal(res.body.response.verifications.email_address.next_action, 'needs_attempt');
    const done = await browser.request('POST', `/v1/client/sign_ups/${res.body.response.id}/attempt_verification`, {
      strategy: 'email_code',
      code: await lastEmailedCode(ctx, email),
    });
    assert.equal(done.body.response.status, 'complete');
  });

  await t.test('the password policy and breach check apply (422, naming password); a taken or malformed address → 422', async () => {
    const browser = new Browser(ctx);
    assertError(await browser.request('POST', '/v1/client/sign_ups', { email_address: uniqueEmail(), password: 'password' }), 422, 'form_password_pwned', 'password');
    assertError(await browser.request('POST', '/v1/client/sign_ups', { email_address: uniqueEmail(), password: 'short' }), 422, 'form_password_length_too_short', 'password');
    const taken = uniqueEmail('taken');
    assert.equal((await call(ctx, 'POST', '/v1/users', { email_address: [taken] })).status, 200);
    const exists = assertError(await browser.request('POST', '/v1/client/sign_ups', { email_address: taken.toUpperCase(), password: PASSWORD }), 422, 'form_identifier_exists', 'email_address');
    assert.equal(exists.message, 'That email address is taken. Please try another.');
    assertError(await browser.request('POST', '/v1/client/sign_ups', { email_address: 'not-an-email', password: PASSWORD }), 422, 'form_param_format_invalid', 'email_address');
    assertError(await browser.request('POST', '/v1/client/sign_ups', { email_address: uniqueEmail(), phone_number: '+15555550100' }), 422, 'form_param_unknown', 'phone_number');
    assertError(await browser.request('POST', '/v1/client/sign_ups', { email_address: uniqueEmail(), unsafe_metadata: '[1,2]' }), 422, 'form_param_value_invalid', 'unsafe_metadata');
  });

  await t.test('an address taken between create and verification → 422 form_identifier_exists, and no user', async () => {
    const email = uniqueEmail('race');
    const browser = new Browser(ctx);
    const created = await browser.request('POST', '/v1/client/sign_ups', { email_address: email, password: PASSWORD });
    assert.equal((await call(ctx, 'POST', '/v1/users', { email_address: [email] })).status, 200);
    const res = await verifyEmail(ctx, browser, created.body.response.id, email);
    assertError(res, 422, 'form_identifier_exists', 'email_address');
    const sessions = (await browser.request('GET', '/v1/client')).body.response.sessions;
    assert.deepEqual(sessions, []);
  });

  await t.test('PATCH completes a sign-up verified earlier once the missing field arrives (password given last)', async () => {
    const email = uniqueEmail('patch');
    const browser = new Browser(ctx);
    const created = await browser.request('POST', '/v1/client/sign_ups', { email_address: email });
    assert.deepEqual(created.body.response.missing_fields, ['password']);
    const verified = await verifyEmail(ctx, browser, created.body.response.id, email);
    assert.equal(verified.body.response.status, 'missing_requirements');
    assert.deepEqual(verified.body.response.unverified_fields, []);
    const done = await browser.request('PATCH', `/v1/client/sign_ups/${created.body.response.id}`, { password: PASSWORD });
    assert.equal(done.body.response.status, 'complete', JSON.stringify(done.body.response));
    // A different address afterwards needs verifying again (on a new sign-up: this one is complete).
    assertError(await browser.request('PATCH', `/v1/client/sign_ups/${created.body.response.id}`, { first_name: 'X' }), 400, 'client_state_invalid');
  });

  await t.test('changing the address drops its verification', async () => {
    const first = uniqueEmail('first');
    const browser = new Browser(ctx);
    const created = await browser.request('POST', '/v1/client/sign_ups', { email_address: first });
    const id = created.body.response.id;
    await browser.request('POST', `/v1/client/sign_ups/${id}/prepare_verification`, { strategy: 'email_code' });
    const code = await lastEmailedCode(ctx, first);
    const second = uniqueEmail('second');
    const changed = await browser.request('PATCH', `/v1/client/sign_ups/${id}`, { email_address: second });
    assert.equal(changed.body.response.verifications.email_address.next_action, 'needs_prepare');
    assertError(await browser.request('POST', `/v1/client/sign_ups/${id}/attempt_verification`, { strategy: 'email_code', code }), 400, 'verification_missing');
  });

  await t.test('another client\'s sign-up → 404', async () => {
    const created = await new Browser(ctx).request('POST', '/v1/client/sign_ups', { email_address: uniqueEmail() });
    assertError(await new Browser(ctx).request('GET', `/v1/client/sign_ups/${created.body.response.id}`), 404, 'resource_not_found');
  });
});

test('sign-up under the instance\'s settings: legal consent, username, names, restricted mode', async (t) => {
  const ctx = await buildFrontendTestApp(t);

  await t.test('legal consent: missing until legal_accepted=true; the user keeps legal_accepted_at', async (st) => {
    await setAuth(ctx, { legal_consent_enabled: true });
    st.after(() => setAuth(ctx, { legal_consent_enabled: false }));
    const email = uniqueEmail('legal');
    const browser = new Browser(ctx);
    const created = await browser.request('POST', '/v1/client/sign_ups', { email_address: email, password: PASSWORD });
    assert.deepEqual(created.body.response.required_fields, ['email_address', 'legal_accepted', 'password']);
    assert.deepEqual(created.body.response.missing_fields, ['legal_accepted']);
    const verified = await verifyEmail(ctx, browser, created.body.response.id, email);
    assert.equal(verified.body.response.status, 'missing_requirements');
    const done = await browser.request('PATCH', `/v1/client/sign_ups/${created.body.response.id}`, { legal_accepted: true });
    assert.equal(done.body.response.status, 'complete');
    assert.ok(done.body.response.legal_accepted_at > 0);
    const user = await call(ctx, 'GET', `/v1/users/${done.body.response.created_user_id}`);
    assert.equal(user.body.legal_accepted_at, done.body.response.legal_accepted_at);
  });

  await t.test('username and names required: missing until given; a taken username → 422', async (st) => {
    await setAuth(ctx, { username: 'required', names: 'required' });
    st.after(() => setAuth(ctx, { username: 'off', names: 'off' }));
    const email = uniqueEmail('named');
    const browser = new Browser(ctx);
    const created = await browser.request('POST', '/v1/client/sign_ups', { email_address: email, password: PASSWORD });
    assert.deepEqual(created.body.response.missing_fields, ['first_name', 'last_name', 'username']);
    await verifyEmail(ctx, browser, created.body.response.id, email);
    const taken = `taken_${Date.now().toString(36)}`;
    assert.equal((await call(ctx, 'POST', '/v1/users', { email_address: [uniqueEmail()], username: taken })).status, 200);
    assertError(await browser.request('PATCH', `/v1/client/sign_ups/${created.body.response.id}`, { username: taken }), 422, 'form_identifier_exists', 'username');
    assertError(await browser.request('PATCH', `/v1/client/sign_ups/${created.body.response.id}`, { username: 'a!' }), 422, 'form_username_invalid_length', 'username');
    const done = await browser.request('PATCH', `/v1/client/sign_ups/${created.body.response.id}`, { username: `new_${Date.now().toString(36)}`, first_name: 'Ada', last_name: 'Lovelace' });
    assert.equal(done.body.response.status, 'complete', JSON.stringify(done.body.response));
    const user = await call(ctx, 'GET', `/v1/users/${done.body.response.created_user_id}`);
    assert.equal(user.body.first_name, 'Ada');
    assert.equal(user.body.last_name, 'Lovelace');
  });

  await t.test('fields the instance does not ask for → 422 form_param_unknown', async () => {
    assertError(await new Browser(ctx).request('POST', '/v1/client/sign_ups', { email_address: uniqueEmail(), username: 'someone' }), 422, 'form_param_unknown', 'username');
    assertError(await new Browser(ctx).request('POST', '/v1/client/sign_ups', { email_address: uniqueEmail(), first_name: 'Ada' }), 422, 'form_param_unknown', 'first_name');
  });

  await t.test('restricted mode → 403 sign_up_mode_restricted; single-session mode and a session → 400 session_exists', async (st) => {
    await setAuth(ctx, { sign_up_mode: 'restricted' });
    st.after(() => setAuth(ctx, { sign_up_mode: 'public' }));
    assertError(await new Browser(ctx).request('POST', '/v1/client/sign_ups', { email_address: uniqueEmail() }), 403, 'sign_up_mode_restricted');
    await setAuth(ctx, { sign_up_mode: 'public' });
    const email = uniqueEmail('single');
    assert.equal((await call(ctx, 'POST', '/v1/users', { email_address: [email], password: PASSWORD })).status, 200);
    const browser = new Browser(ctx);
    await browser.signIn(email);
    assertError(await browser.request('POST', '/v1/client/sign_ups', { email_address: uniqueEmail() }), 400, 'session_exists');
  });
});

test('sign-up with the code read from a real SMTP server (SMTP_URL)', async (t) => {
  const smtp = await startSmtpServer(t);
  const ctx = await buildFrontendTestApp(t, { env: { SMTP_URL: smtp.url } });
  const delivery = await startEmailDelivery({ db: ctx.deps.db, clock: ctx.deps.clock, smtpUrl: smtp.url }, silentLog(), { pollIntervalMs: 50 });
  t.after(() => delivery.stop());
  const email = uniqueEmail('smtp');
  const browser = new Browser(ctx);
  const created = await browser.request('POST', '/v1/client/sign_ups', { email_address: email, password: PASSWORD });
  await browser.request('POST', `/v1/client/sign_ups/${created.body.response.id}/prepare_verification`, { strategy: 'email_code' });
  const [message] = await smtp.waitFor(1);
  assert.deepEqual(message!.to, [email]);
  const code = /\b(\d{6})\b/.exec(message!.text)?.[1];
  assert.ok(code, message!.text);
  const done = await browser.request('POST', `/v1/client/sign_ups/${created.body.response.id}/attempt_verification`, { strategy: 'email_code', code });
  assert.equal(done.body.response.status, 'complete');
});
