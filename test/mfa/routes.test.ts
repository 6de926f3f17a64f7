import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { test } from 'node:test';
import { hash as bcryptHash } from '@node-rs/bcrypt';
import { parseTotpSecret, timeStepAt, totpCode } from '../../src/mfa/totp.js';
import { assertError, buildTestApp, call as rawCall, fixedClock, uniqueEmail, type TestApp } from '../helper.js';

// TOTP and backup codes through the front door (issue 3): POST /v1/users/{id}/verify_totp (±1 step of
// skew, no replay, backup codes used up), DELETE /v1/users/{id}/totp, /backup_code and /mfa; secrets
// stored encrypted and never returned. Also POST /v1/users/{id}/remove_password.
// Expected codes are computed here with totp.ts, whose RFC 6238 vectors are in test/mfa/totp.test.ts.

const SECRET_16 = 'JBSWY3DPEHPK3PXP';
/** Clerk's own example secret (32 characters, 20 bytes). */
const SECRET_32 = '6JHMXLT5H3WOF5PSHX7ALXXFX7NLTRBJ';
const PASSWORD = 'Mfa-Routes-Password-73';

type Response = Awaited<ReturnType<typeof rawCall>>;

/** Strings no response may ever contain (TOTP secrets, plain backup codes). Filled as tests create them. */
const secrets = new Set<string>([SECRET_16, SECRET_32, SECRET_16.toLowerCase(), SECRET_32.toLowerCase()]);

