import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createClerkClient } from '@clerk/backend';
import { type ClerkAPIResponseError } from '@clerk/backend/errors';
import { hash as bcryptHash } from '@node-rs/bcrypt';
import { parseTotpSecret, timeStepAt, totpCode } from '../../src/mfa/totp.js';
import { SECRET_KEY, buildTestApp, fixedClock, uniqueEmail } from '../helper.js';
import { apiError } from './support.js';
import { vectors } from '../passwords/hashers/helpers.js';

// Credentials through Clerk's official SDK (@clerk/backend 3.25) against a listening Gatehouse:
// verifyPassword, verifyTOTP, disableUserMFA, deleteUserTOTP, deleteUserBackupCodes, removePassword,
// plus imported digests, TOTP secrets and backup codes given to createUser/updateUser.

const PASSWORD = 'Sdk-Credential-Pass-58';
const TOTP_SECRET = '6JHMXLT5H3WOF5PSHX7ALXXFX7NLTRBJ';
const secret = parseTotpSecret(TOTP_SECRET);

function assertApiError(error: ClerkAPIResponseError, status: number, code: string) {
  assert.equal(error.status, status, JSON.stringify(error.errors));
  assert.equal(error.errors[0]?.code, code, JSON.stringify(error.errors));
}

test('@clerk/backend 3.25: credentials', async (t) => {
  const clock = fixedClock(Date.UTC(2025, 2, 12, 9, 0, 5));
  const ctx = await buildTestApp(t, { clock });
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = ctx.app.server.address() as AddressInfo;
  const clerk = createClerkClient({ secretKey: SECRET_KEY, apiUrl: `http://127.0.0.1:${port}`, telemetry: { disabled: true } });
  const code = (offset = 0) => totpCode(secret, timeStepAt(clock.now()) + offset);
  const wrongCode = () => {
    const valid = new Set([-1, 0, 1].map((d) => code(d)));
    for (let i = 0; ; i++) {
      const candidate = String((314159 + i * 2718) % 1_000_000).padStart(6, '0');
      if (!valid.has(candidate)) return candidate;
    }
  };

  await t.test('users.verifyPassword → { verified: true }; a wrong password → ClerkAPIResponseError 422 incorrect_password', async () => {
    const user = await clerk.users.createUser({ emailAddress: [uniqueEmail('sdkcred')], password: PASSWORD });
    assert.equal(user.passwordEnabled, true);
    assert.deepEqual(await clerk.users.verifyPassword({ userId: user.id, password: PASSWORD }), { verified: true });
    assertApiError(await apiError(() => clerk.users.verifyPassword({ userId: user.id, password: `${PASSWORD}x` })), 422, 'incorrect_password');
  });

  await t.test('users.createUser with passwordDigest + passwordHasher → users.verifyPassword accepts the password, rejects the wrong one', async () => {
    for (const hasher of ['bcrypt', 'scrypt_firebase', 'pbkdf2_sha256_django', 'md5_phpass']) {
      const v = vectors.find((x) => x.hasher === hasher)!;
      const user = await clerk.users.createUser({
        emailAddress: [uniqueEmail('sdkdigest')],
        passwordDigest: v.digest,
        passwordHasher: v.hasher as 'bcrypt',
      });
      assert.equal(user.passwordEnabled, true, hasher);
      assertApiError(await apiError(() => clerk.users.verifyPassword({ userId: user.id, password: v.wrong_password })), 422, 'incorrect_password');
      assert.deepEqual(await clerk.users.verifyPassword({ userId: user.id, password: v.password }), { verified: true });
      // Upgraded to argon2id behind the scenes; still the same password.
      assert.deepEqual(await clerk.users.verifyPassword({ userId: user.id, password: v.password }), { verified: true });
    }
  });

  await t.test('users.createUser with a malformed passwordDigest → ClerkAPIResponseError 422 form_param_format_invalid (paramName password_digest)', async () => {
    const error = await apiError(() =>
      clerk.users.createUser({ emailAddress: [uniqueEmail('sdkbad')], passwordDigest: '$2b$31$nope', passwordHasher: 'bcrypt' }),
    );
    assertApiError(error, 422, 'form_param_format_invalid');
    assert.equal(error.errors[0]?.meta?.paramName, 'password_digest');
  });

  await t.test('users.verifyTOTP({ userId, code }) → { verified: true, code_type: "totp" }; the same code again → 422 totp_incorrect_code', async () => {
    const user = await clerk.users.createUser({ emailAddress: [uniqueEmail('sdktotp')], totpSecret: TOTP_SECRET });
    assert.equal(user.totpEnabled, true);
    assert.equal(user.twoFactorEnabled, true);
    const current = code();
    assert.deepEqual(await clerk.users.verifyTOTP({ userId: user.id, code: current }), { verified: true, code_type: 'totp' });
    assertApiError(await apiError(() => clerk.users.verifyTOTP({ userId: user.id, code: current })), 422, 'totp_incorrect_code');
  });

  await t.test('users.verifyTOTP with a wrong code → ClerkAPIResponseError 422 totp_incorrect_code; a short code → 422 totp_invalid_length', async () => {
    const user = await clerk.users.createUser({ emailAddress: [uniqueEmail('sdktotp')], totpSecret: TOTP_SECRET });
    const error = await apiError(() => clerk.users.verifyTOTP({ userId: user.id, code: wrongCode() }));
    assertApiError(error, 422, 'totp_incorrect_code');
    assert.equal(error.errors[0]?.longMessage, 'The provided TOTP code is incorrect');
    assertApiError(await apiError(() => clerk.users.verifyTOTP({ userId: user.id, code: '12345' })), 422, 'totp_invalid_length');
  });

  await t.test('users.verifyTOTP for a user without TOTP → 400 totp_disabled; for an unknown user → 404', async () => {
    const user = await clerk.users.createUser({ emailAddress: [uniqueEmail('sdknototp')] });
    assertApiError(await apiError(() => clerk.users.verifyTOTP({ userId: user.id, code: '123456' })), 400, 'totp_disabled');
    assertApiError(await apiError(() => clerk.users.verifyTOTP({ userId: 'user_2zzzzzzzzzzzzzzzzzzzzzzzzzz', code: '123456' })), 404, 'resource_not_found');
  });

  await t.test('users.updateUser({ totpSecret, backupCodes }) → users.verifyTOTP accepts a backup code once (code_type "backup_code")', async () => {
    const created = await clerk.users.createUser({ emailAddress: [uniqueEmail('sdkbackup')] });
    const digest = await bcryptHash('sdkdigest2', 6);
    const user = await clerk.users.updateUser(created.id, { totpSecret: TOTP_SECRET, backupCodes: ['sdkplain01', digest] });
    assert.equal(user.totpEnabled, true);
    assert.equal(user.backupCodeEnabled, true);
    assert.deepEqual(await clerk.users.verifyTOTP({ userId: user.id, code: 'sdkplain01' }), { verified: true, code_type: 'backup_code' });
    assertApiError(await apiError(() => clerk.users.verifyTOTP({ userId: user.id, code: 'sdkplain01' })), 422, 'totp_incorrect_code');
    assert.deepEqual(await clerk.users.verifyTOTP({ userId: user.id, code: 'sdkdigest2' }), { verified: true, code_type: 'backup_code' });
    assert.equal((await clerk.users.getUser(user.id)).backupCodeEnabled, false);
  });

  await t.test('users.deleteUserTOTP → { user_id }; the User shows totpEnabled false; verifyTOTP → 400 totp_disabled', async () => {
    const user = await clerk.users.createUser({ emailAddress: [uniqueEmail('sdkdeltotp')], totpSecret: TOTP_SECRET });
    assert.deepEqual(await clerk.users.deleteUserTOTP(user.id), { user_id: user.id });
    const after = await clerk.users.getUser(user.id);
    assert.equal(after.totpEnabled, false);
    assert.equal(after.twoFactorEnabled, false);
    assertApiError(await apiError(() => clerk.users.verifyTOTP({ userId: user.id, code: code() })), 400, 'totp_disabled');
  });

  await t.test('users.deleteUserBackupCodes → { user_id }; the User shows backupCodeEnabled false', async () => {
    const user = await clerk.users.createUser({ emailAddress: [uniqueEmail('sdkdelbk')], totpSecret: TOTP_SECRET, backupCodes: ['sdkdelbk01'] });
    assert.equal(user.backupCodeEnabled, true);
    assert.deepEqual(await clerk.users.deleteUserBackupCodes(user.id), { user_id: user.id });
    const after = await clerk.users.getUser(user.id);
    assert.equal(after.backupCodeEnabled, false);
    assert.equal(after.totpEnabled, true);
    assertApiError(await apiError(() => clerk.users.verifyTOTP({ userId: user.id, code: 'sdkdelbk01' })), 422, 'totp_invalid_length');
  });

  await t.test('users.disableUserMFA → { user_id }; TOTP and backup codes off, twoFactorEnabled false, mfa_disabled_at set', async () => {
    const user = await clerk.users.createUser({ emailAddress: [uniqueEmail('sdkmfa')], totpSecret: TOTP_SECRET, backupCodes: ['sdkmfa0001'] });
    assert.equal(user.twoFactorEnabled, true);
    clock.advance(1000);
    assert.deepEqual(await clerk.users.disableUserMFA(user.id), { user_id: user.id });
    const after = await clerk.users.getUser(user.id);
    assert.equal(after.totpEnabled, false);
    assert.equal(after.backupCodeEnabled, false);
    assert.equal(after.twoFactorEnabled, false);
    // The SDK's User class has no mfaDisabledAt; the JSON it parsed is in `raw`.
    assert.equal((after.raw as unknown as Record<string, unknown> | null)?.mfa_disabled_at, clock.now());
    assertApiError(await apiError(() => clerk.users.verifyTOTP({ userId: user.id, code: 'sdkmfa0001' })), 400, 'totp_disabled');
  });

  await t.test('users.deleteUserTOTP, deleteUserBackupCodes and disableUserMFA for an unknown user → 404 resource_not_found', async () => {
    const id = 'user_2zzzzzzzzzzzzzzzzzzzzzzzzzz';
    assertApiError(await apiError(() => clerk.users.deleteUserTOTP(id)), 404, 'resource_not_found');
    assertApiError(await apiError(() => clerk.users.deleteUserBackupCodes(id)), 404, 'resource_not_found');
    assertApiError(await apiError(() => clerk.users.disableUserMFA(id)), 404, 'resource_not_found');
  });

  await t.test('users.removePassword → a User with passwordEnabled false; verifyPassword → 400 no_password_set', async () => {
    const user = await clerk.users.createUser({ emailAddress: [uniqueEmail('sdkrmpw')], password: PASSWORD });
    const after = await clerk.users.removePassword(user.id);
    assert.equal(after.id, user.id);
    assert.equal(after.passwordEnabled, false);
    assertApiError(await apiError(() => clerk.users.verifyPassword({ userId: user.id, password: PASSWORD })), 400, 'no_password_set');
    assertApiError(await apiError(() => clerk.users.removePassword('user_2zzzzzzzzzzzzzzzzzzzzzzzzzz')), 404, 'resource_not_found');
  });

  await t.test('lockout through the SDK: 10 wrong verifyPassword calls → locked, then 403 user_locked; unlockUser restores access', async () => {
    const user = await clerk.users.createUser({ emailAddress: [uniqueEmail('sdklock')], password: PASSWORD });
    // The SDK's User class keeps only `locked`; the lockout numbers are read from `raw`.
    assert.equal(user.raw?.verification_attempts_remaining, 10);
    for (let i = 0; i < 10; i++) {
      assertApiError(await apiError(() => clerk.users.verifyPassword({ userId: user.id, password: 'Wrong-Sdk-Password-1' })), 422, 'incorrect_password');
    }
    const locked = await clerk.users.getUser(user.id);
    assert.equal(locked.locked, true);
    assert.equal(locked.raw?.lockout_expires_in_seconds, 3600);
    assert.equal(locked.raw?.verification_attempts_remaining, 0);
    assertApiError(await apiError(() => clerk.users.verifyPassword({ userId: user.id, password: PASSWORD })), 403, 'user_locked');
    const unlocked = await clerk.users.unlockUser(user.id);
    assert.equal(unlocked.locked, false);
    assert.equal(unlocked.raw?.verification_attempts_remaining, 10);
    assert.deepEqual(await clerk.users.verifyPassword({ userId: user.id, password: PASSWORD }), { verified: true });
  });
});
