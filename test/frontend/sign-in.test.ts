import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTotpSecret, timeStepAt, totpCode } from '../../src/mfa/totp.js';
import { assertError, call, fixedClock, uniqueEmail } from '../helper.js';
import { Browser, buildFrontendTestApp, createUserWithPassword, eventTypes, lastEmailedCode, PASSWORD, type FrontendTestApp } from './support.js';

// POST /v1/client/sign_ins and its steps, as clerk-js's <SignIn /> drives them. Verification goes through
// the Backend API's services: the same lockout counter, the same TOTP replay protection.

const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const code = (nowMs: number, step = 0) => totpCode(parseTotpSecret(TOTP_SECRET), timeStepAt(nowMs) + step);

async function startSignIn(browser: Browser, identifier: string) {
  const res = await browser.request('POST', '/v1/client/sign_ins', { identifier });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.response as { id: string; status: string; supported_first_factors: { strategy: string; email_address_id?: string }[] };
}

async function setSettings(ctx: FrontendTestApp, body: Record<string, unknown>) {
  const res = await call(ctx, 'PATCH', '/v1/gatehouse/settings', body);
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

test('sign-in with a password', async (t) => {
  const ctx = await buildFrontendTestApp(t);

  await t.test('identifier → needs_first_factor with the user\'s factors; the client (and its cookie) exist now', async () => {
    const user = await createUserWithPassword(ctx);
    const browser = new Browser(ctx);
    const res = await browser.request('POST', '/v1/client/sign_ins', { identifier: user.email.toUpperCase() });
    assert.equal(res.status, 200);
    const signIn = res.body.response;
    assert.match(signIn.id, /^sia_/);
    assert.equal(signIn.object, 'sign_in_attempt');
    assert.equal(signIn.status, 'needs_first_factor');
    assert.deepEqual(signIn.supported_identifiers, ['email_address']);
    const emailId = user.user.email_addresses[0].id;
    assert.deepEqual(signIn.supported_first_factors, [
      { strategy: 'password' },
      { strategy: 'email_code', safe_identifier: user.email, email_address_id: emailId, primary: true },
      { strategy: 'reset_password_email_code', safe_identifier: user.email, email_address_id: emailId, primary: true },
    ]);
    assert.equal(signIn.supported_second_factors, null);
    assert.equal(signIn.first_factor_verification, null);
    assert.equal(signIn.created_session_id, null);
    assert.ok(signIn.abandon_at > Date.now());
    assert.deepEqual(res.body.client.sign_in, signIn, 'the client shows the sign-in in progress');
    assert.ok(browser.cookies.get('__client'));
    // The sign-in can be read back by its client, not by another.
    const again = await browser.request('GET', `/v1/client/sign_ins/${signIn.id}`);
    assert.equal(again.body.response.id, signIn.id);
    assertError(await new Browser(ctx).request('GET', `/v1/client/sign_ins/${signIn.id}`), 404, 'resource_not_found');
  });

  await t.test('an identifier nobody has → 422 form_identifier_not_found on identifier; an unverified address is nobody\'s', async () => {
    const browser = new Browser(ctx);
    const res = await browser.request('POST', '/v1/client/sign_ins', { identifier: uniqueEmail('nobody') });
    const error = assertError(res, 422, 'form_identifier_not_found', 'identifier');
    assert.equal(error.message, "Couldn't find your account.");
    const user = await createUserWithPassword(ctx);
    const unverified = uniqueEmail('unverified');
    assert.equal((await call(ctx, 'POST', '/v1/email_addresses', { user_id: user.id, email_address: unverified, verified: false })).status, 200);
    assertError(await browser.request('POST', '/v1/client/sign_ins', { identifier: unverified }), 422, 'form_identifier_not_found', 'identifier');
  });

  await t.test('no identifier → needs_identifier; an unsupported strategy → 422 on strategy', async () => {
    const browser = new Browser(ctx);
    const res = await browser.request('POST', '/v1/client/sign_ins', {});
    assert.equal(res.body.response.status, 'needs_identifier');
    assert.deepEqual(res.body.response.supported_first_factors, []);
    assertError(await browser.request('POST', '/v1/client/sign_ins', { strategy: 'oauth_google', redirect_url: 'https://x' }), 422, 'form_param_value_invalid', 'strategy');
    assertError(await browser.request('POST', '/v1/client/sign_ins', { strategy: 'password', password: PASSWORD }), 422, 'form_param_missing', 'identifier');
  });

  await t.test('attempt_first_factor: a wrong password → 422 form_password_incorrect; the right one → complete with a session', async () => {
    const user = await createUserWithPassword(ctx);
    const browser = new Browser(ctx);
    const signIn = await startSignIn(browser, user.email);
    const path = `/v1/client/sign_ins/${signIn.id}/attempt_first_factor`;
    const wrong = await browser.request('POST', path, { strategy: 'password', password: 'Wrong-Password-99' });
    const error = assertError(wrong, 422, 'form_password_incorrect', 'password');
    assert.equal(error.message, 'Password is incorrect. Try again, or use another method.');
    const before = await eventTypes(ctx);
    const right = await browser.request('POST', path, { strategy: 'password', password: PASSWORD });
    assert.equal(right.status, 200);
    const done = right.body.response;
    assert.equal(done.status, 'complete');
    assert.deepEqual(done.first_factor_verification, { status: 'verified', strategy: 'password', attempts: 1, expire_at: null });
    assert.match(done.created_session_id, /^sess_/);
    assert.equal(done.supported_first_factors, null);
    const client = right.body.client;
    assert.equal(client.sign_in, null, 'a completed sign-in is no longer on the client');
    assert.equal(client.last_active_session_id, done.created_session_id);
    assert.equal(client.sessions.length, 1);
    assert.equal(client.sessions[0].id, done.created_session_id);
    assert.equal(client.sessions[0].status, 'active');
    assert.equal(client.sessions[0].user.id, user.id);
    assert.equal('private_metadata' in client.sessions[0].user, false);
    assert.deepEqual(client.sessions[0].factor_verification_age, [0, -1]);
    assert.equal(client.sessions[0].last_active_token.object, 'token');
    assert.deepEqual((await eventTypes(ctx)).slice(before.length), ['session.created']);
    // The Backend API sees the same session, on this client.
    const session = await call(ctx, 'GET', `/v1/sessions/${done.created_session_id}`);
    assert.equal(session.body.client_id, client.id);
    assert.equal(session.body.user_id, user.id);
    // It is finished: another attempt is refused.
    assertError(await browser.request('POST', path, { strategy: 'password', password: PASSWORD }), 400, 'client_state_invalid');
  });

  await t.test('identifier, password and strategy=password in one request (clerk-js\'s "instant password") → complete', async () => {
    const user = await createUserWithPassword(ctx);
    const browser = new Browser(ctx);
    const sessionId = await browser.signIn(user.email);
    assert.match(sessionId, /^sess_/);
    const wrong = await new Browser(ctx).request('POST', '/v1/client/sign_ins', { identifier: user.email, password: 'nope-nope-nope', strategy: 'password' });
    assertError(wrong, 422, 'form_password_incorrect', 'password');
  });

  await t.test('a user without a password has no password factor: strategy=password → 400 strategy_for_user_invalid', async () => {
    const email = uniqueEmail('nopass');
    assert.equal((await call(ctx, 'POST', '/v1/users', { email_address: [email] })).status, 200);
    const browser = new Browser(ctx);
    const signIn = await startSignIn(browser, email);
    assert.deepEqual(signIn.supported_first_factors.map((f) => f.strategy), ['email_code']);
    const res = await browser.request('POST', `/v1/client/sign_ins/${signIn.id}/attempt_first_factor`, { strategy: 'password', password: PASSWORD });
    assertError(res, 400, 'strategy_for_user_invalid');
  });

  await t.test('a banned user → 403 user_banned', async () => {
    const user = await createUserWithPassword(ctx);
    assert.equal((await call(ctx, 'POST', `/v1/users/${user.id}/ban`)).status, 200);
    const res = await new Browser(ctx).request('POST', '/v1/client/sign_ins', { identifier: user.email, password: PASSWORD, strategy: 'password' });
    assertError(res, 403, 'user_banned');
  });

  await t.test('single-session mode (the default): a client already signed in → 400 session_exists', async () => {
    const user = await createUserWithPassword(ctx);
    const other = await createUserWithPassword(ctx);
    const browser = new Browser(ctx);
    await browser.signIn(user.email);
    assertError(await browser.request('POST', '/v1/client/sign_ins', { identifier: other.email }), 400, 'session_exists');
  });

  await t.test('multi-session mode: a second user signs in beside the first; the same user again → identifier_already_signed_in', async (st) => {
    await setSettings(ctx, { auth: { single_session_mode: false } });
    st.after(() => setSettings(ctx, { auth: { single_session_mode: true } }));
    const first = await createUserWithPassword(ctx);
    const second = await createUserWithPassword(ctx);
    const browser = new Browser(ctx);
    const firstSession = await browser.signIn(first.email);
    const secondSession = await browser.signIn(second.email);
    const client = (await browser.request('GET', '/v1/client')).body.response;
    assert.deepEqual(new Set(client.sessions.map((s: { id: string }) => s.id)), new Set([firstSession, secondSession]));
    assert.equal(client.last_active_session_id, secondSession);
    const again = await browser.request('POST', '/v1/client/sign_ins', { identifier: first.email });
    const error = assertError(again, 400, 'identifier_already_signed_in');
    assert.deepEqual(error.meta, { session_id: firstSession });
  });

  await t.test('usernames sign in when the instance uses them', async (st) => {
    const username = `fapi_${Date.now().toString(36)}`;
    const user = await createUserWithPassword(ctx, { username });
    assertError(await new Browser(ctx).request('POST', '/v1/client/sign_ins', { identifier: username }), 422, 'form_identifier_not_found');
    await setSettings(ctx, { auth: { username: 'optional' } });
    st.after(() => setSettings(ctx, { auth: { username: 'off' } }));
    const signIn = await startSignIn(new Browser(ctx), username.toUpperCase());
    assert.equal(signIn.status, 'needs_first_factor');
    assert.equal((await new Browser(ctx).signIn(username)).length > 0, true);
    assert.ok(user.id);
  });

  await t.test('a verified phone number signs in when the instance uses phone numbers; an unverified one never', async (st) => {
    const phone = `+1555${String(Date.now() % 10_000_000).padStart(7, '0')}`;
    const user = await createUserWithPassword(ctx, { phone_number: [phone] });
    assertError(await new Browser(ctx).request('POST', '/v1/client/sign_ins', { identifier: phone }), 422, 'form_identifier_not_found');
    await setSettings(ctx, { auth: { phone_number_sign_in: true } });
    st.after(() => setSettings(ctx, { auth: { phone_number_sign_in: false } }));

    const environment = (await new Browser(ctx).request('GET', '/v1/environment')).body;
    assert.equal(environment.user_settings.attributes.phone_number.used_for_first_factor, true);
    const typed = `${phone.slice(0, 2)} (${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`;
    const started = await new Browser(ctx).request('POST', '/v1/client/sign_ins', { identifier: typed });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.equal(started.body.response.status, 'needs_first_factor');
    assert.ok(started.body.response.supported_identifiers.includes('phone_number'));
    const browser = new Browser(ctx);
    const sessionId = await browser.signIn(phone);
    const session = await call(ctx, 'GET', `/v1/sessions/${sessionId}`);
    assert.equal(session.body.user_id, user.id);

    // The same password check as for an email: a wrong password is refused and counted.
    const wrong = await new Browser(ctx).request('POST', '/v1/client/sign_ins', { identifier: phone, strategy: 'password', password: 'not-the-password' });
    assertError(wrong, 422, 'form_password_incorrect');
    const after = await call(ctx, 'GET', `/v1/users/${user.id}`);
    assert.equal(after.body.verification_attempts_remaining, user.user.verification_attempts_remaining - 1);

    const numberId = user.user.phone_numbers[0].id as string;
    assert.equal((await call(ctx, 'PATCH', `/v1/phone_numbers/${numberId}`, { verified: false })).status, 200);
    assertError(await new Browser(ctx).request('POST', '/v1/client/sign_ins', { identifier: phone }), 422, 'form_identifier_not_found');
  });

  await t.test('concurrent correct attempts on one sign-in open one session', async () => {
    const user = await createUserWithPassword(ctx);
    const browser = new Browser(ctx);
    const signIn = await startSignIn(browser, user.email);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => browser.request('POST', `/v1/client/sign_ins/${signIn.id}/attempt_first_factor`, { strategy: 'password', password: PASSWORD })),
    );
    assert.equal(results.filter((r) => r.status === 200).length, 1, JSON.stringify(results.map((r) => r.status)));
    for (const r of results.filter((r) => r.status !== 200)) assertError(r, 400, 'client_state_invalid');
    const sessions = await call(ctx, 'GET', `/v1/sessions?user_id=${user.id}`);
    assert.equal(sessions.body.length, 1);
  });
});