/** `call`, plus a check that the response carries none of the secrets. */
async function call(...args: Parameters<typeof rawCall>): Promise<Response> {
  const res = await rawCall(...args);
  const raw = JSON.stringify(res.body ?? null);
  for (const secret of secrets) assert.ok(!raw.includes(secret), `${args[1]} ${args[2]} returned a secret: ${raw.slice(0, 300)}`);
  // (PhoneNumber has Clerk's `backup_codes: null`; a list of codes must never appear.)
  assert.ok(!/"totp_secret"\s*:|"backup_codes"\s*:\s*\[/.test(raw), `${args[1]} ${args[2]} returned a credential field`);
  return res;
}


async function createUser(ctx: TestApp, body: Record<string, unknown> = {}) {
  const res = await call(ctx, 'POST', '/v1/users', { email_address: [uniqueEmail('mfa')], ...body });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}
async function getUser(ctx: TestApp, id: string) {
  const res = await call(ctx, 'GET', `/v1/users/${id}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}
const verifyTotp = (ctx: TestApp, id: string, code: string) => call(ctx, 'POST', `/v1/users/${id}/verify_totp`, { code });

function codeAt(secret: string, nowMs: number, stepOffset = 0): string {
  return totpCode(parseTotpSecret(secret), timeStepAt(nowMs) + stepOffset);
}
/** A 6-digit code that matches none of the steps −2…+2 around `nowMs`. */
function wrongCode(secret: string, nowMs: number): string {
  const valid = new Set([-2, -1, 0, 1, 2].map((d) => codeAt(secret, nowMs, d)));
  for (;;) {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}

async function storedCredentials(ctx: TestApp, id: string) {
  return ctx.deps.db
    .selectFrom('users')
    .select(['totp_secret', 'backup_codes', 'totp_last_used_step'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

test('TOTP, backup codes and MFA routes', async (t) => {
  // 5 s into a 30 s step, so ±1 step is unambiguous.
  const clock = fixedClock(Date.UTC(2025, 2, 12, 9, 0, 5));
  const ctx = await buildTestApp(t, { clock });
  const totpUser = () => createUser(ctx, { totp_secret: SECRET_16 });

  await t.test('POST /v1/users with totp_secret → totp_enabled, two_factor_enabled, mfa_enabled_at now', async () => {
    const user = await totpUser();
    assert.equal(user.totp_enabled, true);
    assert.equal(user.two_factor_enabled, true);
    assert.equal(user.backup_code_enabled, false);
    assert.equal(user.mfa_enabled_at, clock.now());
    assert.equal(user.mfa_disabled_at, null);
  });

  await t.test('POST /v1/users/{id}/verify_totp with the current code → 200 {verified, code_type: totp}; the same code again → 422 totp_incorrect_code (replay)', async () => {
    const user = await totpUser();
    const code = codeAt(SECRET_16, clock.now());
    const ok = await verifyTotp(ctx, user.id, code);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body, { verified: true, code_type: 'totp' });
    assertError(await verifyTotp(ctx, user.id, code), 422, 'totp_incorrect_code', 'code');
    clock.advance(10_000); // still the same step
    assertError(await verifyTotp(ctx, user.id, code), 422, 'totp_incorrect_code', 'code');
  });

  await t.test('POST verify_totp with the previous or the next step’s code → 200 (±1 step of skew)', async () => {
    for (const offset of [-1, 1]) {
      const user = await totpUser();
      const res = await verifyTotp(ctx, user.id, codeAt(SECRET_16, clock.now(), offset));
      assert.equal(res.status, 200, `offset ${offset}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.code_type, 'totp');
    }
  });

  await t.test('POST verify_totp with a code two steps away → 422 totp_incorrect_code', async () => {
    for (const offset of [-2, 2, -3, 3]) {
      const user = await totpUser();
      const code = codeAt(SECRET_16, clock.now(), offset);
      if ([-1, 0, 1].some((d) => codeAt(SECRET_16, clock.now(), d) === code)) continue; // a 1-in-10^6 collision
      assertError(await verifyTotp(ctx, user.id, code), 422, 'totp_incorrect_code', 'code');
    }
  });

  await t.test('POST verify_totp: after a replay is refused, the next step’s code → 200; older codes stay refused', async () => {
    const user = await totpUser();
    const first = codeAt(SECRET_16, clock.now());
    assert.equal((await verifyTotp(ctx, user.id, first)).status, 200);
    assertError(await verifyTotp(ctx, user.id, first), 422, 'totp_incorrect_code');
    clock.advance(30_000);
    const second = codeAt(SECRET_16, clock.now());
    const ok = await verifyTotp(ctx, user.id, second);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.code_type, 'totp');
    assertError(await verifyTotp(ctx, user.id, first), 422, 'totp_incorrect_code', 'code');
    assertError(await verifyTotp(ctx, user.id, second), 422, 'totp_incorrect_code', 'code');
  });

  await t.test('POST verify_totp: once the next step’s code is used, the current step’s code is refused', async () => {
    const user = await totpUser();
    assert.equal((await verifyTotp(ctx, user.id, codeAt(SECRET_16, clock.now(), 1))).status, 200);
    assertError(await verifyTotp(ctx, user.id, codeAt(SECRET_16, clock.now())), 422, 'totp_incorrect_code');
    assertError(await verifyTotp(ctx, user.id, codeAt(SECRET_16, clock.now(), -1)), 422, 'totp_incorrect_code');
  });

  await t.test('POST verify_totp: two concurrent requests with the same code → exactly one 200', async () => {
    const user = await totpUser();
    const code = codeAt(SECRET_16, clock.now());
    const results = await Promise.all([verifyTotp(ctx, user.id, code), verifyTotp(ctx, user.id, code), verifyTotp(ctx, user.id, code)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 422, 422]);
  });

  await t.test('POST verify_totp with a wrong 6-digit code → 422 totp_incorrect_code; the right code still works afterwards', async () => {
    const user = await totpUser();
    const res = await verifyTotp(ctx, user.id, wrongCode(SECRET_16, clock.now()));
    assertError(res, 422, 'totp_incorrect_code', 'code');
    assert.equal(res.body.errors[0].long_message, 'The provided TOTP code is incorrect');
    assert.equal((await verifyTotp(ctx, user.id, codeAt(SECRET_16, clock.now()))).status, 200);
  });

  await t.test('POST verify_totp with a code that is not 6 characters, for a TOTP-only user → 422 totp_invalid_length', async () => {
    const user = await totpUser();
    const current = codeAt(SECRET_16, clock.now());
    for (const code of [current.slice(0, 5), `${current}0`, '', '1']) {
      const res = await verifyTotp(ctx, user.id, code);
      assertError(res, 422, 'totp_invalid_length', 'code');
    }
    assert.equal((await verifyTotp(ctx, user.id, current)).status, 200, 'the refused attempts did not use the step');
  });

  await t.test('POST verify_totp for a 32-character secret (Clerk’s example) → 200', async () => {
    const user = await createUser(ctx, { totp_secret: SECRET_32 });
    const res = await verifyTotp(ctx, user.id, codeAt(SECRET_32, clock.now()));
    assert.deepEqual(res.body, { verified: true, code_type: 'totp' });
    assertError(await verifyTotp(ctx, user.id, codeAt(SECRET_16, clock.now(), 2)), 422, 'totp_incorrect_code');
  });

  await t.test('POST verify_totp for a user without TOTP or backup codes → 400 totp_disabled', async () => {
    const user = await createUser(ctx, { password: PASSWORD });
    assertError(await verifyTotp(ctx, user.id, '123456'), 400, 'totp_disabled');
    assertError(await verifyTotp(ctx, user.id, '12345'), 400, 'totp_disabled');
  });

  await t.test('POST verify_totp for an unknown user → 404 resource_not_found', async () => {
    assertError(await verifyTotp(ctx, 'user_2zzzzzzzzzzzzzzzzzzzzzzzzzz', '123456'), 404, 'resource_not_found');
  });

  await t.test('POST verify_totp without a code → 422 form_param_missing', async () => {
    const user = await totpUser();
    assertError(await call(ctx, 'POST', `/v1/users/${user.id}/verify_totp`, {}), 422, 'form_param_missing', 'code');
  });

  await t.test('POST /v1/users with an invalid totp_secret → 422 invalid_totp_secret_code, no user created', async () => {
    const before = (await call(ctx, 'GET', '/v1/users/count')).body.total_count;
    for (const secret of ['not base32!', 'ABC', 'JBSWY3DPEHPK3PX1', 'A'.repeat(200)]) {
      const res = await call(ctx, 'POST', '/v1/users', { email_address: [uniqueEmail('badtotp')], totp_secret: secret });
      assertError(res, 422, 'invalid_totp_secret_code', 'totp_secret');
    }
    assert.equal((await call(ctx, 'GET', '/v1/users/count')).body.total_count, before);
  });

  await t.test('PATCH /v1/users/{id} with totp_secret turns TOTP on (mfa_enabled_at now); null turns it off (mfa_disabled_at now)', async () => {
    const user = await createUser(ctx);
    assert.equal(user.totp_enabled, false);
    assert.equal(user.mfa_enabled_at, null);
    const on = await call(ctx, 'PATCH', `/v1/users/${user.id}`, { totp_secret: SECRET_32 });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    assert.equal(on.body.totp_enabled, true);
    assert.equal(on.body.mfa_enabled_at, clock.now());
    assert.equal((await verifyTotp(ctx, user.id, codeAt(SECRET_32, clock.now()))).body.code_type, 'totp');
    clock.advance(1000);
    const off = await call(ctx, 'PATCH', `/v1/users/${user.id}`, { totp_secret: null });
    assert.equal(off.body.totp_enabled, false);
    assert.equal(off.body.two_factor_enabled, false);
    assert.equal(off.body.mfa_disabled_at, clock.now());
    assertError(await verifyTotp(ctx, user.id, codeAt(SECRET_32, clock.now(), 1)), 400, 'totp_disabled');
  });

  await t.test('the TOTP secret is stored encrypted: users.totp_secret holds neither the base32 secret nor its bytes', async () => {
    const user = await createUser(ctx, { totp_secret: SECRET_32 });
    const { totp_secret } = await storedCredentials(ctx, user.id);
    assert.ok(totp_secret, 'something is stored');
    const bytes = parseTotpSecret(SECRET_32);
    for (const form of [SECRET_32, SECRET_32.toLowerCase(), bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('latin1')]) {
      assert.ok(!totp_secret.includes(form), `the stored value contains ${form}`);
    }
    // Sealed with a random nonce: the same secret seals differently for another user.
    const other = await createUser(ctx, { totp_secret: SECRET_32 });
    assert.notEqual((await storedCredentials(ctx, other.id)).totp_secret, totp_secret);
  });

  await t.test('POST /v1/users with plain backup_codes → backup_code_enabled; each code verifies once (code_type backup_code); the last one turns backup codes off', async () => {
    const codes = ['bkplain01', 'bkplain02', 'bkplain03'];
    for (const c of codes) secrets.add(c);
    const user = await createUser(ctx, { backup_codes: codes });
    assert.equal(user.backup_code_enabled, true);
    assert.equal(user.two_factor_enabled, true);
    assert.equal(user.totp_enabled, false);
    assert.equal(user.mfa_enabled_at, clock.now());
    const stored = JSON.stringify((await storedCredentials(ctx, user.id)).backup_codes);
    for (const c of codes) assert.ok(!stored.includes(c), 'backup codes are stored hashed');

    const first = await verifyTotp(ctx, user.id, codes[1]!);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body, { verified: true, code_type: 'backup_code' });
    assertError(await verifyTotp(ctx, user.id, codes[1]!), 422, 'totp_incorrect_code', 'code');
    assert.equal((await getUser(ctx, user.id)).backup_code_enabled, true);

    assert.equal((await verifyTotp(ctx, user.id, codes[0]!)).body.code_type, 'backup_code');
    assert.equal((await getUser(ctx, user.id)).backup_code_enabled, true, 'one code left');
    assert.equal((await verifyTotp(ctx, user.id, codes[2]!)).body.code_type, 'backup_code');
    const after = await getUser(ctx, user.id);
    assert.equal(after.backup_code_enabled, false);
    assert.equal(after.two_factor_enabled, false);
    assertError(await verifyTotp(ctx, user.id, codes[2]!), 400, 'totp_disabled');
  });

  await t.test('POST /v1/users with bcrypt-digest backup_codes → each plain code verifies once, the digests themselves do not', async () => {
    const codes = ['bkdigest1', 'bkdigest2'];
    for (const c of codes) secrets.add(c);
    const digests = await Promise.all(codes.map((c) => bcryptHash(c, 6)));
    const user = await createUser(ctx, { backup_codes: digests });
    assert.equal(user.backup_code_enabled, true);
    assertError(await verifyTotp(ctx, user.id, digests[0]!), 422, 'totp_incorrect_code');
    assert.deepEqual((await verifyTotp(ctx, user.id, codes[0]!)).body, { verified: true, code_type: 'backup_code' });
    assertError(await verifyTotp(ctx, user.id, codes[0]!), 422, 'totp_incorrect_code');
    assert.deepEqual((await verifyTotp(ctx, user.id, codes[1]!)).body, { verified: true, code_type: 'backup_code' });
    assert.equal((await getUser(ctx, user.id)).backup_code_enabled, false);
  });

  await t.test('POST /v1/users with a malformed bcrypt backup code → 422 form_param_format_invalid (backup_codes)', async () => {
    const res = await call(ctx, 'POST', '/v1/users', { email_address: [uniqueEmail('badbk')], backup_codes: ['$2b$31$short'] });
    assertError(res, 422, 'form_param_format_invalid', 'backup_codes');
  });

  await t.test('POST verify_totp for a user with TOTP and backup codes accepts either, and a backup code of any length', async () => {
    secrets.add('mixedbk01');
    const user = await createUser(ctx, { totp_secret: SECRET_16, backup_codes: ['mixedbk01', '246810'] });
    assert.equal(user.totp_enabled, true);
    assert.equal(user.backup_code_enabled, true);
    assert.deepEqual((await verifyTotp(ctx, user.id, codeAt(SECRET_16, clock.now()))).body, { verified: true, code_type: 'totp' });
    assert.deepEqual((await verifyTotp(ctx, user.id, 'mixedbk01')).body, { verified: true, code_type: 'backup_code' });
    // A 6-digit backup code is still a backup code when it is not a valid TOTP code.
    assert.deepEqual((await verifyTotp(ctx, user.id, '246810')).body, { verified: true, code_type: 'backup_code' });
    const short = await verifyTotp(ctx, user.id, '12345');
    assert.equal(short.status, 422, JSON.stringify(short.body));
    assert.ok(['totp_incorrect_code', 'totp_invalid_length'].includes(short.body.errors[0].code));
  });

  await t.test('DELETE /v1/users/{id}/totp → 200 {user_id}; totp_enabled false, mfa_disabled_at now; verify_totp → 400 totp_disabled', async () => {
    const user = await totpUser();
    clock.advance(1000);
    const res = await call(ctx, 'DELETE', `/v1/users/${user.id}/totp`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { user_id: user.id });
    const after = await getUser(ctx, user.id);
    assert.equal(after.totp_enabled, false);
    assert.equal(after.two_factor_enabled, false);
    assert.equal(after.mfa_disabled_at, clock.now());
    assert.equal((await storedCredentials(ctx, user.id)).totp_secret, null);
    assertError(await verifyTotp(ctx, user.id, codeAt(SECRET_16, clock.now())), 400, 'totp_disabled');
  });

  await t.test('DELETE /v1/users/{id}/totp keeps backup codes (two_factor_enabled stays true, mfa_disabled_at stays null)', async () => {
    secrets.add('keepbk001');
    const user = await createUser(ctx, { totp_secret: SECRET_16, backup_codes: ['keepbk001'] });
    assert.deepEqual((await call(ctx, 'DELETE', `/v1/users/${user.id}/totp`)).body, { user_id: user.id });
    const after = await getUser(ctx, user.id);
    assert.equal(after.totp_enabled, false);
    assert.equal(after.backup_code_enabled, true);
    assert.equal(after.two_factor_enabled, true);
    assert.equal(after.mfa_disabled_at, null);
    assertError(await verifyTotp(ctx, user.id, codeAt(SECRET_16, clock.now())), 422, 'totp_incorrect_code');
    assert.equal((await verifyTotp(ctx, user.id, 'keepbk001')).body.code_type, 'backup_code');
  });

  await t.test('DELETE /v1/users/{id}/backup_code → 200 {user_id}; backup_code_enabled false; TOTP keeps working', async () => {
    secrets.add('dropbk001');
    const user = await createUser(ctx, { totp_secret: SECRET_16, backup_codes: ['dropbk001', 'dropbk002'] });
    const res = await call(ctx, 'DELETE', `/v1/users/${user.id}/backup_code`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { user_id: user.id });
    const after = await getUser(ctx, user.id);
    assert.equal(after.backup_code_enabled, false);
    assert.equal(after.totp_enabled, true);
    assert.equal(after.two_factor_enabled, true);
    assert.equal((await storedCredentials(ctx, user.id)).backup_codes, null);
    // Only TOTP is left, so a code that is not 6 characters is refused for its length.
    assertError(await verifyTotp(ctx, user.id, 'dropbk001'), 422, 'totp_invalid_length');
    assert.equal((await verifyTotp(ctx, user.id, codeAt(SECRET_16, clock.now()))).body.code_type, 'totp');
  });

  await t.test('DELETE /v1/users/{id}/mfa → 200 {user_id}; TOTP, backup codes and second-factor phones off, two_factor_enabled false, mfa_disabled_at now', async () => {
    secrets.add('allbk0001');
    const user = await createUser(ctx, { totp_secret: SECRET_16, backup_codes: ['allbk0001'] });
    const phone = await call(ctx, 'POST', '/v1/phone_numbers', {
      user_id: user.id,
      phone_number: `+1415555${String(randomInt(0, 10_000)).padStart(4, '0')}`,
      verified: true,
      reserved_for_second_factor: true,
    });
    assert.equal(phone.status, 200, JSON.stringify(phone.body));
    assert.equal(phone.body.reserved_for_second_factor, true);
    clock.advance(1000);

    const res = await call(ctx, 'DELETE', `/v1/users/${user.id}/mfa`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { user_id: user.id });
    const after = await getUser(ctx, user.id);
    assert.equal(after.totp_enabled, false);
    assert.equal(after.backup_code_enabled, false);
    assert.equal(after.two_factor_enabled, false);
    assert.equal(after.mfa_disabled_at, clock.now());
    assert.equal(after.phone_numbers.length, 1, 'the phone number itself stays');
    assert.equal(after.phone_numbers[0].reserved_for_second_factor, false);
    assert.equal(after.phone_numbers[0].default_second_factor, false);
    const stored = await storedCredentials(ctx, user.id);
    assert.equal(stored.totp_secret, null);
    assert.equal(stored.backup_codes, null);
    assertError(await verifyTotp(ctx, user.id, 'allbk0001'), 400, 'totp_disabled');
  });

  await t.test('DELETE /v1/users/{id}/mfa, /totp and /backup_code for a user without MFA → 200 {user_id}, mfa_disabled_at stays null', async () => {
    const user = await createUser(ctx);
    for (const path of ['mfa', 'totp', 'backup_code']) {
      assert.deepEqual((await call(ctx, 'DELETE', `/v1/users/${user.id}/${path}`)).body, { user_id: user.id });
    }
    const after = await getUser(ctx, user.id);
    assert.equal(after.two_factor_enabled, false);
    // Nothing was turned off, as with PATCH /v1/users/{id} (which stamps only on an on → off change).
    assert.equal(after.mfa_disabled_at, null);
  });

  await t.test('DELETE /v1/users/{id}/totp a second time does not move mfa_disabled_at', async () => {
    const user = await totpUser();
    await call(ctx, 'DELETE', `/v1/users/${user.id}/totp`);
    const disabledAt = (await getUser(ctx, user.id)).mfa_disabled_at;
    assert.equal(disabledAt, clock.now());
    clock.advance(5000);
    assert.deepEqual((await call(ctx, 'DELETE', `/v1/users/${user.id}/totp`)).body, { user_id: user.id });
    assert.equal((await getUser(ctx, user.id)).mfa_disabled_at, disabledAt);
  });

  await t.test('DELETE /v1/users/{id}/totp, /backup_code and /mfa for an unknown user → 404 resource_not_found', async () => {
    for (const path of ['totp', 'backup_code', 'mfa']) {
      assertError(await call(ctx, 'DELETE', `/v1/users/user_2zzzzzzzzzzzzzzzzzzzzzzzzzz/${path}`), 404, 'resource_not_found');
    }
  });

  await t.test('POST /v1/users/{id}/remove_password → 200 User with password_enabled false; verify_password → 400 no_password_set', async () => {
    const user = await createUser(ctx, { password: PASSWORD });
    assert.equal(user.password_enabled, true);
    assert.deepEqual((await call(ctx, 'POST', `/v1/users/${user.id}/verify_password`, { password: PASSWORD })).body, { verified: true });
    clock.advance(1000);
    const res = await call(ctx, 'POST', `/v1/users/${user.id}/remove_password`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.object, 'user');
    assert.equal(res.body.id, user.id);
    assert.equal(res.body.password_enabled, false);
    assert.equal(res.body.updated_at, clock.now());
    assert.equal((await getUser(ctx, user.id)).password_enabled, false);
    const stored = await ctx.deps.db.selectFrom('users').select(['password_digest', 'password_hasher']).where('id', '=', user.id).executeTakeFirstOrThrow();
    assert.deepEqual(stored, { password_digest: null, password_hasher: null });
    assertError(await call(ctx, 'POST', `/v1/users/${user.id}/verify_password`, { password: PASSWORD }), 400, 'no_password_set');
    // A new password can be set again afterwards.
    const again = await call(ctx, 'PATCH', `/v1/users/${user.id}`, { password: PASSWORD });
    assert.equal(again.body.password_enabled, true);
  });

  await t.test('POST /v1/users/{id}/remove_password for an unknown user → 404 resource_not_found', async () => {
    assertError(await call(ctx, 'POST', '/v1/users/user_2zzzzzzzzzzzzzzzzzzzzzzzzzz/remove_password'), 404, 'resource_not_found');
  });
});
