import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDeps } from '../../src/deps.js';
import { parseTotpSecret, timeStepAt, totpCode } from '../../src/mfa/totp.js';
import { assertError, buildTestApp, call, createTestUser, fixedClock, type TestApp } from '../helper.js';

// Brute-force lockout (issue 3): failed verify_password and verify_totp calls count against the user in
// the database; at max_attempts the user is locked for lockout_duration seconds (null: until unlocked).
// Time comes from a fixed clock so that expiry is exact.

const PASSWORD = 'Lockout-Test-Password-61';
const WRONG = 'Lockout-Test-Password-62';
const TOTP_SECRET = 'JBSWY3DPEHPK3PXP';
const secret = parseTotpSecret(TOTP_SECRET);

type Response = Awaited<ReturnType<typeof call>>;


function assertLockedError(res: Response, expiresIn: number | null) {
  assertError(res, 403, 'user_locked');
  assert.ok(res.body.errors[0].meta && 'lockout_expires_in_seconds' in res.body.errors[0].meta, JSON.stringify(res.body));
  assert.equal(res.body.errors[0].meta.lockout_expires_in_seconds, expiresIn);
}

const verifyPassword = (ctx: TestApp, id: string, password: string) => call(ctx, 'POST', `/v1/users/${id}/verify_password`, { password });
const verifyTotp = (ctx: TestApp, id: string, code: string) => call(ctx, 'POST', `/v1/users/${id}/verify_totp`, { code });