test('sign-in lockout: one counter with the Backend API', async (t) => {
  const ctx = await buildFrontendTestApp(t);
  await setSettings(ctx, { lockout: { max_attempts: 3, lockout_duration: 600 } });
  const user = await createUserWithPassword(ctx);
  const browser = new Browser(ctx);
  const signIn = await startSignIn(browser, user.email);
  const attempt = (password: string) => browser.request('POST', `/v1/client/sign_ins/${signIn.id}/attempt_first_factor`, { strategy: 'password', password });

  assertError(await attempt('wrong-one-1'), 422, 'form_password_incorrect');
  // A failure through the Backend API's verify_password counts on the same counter.
  assertError(await call(ctx, 'POST', `/v1/users/${user.id}/verify_password`, { password: 'wrong-two-2' }), 422, 'incorrect_password');
  assertError(await attempt('wrong-three-3'), 422, 'form_password_incorrect');
  const locked = assertError(await attempt(PASSWORD), 403, 'user_locked');
  const seconds = locked.meta?.lockout_expires_in_seconds as number;
  assert.ok(seconds > 590 && seconds <= 600, String(seconds));
  assert.match(locked.long_message, /You will be able to try again in 10 minutes/);
  const user2 = await call(ctx, 'GET', `/v1/users/${user.id}`);
  assert.equal(user2.body.locked, true);
  // An admin unlock lets the user in.
  assert.equal((await call(ctx, 'POST', `/v1/users/${user.id}/unlock`)).status, 200);
  assert.equal((await attempt(PASSWORD)).body.response.status, 'complete');
});

