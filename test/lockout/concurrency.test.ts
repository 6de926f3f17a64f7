import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { hash } from '@node-rs/bcrypt';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDeps } from '../../src/deps.js';
import { parseTotpSecret, timeStepAt, totpCode } from '../../src/mfa/totp.js';
import { assertError, buildTestApp, call, createTestUser, openTestDatabase, SECRET_KEY, type TestApp } from '../helper.js';

// Lockout under concurrency (issue 11): an attempt is counted before it is checked, atomically on both
// engines and across processes, so parallel guesses check at most max_attempts of them. A replay of a
// code that was just accepted is refused and not counted. Hashing queues are bounded per user.

const PASSWORD = 'Parallel-Lockout-Pass-81';
const WRONG = 'Parallel-Lockout-Pass-82';
const TOTP_SECRET = 'JBSWY3DPEHPK3PXP';
const secret = parseTotpSecret(TOTP_SECRET);

const verifyPassword = (ctx: TestApp, id: string, password: string) => call(ctx, 'POST', `/v1/users/${id}/verify_password`, { password });
const verifyTotp = (ctx: TestApp, id: string, code: string) => call(ctx, 'POST', `/v1/users/${id}/verify_totp`, { code });
const setLockout = async (ctx: TestApp, lockout: { max_attempts?: number; lockout_duration?: number | null }) =>
  assert.equal((await call(ctx, 'PATCH', '/v1/gatehouse/settings', { lockout })).status, 200);