async function getUser(ctx: TestApp, id: string) {
  const res = await call(ctx, 'GET', `/v1/users/${id}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

async function setLockout(ctx: TestApp, lockout: { max_attempts?: number; lockout_duration?: number | null }) {
  const res = await call(ctx, 'PATCH', '/v1/gatehouse/settings', { lockout });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

function currentCode(nowMs: number): string {
  return totpCode(secret, timeStepAt(nowMs));
}
/** A 6-digit code that matches none of the steps verify_totp accepts at `nowMs`. */
function wrongCode(nowMs: number): string {
  const step = timeStepAt(nowMs);
  const valid = new Set([-2, -1, 0, 1, 2].map((d) => totpCode(secret, step + d)));
  for (let i = 0; ; i++) {
    const code = String((123456 + i * 7919) % 1_000_000).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}

test('lockout after failed verifications', async (t) => {
  const clock = fixedClock(Date.UTC(2025, 2, 12, 9, 0, 5));
  const ctx = await buildTestApp(t, { clock });
  await setLockout(ctx, { max_attempts: 3, lockout_duration: 60 });
  const newUser = () => createTestUser(ctx, { password: PASSWORD, totp_secret: TOTP_SECRET });

  await t.test('GET /v1/users/{id} of a new user → locked false, verification_attempts_remaining = max_attempts', async () => {
    const user = await newUser();
    assert.equal(user.locked, false);
    assert.equal(user.lockout_expires_in_seconds, null);
    assert.equal(user.verification_attempts_remaining, 3);
  });

  await t.test('POST verify_password ×3 wrong → 422 each, counting down; then locked with lockout_expires_in_seconds 60 and 0 attempts remaining', async () => {
    const user = await newUser();
    for (const remaining of [2, 1, 0]) {
      assertError(await verifyPassword(ctx, user.id, WRONG), 422, 'incorrect_password');
      const got = await getUser(ctx, user.id);
      assert.equal(got.verification_attempts_remaining, remaining);
      assert.equal(got.locked, remaining === 0);
    }
    const locked = await getUser(ctx, user.id);
    assert.equal(locked.locked, true);
    assert.equal(locked.lockout_expires_in_seconds, 60);
    assert.equal(locked.verification_attempts_remaining, 0);
  });

  await t.test('POST verify_password while locked → 403 user_locked with meta.lockout_expires_in_seconds, even with the right password; after 61 s → 200 and the counter is reset', async () => {
    const user = await newUser();
    for (let i = 0; i < 3; i++) await verifyPassword(ctx, user.id, WRONG);

    assertLockedError(await verifyPassword(ctx, user.id, PASSWORD), 60);
    clock.advance(20_000);
    assertLockedError(await verifyPassword(ctx, user.id, PASSWORD), 40);
    assertLockedError(await verifyPassword(ctx, user.id, WRONG), 40);
    assert.equal((await getUser(ctx, user.id)).lockout_expires_in_seconds, 40, 'failures while locked do not extend the lock');

    clock.advance(41_000);
    const expired = await getUser(ctx, user.id);
    assert.equal(expired.locked, false);
    assert.equal(expired.lockout_expires_in_seconds, null);

    const ok = await verifyPassword(ctx, user.id, PASSWORD);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body, { verified: true });
    const after = await getUser(ctx, user.id);
    assert.equal(after.locked, false);
    assert.equal(after.verification_attempts_remaining, 3);
  });

  await t.test('after a lockout expires, the next failure starts a fresh count (one failure does not lock again)', async () => {
    const user = await newUser();
    for (let i = 0; i < 3; i++) await verifyPassword(ctx, user.id, WRONG);
    clock.advance(60_000);
    assertError(await verifyPassword(ctx, user.id, WRONG), 422, 'incorrect_password');
    const got = await getUser(ctx, user.id);
    assert.equal(got.locked, false);
    assert.equal(got.verification_attempts_remaining, 2);
    assert.equal((await verifyPassword(ctx, user.id, PASSWORD)).status, 200);
  });

  await t.test('GET /v1/users/{id} after a lockout expired → verification_attempts_remaining is max_attempts again', async () => {
    const user = await newUser();
    for (let i = 0; i < 3; i++) await verifyPassword(ctx, user.id, WRONG);
    clock.advance(61_000);
    const got = await getUser(ctx, user.id);
    assert.equal(got.locked, false);
    assert.equal(got.verification_attempts_remaining, 3);
  });

  await t.test('a successful verify_password resets the failure count', async () => {
    const user = await newUser();
    await verifyPassword(ctx, user.id, WRONG);
    await verifyPassword(ctx, user.id, WRONG);
    assert.equal((await getUser(ctx, user.id)).verification_attempts_remaining, 1);
    assert.equal((await verifyPassword(ctx, user.id, PASSWORD)).status, 200);
    assert.equal((await getUser(ctx, user.id)).verification_attempts_remaining, 3);
    await verifyPassword(ctx, user.id, WRONG);
    await verifyPassword(ctx, user.id, WRONG);
    assert.equal((await getUser(ctx, user.id)).locked, false, 'two failures after a reset do not lock');
  });

  await t.test('POST verify_totp failures count in the same counter as verify_password', async () => {
    const user = await newUser();
    assertError(await verifyPassword(ctx, user.id, WRONG), 422, 'incorrect_password');
    assertError(await verifyTotp(ctx, user.id, wrongCode(clock.now())), 422, 'totp_incorrect_code');
    assert.equal((await getUser(ctx, user.id)).verification_attempts_remaining, 1);
    assertError(await verifyTotp(ctx, user.id, wrongCode(clock.now())), 422, 'totp_incorrect_code');
    const locked = await getUser(ctx, user.id);
    assert.equal(locked.locked, true);
    assert.equal(locked.lockout_expires_in_seconds, 60);
    assertLockedError(await verifyTotp(ctx, user.id, currentCode(clock.now())), 60);
    assertLockedError(await verifyPassword(ctx, user.id, PASSWORD), 60);
    clock.advance(61_000);
    const ok = await verifyTotp(ctx, user.id, currentCode(clock.now()));
    assert.deepEqual(ok.body, { verified: true, code_type: 'totp' });
    assert.equal((await getUser(ctx, user.id)).verification_attempts_remaining, 3, 'a TOTP success resets the counter');
  });

  await t.test('POST verify_totp with a wrong backup code counts towards the lockout', async () => {
    const user = await createTestUser(ctx, { backup_codes: ['lockbk01', 'lockbk02'] });
    for (let i = 0; i < 3; i++) assertError(await verifyTotp(ctx, user.id, `nope000${i}`), 422, 'totp_incorrect_code');
    assert.equal((await getUser(ctx, user.id)).locked, true);
    assertLockedError(await verifyTotp(ctx, user.id, 'lockbk01'), 60);
    assert.equal((await getUser(ctx, user.id)).backup_code_enabled, true);
    clock.advance(61_000);
    assert.deepEqual((await verifyTotp(ctx, user.id, 'lockbk01')).body, { verified: true, code_type: 'backup_code' });
  });

  await t.test('POST /v1/users/{id}/unlock → 200, locked false, the counter is reset and the right password verifies', async () => {
    const user = await newUser();
    for (let i = 0; i < 3; i++) await verifyPassword(ctx, user.id, WRONG);
    assert.equal((await getUser(ctx, user.id)).locked, true);
    const unlocked = await call(ctx, 'POST', `/v1/users/${user.id}/unlock`);
    assert.equal(unlocked.status, 200, JSON.stringify(unlocked.body));
    assert.equal(unlocked.body.locked, false);
    assert.equal(unlocked.body.lockout_expires_in_seconds, null);
    assert.equal(unlocked.body.verification_attempts_remaining, 3);
    // A full set of attempts again: two failures do not lock.
    await verifyPassword(ctx, user.id, WRONG);
    await verifyPassword(ctx, user.id, WRONG);
    assert.equal((await getUser(ctx, user.id)).locked, false);
    assert.equal((await verifyPassword(ctx, user.id, PASSWORD)).status, 200);
  });

  await t.test('POST /v1/users/{id}/lock (admin lock) → verify_password and verify_totp → 403 user_locked until unlock', async () => {
    const user = await newUser();
    const locked = await call(ctx, 'POST', `/v1/users/${user.id}/lock`);
    assert.equal(locked.status, 200, JSON.stringify(locked.body));
    assert.equal(locked.body.locked, true);
    assert.equal(locked.body.lockout_expires_in_seconds, 60);
    assertLockedError(await verifyPassword(ctx, user.id, PASSWORD), 60);
    assertLockedError(await verifyTotp(ctx, user.id, currentCode(clock.now())), 60);
    await call(ctx, 'POST', `/v1/users/${user.id}/unlock`);
    assert.equal((await verifyPassword(ctx, user.id, PASSWORD)).status, 200);
  });

  await t.test('concurrent failed verify_password calls all count', async () => {
    const user = await newUser();
    const results = await Promise.all(Array.from({ length: 6 }, () => verifyPassword(ctx, user.id, WRONG)));
    for (const res of results) assert.ok(res.status === 422 || res.status === 403, JSON.stringify(res.body));
    const got = await getUser(ctx, user.id);
    assert.equal(got.locked, true);
    assert.equal(got.verification_attempts_remaining, 0);
    assertLockedError(await verifyPassword(ctx, user.id, PASSWORD), 60);
  });

  await t.test('max_attempts 0 turns lockout off: verification_attempts_remaining null, 20 failures do not lock', async () => {
    await setLockout(ctx, { max_attempts: 0 });
    try {
      const user = await newUser();
      assert.equal(user.verification_attempts_remaining, null);
      for (let i = 0; i < 20; i++) assertError(await verifyPassword(ctx, user.id, WRONG), 422, 'incorrect_password');
      for (let i = 0; i < 5; i++) assertError(await verifyTotp(ctx, user.id, wrongCode(clock.now())), 422, 'totp_incorrect_code');
      const got = await getUser(ctx, user.id);
      assert.equal(got.locked, false);
      assert.equal(got.verification_attempts_remaining, null);
      assert.equal((await verifyPassword(ctx, user.id, PASSWORD)).status, 200);
    } finally {
      await setLockout(ctx, { max_attempts: 3 });
    }
  });

  await t.test('lockout_duration null → a permanent lock: lockout_expires_in_seconds null, still locked a year later, until unlock', async () => {
    await setLockout(ctx, { lockout_duration: null });
    try {
      const user = await newUser();
      for (let i = 0; i < 3; i++) await verifyPassword(ctx, user.id, WRONG);
      const locked = await getUser(ctx, user.id);
      assert.equal(locked.locked, true);
      assert.equal(locked.lockout_expires_in_seconds, null);
      assertLockedError(await verifyPassword(ctx, user.id, PASSWORD), null);
      clock.advance(365 * 24 * 3600 * 1000);
      assert.equal((await getUser(ctx, user.id)).locked, true);
      assertLockedError(await verifyPassword(ctx, user.id, PASSWORD), null);
      assertLockedError(await verifyTotp(ctx, user.id, currentCode(clock.now())), null);
      const unlocked = await call(ctx, 'POST', `/v1/users/${user.id}/unlock`);
      assert.equal(unlocked.body.locked, false);
      assert.equal((await verifyPassword(ctx, user.id, PASSWORD)).status, 200);
    } finally {
      await setLockout(ctx, { lockout_duration: 60 });
    }
  });

  await t.test('the counter lives in the database: two apps over the same database share it', async () => {
    // Another "process": its own Deps (own settings cache) and app, the same database and clock.
    const config = loadConfig({ LOG_LEVEL: 'silent', GATEHOUSE_DATA_DIR: '/nonexistent-gatehouse-test' });
    const deps2 = await createDeps(config, { db: ctx.deps.db, clock, encryptionKey: ctx.encryptionKey });
    const app2 = await buildApp(deps2, { logger: false });
    // And a second app over the very same Deps.
    const app3 = await buildApp(ctx.deps, { logger: false });
    try {
      const other: TestApp = { app: app2, deps: deps2, auth: ctx.auth };
      const same: TestApp = { app: app3, deps: ctx.deps, auth: ctx.auth };
      const user = await createTestUser(ctx, { password: PASSWORD });

      assertError(await verifyPassword(ctx, user.id, WRONG), 422, 'incorrect_password');
      assertError(await verifyPassword(other, user.id, WRONG), 422, 'incorrect_password');
      assert.equal((await getUser(same, user.id)).verification_attempts_remaining, 1);
      assert.equal((await getUser(other, user.id)).verification_attempts_remaining, 1);
      assertError(await verifyPassword(same, user.id, WRONG), 422, 'incorrect_password');

      for (const app of [ctx, other, same]) {
        assert.equal((await getUser(app, user.id)).locked, true);
        assertLockedError(await verifyPassword(app, user.id, PASSWORD), 60);
      }
      const unlocked = await call(other, 'POST', `/v1/users/${user.id}/unlock`);
      assert.equal(unlocked.status, 200);
      assert.equal((await verifyPassword(ctx, user.id, PASSWORD)).status, 200);
      assert.equal((await getUser(other, user.id)).verification_attempts_remaining, 3);
    } finally {
      await app2.close();
      await app3.close();
    }
  });

  await t.test('settings changed through one app are enforced by another (enforcement reads the database)', async () => {
    const config = loadConfig({ LOG_LEVEL: 'silent', GATEHOUSE_DATA_DIR: '/nonexistent-gatehouse-test' });
    const deps2 = await createDeps(config, { db: ctx.deps.db, clock, encryptionKey: ctx.encryptionKey });
    const app2 = await buildApp(deps2, { logger: false });
    try {
      const other: TestApp = { app: app2, deps: deps2, auth: ctx.auth };
      await setLockout(ctx, { max_attempts: 2 });
      const user = await createTestUser(ctx, { password: PASSWORD });
      await verifyPassword(other, user.id, WRONG);
      await verifyPassword(other, user.id, WRONG);
      assertLockedError(await verifyPassword(other, user.id, PASSWORD), 60);
    } finally {
      await setLockout(ctx, { max_attempts: 3 });
      await app2.close();
    }
  });

  await t.test('POST verify_password / verify_totp for an unknown user → 404 and no counter anywhere', async () => {
    assertError(await verifyPassword(ctx, 'user_doesnotexist', WRONG), 404, 'resource_not_found');
    assertError(await verifyTotp(ctx, 'user_doesnotexist', '123456'), 404, 'resource_not_found');
  });

  await t.test('PATCH /v1/gatehouse/settings restores the default lockout', async () => {
    const res = await call(ctx, 'PATCH', '/v1/gatehouse/settings', { lockout: { max_attempts: 10, lockout_duration: 3600 } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.lockout, { max_attempts: 10, lockout_duration: 3600 });
  });
});