test('sign-in with a second factor (TOTP, backup codes)', async (t) => {
  const clock = fixedClock(Date.now());
  const ctx = await buildFrontendTestApp(t, { clock });

  async function userWithMfa(backupCodes?: string[]) {
    return createUserWithPassword(ctx, { totp_secret: TOTP_SECRET, ...(backupCodes ? { backup_codes: backupCodes } : {}) });
  }

  async function toSecondFactor(email: string) {
    const browser = new Browser(ctx);
    const signIn = await startSignIn(browser, email);
    const res = await browser.request('POST', `/v1/client/sign_ins/${signIn.id}/attempt_first_factor`, { strategy: 'password', password: PASSWORD });
    assert.equal(res.status, 200);
    return { browser, signIn: res.body.response };
  }

  await t.test('password → needs_second_factor; a wrong code → 422 form_code_incorrect; the TOTP → complete, fva [0, 0]', async () => {
    const user = await userWithMfa(['abcd1234', 'efgh5678']);
    const { browser, signIn } = await toSecondFactor(user.email);
    assert.equal(signIn.status, 'needs_second_factor');
    assert.deepEqual(signIn.supported_second_factors, [{ strategy: 'totp' }, { strategy: 'backup_code' }]);
    assert.equal(signIn.created_session_id, null);
    const path = `/v1/client/sign_ins/${signIn.id}/attempt_second_factor`;
    const wrong = await browser.request('POST', path, { strategy: 'totp', code: code(clock.now(), 5) });
    assertError(wrong, 422, 'form_code_incorrect', 'code');
    const ok = await browser.request('POST', path, { strategy: 'totp', code: code(clock.now()) });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.response.status, 'complete');
    assert.deepEqual(ok.body.response.second_factor_verification, { status: 'verified', strategy: 'totp', attempts: 1, expire_at: null });
    assert.deepEqual(ok.body.client.sessions[0].factor_verification_age, [0, 0]);
  });

  await t.test('the same TOTP code cannot sign in twice (replay protection of the Backend API)', async () => {
    clock.advance(60_000);
    const user = await userWithMfa();
    const current = code(clock.now());
    const first = await toSecondFactor(user.email);
    const ok = await first.browser.request('POST', `/v1/client/sign_ins/${first.signIn.id}/attempt_second_factor`, { strategy: 'totp', code: current });
    assert.equal(ok.body.response.status, 'complete');
    const second = await toSecondFactor(user.email);
    const replay = await second.browser.request('POST', `/v1/client/sign_ins/${second.signIn.id}/attempt_second_factor`, { strategy: 'totp', code: current });
    assertError(replay, 422, 'form_code_incorrect');
  });

  await t.test('a backup code signs in once; strategy=totp never uses one up', async () => {
    const user = await userWithMfa(['backup-1111', 'backup-2222']);
    const first = await toSecondFactor(user.email);
    const path = `/v1/client/sign_ins/${first.signIn.id}/attempt_second_factor`;
    assertError(await first.browser.request('POST', path, { strategy: 'totp', code: 'backup-1111' }), 422, 'form_code_incorrect');
    const ok = await first.browser.request('POST', path, { strategy: 'backup_code', code: 'backup-1111' });
    assert.equal(ok.body.response.status, 'complete', JSON.stringify(ok.body));
    assert.equal(ok.body.response.second_factor_verification.strategy, 'backup_code');
    const second = await toSecondFactor(user.email);
    const again = await second.browser.request('POST', `/v1/client/sign_ins/${second.signIn.id}/attempt_second_factor`, { strategy: 'backup_code', code: 'backup-1111' });
    assertError(again, 422, 'form_code_incorrect');
    const other = await second.browser.request('POST', `/v1/client/sign_ins/${second.signIn.id}/attempt_second_factor`, { strategy: 'backup_code', code: 'backup-2222' });
    assert.equal(other.body.response.status, 'complete');
  });

  await t.test('a strategy the user does not have → 400 strategy_for_user_invalid; attempt before the first factor → 400', async () => {
    const user = await userWithMfa();
    const { browser, signIn } = await toSecondFactor(user.email);
    assertError(await browser.request('POST', `/v1/client/sign_ins/${signIn.id}/attempt_second_factor`, { strategy: 'backup_code', code: 'x' }), 400, 'strategy_for_user_invalid');
    assertError(await browser.request('POST', `/v1/client/sign_ins/${signIn.id}/attempt_second_factor`, { strategy: 'phone_code', code: '123456' }), 400, 'strategy_for_user_invalid');
    const fresh = new Browser(ctx);
    const early = await startSignIn(fresh, user.email);
    assertError(await fresh.request('POST', `/v1/client/sign_ins/${early.id}/attempt_second_factor`, { strategy: 'totp', code: code(clock.now()) }), 400, 'client_state_invalid');
  });
});