/** How many answers had each status. */
function statuses(responses: { status: number }[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of responses) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

function wrongTotp(nowMs: number): string {
  const valid = new Set([-1, 0, 1].map((d) => totpCode(secret, timeStepAt(nowMs) + d)));
  for (let i = 0; ; i++) {
    const code = String((654321 + i * 7919) % 1_000_000).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}

async function attemptsRemaining(ctx: TestApp, id: string): Promise<number | null> {
  return (await call(ctx, 'GET', `/v1/users/${id}`)).body.verification_attempts_remaining;
}

test('lockout under concurrency', async (t) => {
  const ctx = await buildTestApp(t);
  await setLockout(ctx, { max_attempts: 10, lockout_duration: 3600 });

  await t.test('50 parallel wrong passwords → 10 checked (422), the other 40 refused unchecked (403 user_locked)', async () => {
    const user = await createTestUser(ctx, { password: PASSWORD });
    const responses = await Promise.all(Array.from({ length: 50 }, () => verifyPassword(ctx, user.id, WRONG)));
    assert.deepEqual(statuses(responses), { 422: 10, 403: 40 });
    for (const res of responses) assertError(res, res.status, res.status === 422 ? 'incorrect_password' : 'user_locked');
    const got = (await call(ctx, 'GET', `/v1/users/${user.id}`)).body;
    assert.equal(got.locked, true);
    assert.equal(got.verification_attempts_remaining, 0);
  });

  await t.test('the right password after 199 parallel wrong ones → 403 user_locked', async () => {
    const user = await createTestUser(ctx, { password: PASSWORD });
    const wrong = await Promise.all(Array.from({ length: 199 }, () => verifyPassword(ctx, user.id, WRONG)));
    assert.ok((statuses(wrong)[422] ?? 0) <= 10, JSON.stringify(statuses(wrong)));
    assertError(await verifyPassword(ctx, user.id, PASSWORD), 403, 'user_locked');
  });

  await t.test('50 parallel wrong TOTP codes → at most 10 checked, then locked; the right code is refused', async () => {
    const user = await createTestUser(ctx, { totp_secret: TOTP_SECRET });
    const responses = await Promise.all(Array.from({ length: 50 }, () => verifyTotp(ctx, user.id, wrongTotp(Date.now()))));
    assert.deepEqual(statuses(responses), { 422: 10, 403: 40 });
    assertError(await verifyTotp(ctx, user.id, totpCode(secret, timeStepAt(Date.now()))), 403, 'user_locked');
  });

  await t.test('30 parallel wrong backup codes → at most 10 checked', async () => {
    const digests = await Promise.all(['bk-one-1', 'bk-two-2'].map((code) => hash(code, 4)));
    const user = await createTestUser(ctx, { backup_codes: digests });
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => verifyTotp(ctx, user.id, `guess-${i}`)));
    assert.deepEqual(statuses(responses), { 422: 10, 403: 20 });
    assertError(await verifyTotp(ctx, user.id, 'bk-one-1'), 403, 'user_locked');
  });

  await t.test('two server instances on one database, 25 parallel guesses each → at most 10 checked in all', async (t) => {
    const { db, connectAgain } = await openTestDatabase(t);
    t.after(() => db.destroy());
    const config = loadConfig({ LOG_LEVEL: 'silent', GATEHOUSE_DATA_DIR: '/nonexistent-gatehouse-test' });
    const encryptionKey = randomBytes(32);
    const instances: TestApp[] = [];
    for (const connection of [db, await connectAgain()]) {
      const deps = await createDeps(config, { db: connection, encryptionKey });
      const app = await buildApp(deps, { logger: false });
      t.after(() => app.close());
      instances.push({ app, deps, auth: { authorization: `Bearer ${SECRET_KEY}` } });
    }
    const { registerSecretKey } = await import('../../src/secret-keys/service.js');
    await registerSecretKey(db, SECRET_KEY, Date.now());
    for (const instance of instances) await instance.deps.keys.reload();
    const [a, b] = instances as [TestApp, TestApp];
    const user = await createTestUser(a, { password: PASSWORD, totp_secret: TOTP_SECRET });
    const guesses = Array.from({ length: 25 }, (_, i) => [
      verifyPassword(a, user.id, WRONG),
      i % 2 ? verifyTotp(b, user.id, wrongTotp(Date.now())) : verifyPassword(b, user.id, WRONG),
    ]).flat();
    const counted = statuses(await Promise.all(guesses));
    assert.deepEqual(counted, { 422: 10, 403: 40 });
    assertError(await verifyPassword(b, user.id, PASSWORD), 403, 'user_locked');
  });

  await t.test('a replay of a TOTP code just accepted → 422, and it does not count', async () => {
    await setLockout(ctx, { max_attempts: 3 });
    try {
      const user = await createTestUser(ctx, { totp_secret: TOTP_SECRET });
      const code = totpCode(secret, timeStepAt(Date.now()));
      const first = await verifyTotp(ctx, user.id, code);
      if (first.status === 422) return; // the step changed between making the code and checking it: nothing to test
      assert.deepEqual(first.body, { verified: true, code_type: 'totp' });
      for (let i = 0; i < 5; i++) assertError(await verifyTotp(ctx, user.id, code), 422, 'totp_incorrect_code');
      assert.equal(await attemptsRemaining(ctx, user.id), 3, 'replays are not guesses');
      // Nor do ten replays at once.
      await Promise.all(Array.from({ length: 10 }, () => verifyTotp(ctx, user.id, code)));
      assert.equal(await attemptsRemaining(ctx, user.id), 3);
      // A wrong code still counts.
      assertError(await verifyTotp(ctx, user.id, wrongTotp(Date.now())), 422, 'totp_incorrect_code');
      assert.equal(await attemptsRemaining(ctx, user.id), 2);
    } finally {
      await setLockout(ctx, { max_attempts: 10 });
    }
  });

  await t.test('the last allowed attempt, if right, verifies and leaves the user unlocked', async () => {
    const user = await createTestUser(ctx, { password: PASSWORD });
    for (let i = 0; i < 9; i++) assertError(await verifyPassword(ctx, user.id, WRONG), 422, 'incorrect_password');
    assert.deepEqual((await verifyPassword(ctx, user.id, PASSWORD)).body, { verified: true });
    const got = (await call(ctx, 'GET', `/v1/users/${user.id}`)).body;
    assert.equal(got.locked, false);
    assert.equal(got.verification_attempts_remaining, 10);
  });

  await t.test('backup codes hash through the limiter: a flood beyond the user\'s queue → 429 too_many_requests with Retry-After, given back', async () => {
    // 20 digests per attempt, 10 attempts at once: 200 hashes, more than one user's queue holds (64).
    const digests = await Promise.all(Array.from({ length: 20 }, (_, i) => hash(`code-${i}-x`, 4)));
    const user = await createTestUser(ctx, { backup_codes: digests });
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => verifyTotp(ctx, user.id, `nope-${i}`)));
    const counts = statuses(responses);
    assert.ok((counts[429] ?? 0) > 0, JSON.stringify(counts));
    const refused = responses.find((r) => r.status === 429)!;
    assertError(refused, 429, 'too_many_requests');
    assert.match(String(refused.headers['retry-after']), /^[1-9]\d*$/);
    // The refused attempts were not guesses: only the checked ones count.
    assert.equal(await attemptsRemaining(ctx, user.id), 10 - (counts[422] ?? 0));
  });

  await t.test("one user's flood does not starve another user's verification", async () => {
    await setLockout(ctx, { max_attempts: 0 }); // no lockout: the flood is limited by the hashing queue alone
    try {
      const flooder = await createTestUser(ctx, { password: PASSWORD });
      const other = await createTestUser(ctx, { password: PASSWORD });
      let floodDone = 0;
      const flood = Array.from({ length: 80 }, () =>
        verifyPassword(ctx, flooder.id, WRONG).then((res) => {
          if (res.status !== 429) floodDone += 1;
          return res;
        }),
      );
      await new Promise((resolve) => setImmediate(resolve));
      const res = await verifyPassword(ctx, other.id, PASSWORD);
      const doneWhenOtherFinished = floodDone;
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const floodResponses = await Promise.all(flood);
      const counts = statuses(floodResponses);
      assert.ok((counts[429] ?? 0) > 0, `the flood overflowed its queue: ${JSON.stringify(counts)}`);
      assert.ok(doneWhenOtherFinished < (counts[422] ?? 0) / 2, `the other user waited for ${doneWhenOtherFinished} of the flood's ${counts[422]} hashes`);
    } finally {
      await setLockout(ctx, { max_attempts: 10 });
    }
  });
});