test('sign-in with an email code, and password reset by email code', async (t) => {
  const clock = fixedClock(Date.now());
  const ctx = await buildFrontendTestApp(t, { clock });

  await t.test('prepare_first_factor email_code → a code by email (email.created); a wrong code → 422 with attempts; the right one → complete', async () => {
    const user = await createUserWithPassword(ctx);
    const browser = new Browser(ctx);
    const signIn = await startSignIn(browser, user.email);
    const emailId = signIn.supported_first_factors.find((f) => f.strategy === 'email_code')!.email_address_id;
    const prepared = await browser.request('POST', `/v1/client/sign_ins/${signIn.id}/prepare_first_factor`, { strategy: 'email_code', email_address_id: emailId });
    assert.equal(prepared.status, 200, JSON.stringify(prepared.body));
    const verification = prepared.body.response.first_factor_verification;
    assert.deepEqual({ ...verification, expire_at: 0 }, { status: 'unverified', strategy: 'email_code', attempts: 0, expire_at: 0 });
    assert.equal(verification.expire_at, clock.now() + 10 * 60_000);
    const sent = await lastEmailedCode(ctx, user.email);
    assert.match(sent, /^\d{6}$/);
    const events = await ctx.deps.db.selectFrom('events').select('payload').where('type', '=', 'email.created').execute();
    const email = events.map((e) => (e.payload as any).data).find((d: any) => d.to_email_address === user.email);
    assert.equal(email.slug, 'verification_code');
    assert.equal(email.user_id, user.id);
    assert.equal(email.email_address_id, emailId);
    const path = `/v1/client/sign_ins/${signIn.id}/attempt_first_factor`;
    const wrongCode = sent === '000000' ? '111111' : '000000';
    assertError(await browser.request('POST', path, { strategy: 'email_code', code: wrongCode }), 422, 'form_code_incorrect', 'code');
    const state = (await browser.request('GET', `/v1/client/sign_ins/${signIn.id}`)).body.response.first_factor_verification;
    assert.equal(state.attempts, 1);
    const ok = await browser.request('POST', path, { strategy: 'email_code', code: sent });
    assert.equal(ok.body.response.status, 'complete');
    assert.deepEqual({ ...ok.body.response.first_factor_verification, expire_at: 0 }, { status: 'verified', strategy: 'email_code', attempts: 2, expire_at: 0 });
    // A code is used once.
    assertError(await browser.request('POST', path, { strategy: 'email_code', code: sent }), 400, 'client_state_invalid');
  });

  await t.test('strategy=email_code on create prepares at once; attempting without a prepared code → 400 verification_missing', async () => {
    const user = await createUserWithPassword(ctx);
    const browser = new Browser(ctx);
    const signIn = await startSignIn(browser, user.email);
    assertError(await browser.request('POST', `/v1/client/sign_ins/${signIn.id}/attempt_first_factor`, { strategy: 'email_code', code: '123456' }), 400, 'verification_missing');
    const created = await new Browser(ctx).request('POST', '/v1/client/sign_ins', { identifier: user.email, strategy: 'email_code' });
    assert.equal(created.body.response.first_factor_verification.strategy, 'email_code');
    assert.match(await lastEmailedCode(ctx, user.email), /^\d{6}$/);
  });

  await t.test('an expired code → 400 verification_expired; five wrong codes → 400 verification_failed', async () => {
    const user = await createUserWithPassword(ctx);
    const browser = new Browser(ctx);
    const signIn = await startSignIn(browser, user.email);
    const prepare = () => browser.request('POST', `/v1/client/sign_ins/${signIn.id}/prepare_first_factor`, { strategy: 'email_code' });
    const attempt = (value: string) => browser.request('POST', `/v1/client/sign_ins/${signIn.id}/attempt_first_factor`, { strategy: 'email_code', code: value });
    await prepare();
    const sent = await lastEmailedCode(ctx, user.email);
    clock.advance(10 * 60_000 + 1);
    assertError(await attempt(sent), 400, 'verification_expired');
    assert.equal((await browser.request('GET', `/v1/client/sign_ins/${signIn.id}`)).body.response.first_factor_verification.status, 'expired');
    await prepare();
    const fresh = await lastEmailedCode(ctx, user.email);
    const wrong = fresh === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) assertError(await attempt(wrong), 422, 'form_code_incorrect');
    assertError(await attempt(wrong), 400, 'verification_failed');
    assertError(await attempt(fresh), 400, 'verification_failed');
    // A new code starts afresh.
    await prepare();
    assert.equal((await attempt(await lastEmailedCode(ctx, user.email))).body.response.status, 'complete');
  });

  await t.test('a new code within 30 s of one still usable → 429 verification_code_too_many_requests; later, or once it is used up, fine', async () => {
    const user = await createUserWithPassword(ctx);
    const browser = new Browser(ctx);
    const signIn = await startSignIn(browser, user.email);
    const prepare = () => browser.request('POST', `/v1/client/sign_ins/${signIn.id}/prepare_first_factor`, { strategy: 'email_code' });
    assert.equal((await prepare()).status, 200);
    const first = await lastEmailedCode(ctx, user.email);
    assertError(await prepare(), 429, 'verification_code_too_many_requests');
    assert.equal(await lastEmailedCode(ctx, user.email), first, 'no second email');
    clock.advance(30_001);
    assert.equal((await prepare()).status, 200);
    assert.notEqual(await lastEmailedCode(ctx, user.email), undefined);
  });

  await t.test('abandoned sign-ins and their expired codes are deleted a week later', async () => {
    const user = await createUserWithPassword(ctx);
    const browser = new Browser(ctx);
    const old = await startSignIn(browser, user.email);
    await browser.request('POST', `/v1/client/sign_ins/${old.id}/prepare_first_factor`, { strategy: 'email_code' });
    clock.advance(9 * 24 * 3600 * 1000);
    await startSignIn(new Browser(ctx), user.email);
    assert.equal(await ctx.deps.db.selectFrom('sign_ins').select('id').where('id', '=', old.id).executeTakeFirst(), undefined);
    await browser.request('POST', `/v1/client/sign_ins/${(await startSignIn(browser, user.email)).id}/prepare_first_factor`, { strategy: 'email_code' });
    const codes = await ctx.deps.db.selectFrom('verification_codes').select('key').execute();
    assert.ok(!codes.some((c) => c.key.includes(old.id)), 'the old code is gone');
  });

  await t.test('reset_password_email_code → needs_new_password → reset_password (policy applies) → complete; the old password is gone', async () => {
    const user = await createUserWithPassword(ctx);
    const elsewhere = new Browser(ctx);
    const otherSession = await elsewhere.signIn(user.email);
    const browser = new Browser(ctx);
    const signIn = await startSignIn(browser, user.email);
    const prepared = await browser.request('POST', `/v1/client/sign_ins/${signIn.id}/prepare_first_factor`, { strategy: 'reset_password_email_code' });
    assert.equal(prepared.status, 200);
    const events = await ctx.deps.db.selectFrom('events').select('payload').where('type', '=', 'email.created').execute();
    const slugs = events.map((e) => (e.payload as any).data).filter((d: any) => d.to_email_address === user.email).map((d: any) => d.slug);
    assert.deepEqual(slugs, ['reset_password_code']);
    const verified = await browser.request('POST', `/v1/client/sign_ins/${signIn.id}/attempt_first_factor`, {
      strategy: 'reset_password_email_code',
      code: await lastEmailedCode(ctx, user.email),
    });
    assert.equal(verified.body.response.status, 'needs_new_password');
    const path = `/v1/client/sign_ins/${signIn.id}/reset_password`;
    assertError(await browser.request('POST', path, { password: 'password' }), 422, 'form_password_pwned', 'password');
    assertError(await browser.request('POST', path, { password: 'short' }), 422, 'form_password_length_too_short', 'password');
    const done = await browser.request('POST', path, { password: 'Quiet-Harbor-Falcon-77', sign_out_of_other_sessions: true });
    assert.equal(done.body.response.status, 'complete', JSON.stringify(done.body));
    assertError(await call(ctx, 'POST', `/v1/users/${user.id}/verify_password`, { password: PASSWORD }), 422, 'incorrect_password');
    assert.equal((await call(ctx, 'POST', `/v1/users/${user.id}/verify_password`, { password: 'Quiet-Harbor-Falcon-77' })).status, 200);
    assert.equal((await call(ctx, 'GET', `/v1/sessions/${otherSession}`)).body.status, 'revoked', 'signed out of the other session');
  });
});
