import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mock, test } from 'node:test';
import { hash as bcryptHash } from '@node-rs/bcrypt';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDeps } from '../../src/deps.js';
import { hashers } from '../../src/passwords/hashers/index.js';
import { assertError, buildTestApp, call, createTestUser, uniqueEmail, type TestApp } from '../helper.js';
import { vectors } from './hashers/helpers.js';

// Imported password digests through the front door (issue 3): every vector of
// test/fixtures/password-digests.json goes in through POST /v1/users and PATCH /v1/users/{id},
// is checked with verify_password, and is upgraded to argon2id after its first successful verify.
// Bad digests are refused when they arrive (422 form_param_format_invalid), and nothing is stored.

type Response = Awaited<ReturnType<typeof call>>;

/** Every key and every string value of a JSON document, at any depth. */
function walk(value: unknown, keys: Set<string>, strings: Set<string>) {
  if (typeof value === 'string') strings.add(value);
  else if (Array.isArray(value)) for (const v of value) walk(v, keys, strings);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      keys.add(k);
      walk(v, keys, strings);
    }
  }
}

/** A response must never echo the stored digest, nor carry the hasher name or any digest/hasher field. */
function assertNoSecrets(res: Response, digest: string, hasher?: string) {
  const raw = JSON.stringify(res.body ?? null);
  assert.ok(!raw.includes(digest), `response contains the digest: ${raw.slice(0, 200)}`);
  const keys = new Set<string>();
  const strings = new Set<string>();
  walk(res.body, keys, strings);
  for (const key of keys) assert.ok(!/digest|hasher/.test(key), `response has a field ${key}`);
  if (hasher !== undefined) assert.ok(!strings.has(hasher), `response contains the hasher name ${hasher}`);
}

async function storedPassword(ctx: TestApp, id: string) {
  return ctx.deps.db
    .selectFrom('users')
    .select(['password_digest', 'password_hasher'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

async function userCount(ctx: TestApp): Promise<number> {
  const res = await call(ctx, 'GET', '/v1/users/count');
  assert.equal(res.status, 200);
  return res.body.total_count;
}

const verify = (ctx: TestApp, id: string, password: string) => call(ctx, 'POST', `/v1/users/${id}/verify_password`, { password });

/**
 * The life of an imported digest: the wrong password fails (first, since a success clears the failure
 * count), the right one verifies, the stored digest is then argon2id, and the new digest still tells
 * the right password from the wrong one.
 */
async function assertVerifiesAndUpgrades(ctx: TestApp, id: string, v: { hasher: string; digest: string; password: string; wrong_password: string }) {
  const before = await storedPassword(ctx, id);
  assert.equal(before.password_hasher, v.hasher, 'the hasher name is stored as given');
  assert.equal(before.password_digest, v.digest, 'the digest is stored as given until it is upgraded');

  const wrong = await verify(ctx, id, v.wrong_password);
  assertError(wrong, 422, 'incorrect_password');
  assertNoSecrets(wrong, v.digest, v.hasher);
  assert.deepEqual(await storedPassword(ctx, id), before, 'a failed verify changes no digest');

  const right = await verify(ctx, id, v.password);
  assert.equal(right.status, 200, JSON.stringify(right.body));
  assert.deepEqual(right.body, { verified: true });

  const after = await storedPassword(ctx, id);
  assert.equal(after.password_hasher, 'argon2id');
  assert.match(after.password_digest ?? '', /^\$argon2id\$/);
  // Legacy hashers, and argon2id below OWASP's m=19 MiB, t=2, are replaced; a strong argon2id digest stays.
  const weakArgon2 = /^\$argon2id\$v=\d+\$m=(\d+),t=(\d+)/.exec(v.digest);
  const weak = weakArgon2 !== null && (Number(weakArgon2[1]) < 19456 || Number(weakArgon2[2]) < 2);
  if (v.hasher !== 'argon2id' || weak) assert.notEqual(after.password_digest, v.digest, 'the weak digest is gone');
  else assert.equal(after.password_digest, v.digest, 'a strong argon2id digest is kept');

  const again = await verify(ctx, id, v.password);
  assert.equal(again.status, 200, `the upgraded digest verifies: ${JSON.stringify(again.body)}`);
  assertError(await verify(ctx, id, v.wrong_password), 422, 'incorrect_password');
  assert.deepEqual(await storedPassword(ctx, id), after, 'a second verify of an argon2id digest does not rehash');
}

/** Valid vectors with one cost parameter pushed over its limit (src/passwords/hashers/limits.ts). */
const overLimit: { name: string; hasher: string; digest: string }[] = [
  { name: 'bcrypt cost 31', hasher: 'bcrypt', digest: '$2b$31$bLtc25S.sVUxJ0SL8bm2DupcdwPouTi441pKtuOnq8y8TTXN8BP0y' },
  { name: 'bcrypt cost 16 (Clerk allows 15)', hasher: 'bcrypt', digest: '$2b$16$bLtc25S.sVUxJ0SL8bm2DupcdwPouTi441pKtuOnq8y8TTXN8BP0y' },
  {
    name: 'bcrypt_sha256_django cost 31',
    hasher: 'bcrypt_sha256_django',
    digest: 'bcrypt_sha256$$2b$31$KVoUcLL/vD1rBjqDigAc8.eKyX65ucqVFONrb.pvll7hqpQA.8vWC',
  },
  {
    name: 'scrypt_werkzeug N=2^20 (1 GiB)',
    hasher: 'scrypt_werkzeug',
    digest:
      'scrypt:1048576:8:1$HtOFX2XY9zlgxgxf$174cea62431a3a62164c6f476cbee96755d105ef226526649512b6b90fa0c868d7fe2f9a9413cfa4ed5bfd49798bfa803655ada587f9e7da90da4bc77622dde2',
  },
  {
    name: 'scrypt_werkzeug p=64',
    hasher: 'scrypt_werkzeug',
    digest:
      'scrypt:1024:8:64$HtOFX2XY9zlgxgxf$174cea62431a3a62164c6f476cbee96755d105ef226526649512b6b90fa0c868d7fe2f9a9413cfa4ed5bfd49798bfa803655ada587f9e7da90da4bc77622dde2',
  },
  {
    name: 'scrypt_firebase mem_cost 24 (N=2^24)',
    hasher: 'scrypt_firebase',
    digest: 'h965Csrg1lZKV36Bckt0I6889I4X5NZdx2mc42E4XJk=$ehcDtDrsh9vhKA==$daywdW24ks51kttv98B2K2WWy9aY3Z3MmhctfYofuiw=$AQI=$8$24',
  },
  {
    name: 'pbkdf2_sha256 10 000 000 iterations',
    hasher: 'pbkdf2_sha256',
    digest: 'pbkdf2_sha256$10000000$JVcVb34iWaFqIxRrU4kpxQ==$+sIDzqxbFmbxtLj//hfjHkyM0dCtFc5ht13IMY00uDQ=',
  },
  {
    name: 'pbkdf2_sha256_django 10 000 000 iterations',
    hasher: 'pbkdf2_sha256_django',
    digest: 'pbkdf2_sha256$10000000$a1b2c3d4e5f6$pWF+AJeWd0ipn46SEBi9wWYekuPbVMcJCfCMPMAA14w=',
  },
  {
    name: 'pbkdf2_sha1 2^32 iterations',
    hasher: 'pbkdf2_sha1',
    digest: 'pbkdf2_sha1$4294967296$NaCl-saltyGHz$e313224e658158aa6ea348daa2b6c542dcf5334dece850a72df4e1e038b2c51d',
  },
  {
    name: 'pbkdf2_sha512_hex 50 000 000 iterations',
    hasher: 'pbkdf2_sha512_hex',
    digest: `pbkdf2_sha512_hex$50000000$0a6664f7a46888817d7a5d3c132fd9d4$${'ab'.repeat(64)}`,
  },
  {
    name: 'argon2id m=4 GiB',
    hasher: 'argon2id',
    digest: '$argon2id$v=19$m=4194304,t=2,p=1$VNDDBtQJCganJJLfWVuK+Q$aTORxRef3NuKmscsyP5NX9u+4E3xYDntq9eljHXKM3Q',
  },
  {
    name: 'argon2i t=1000',
    hasher: 'argon2i',
    digest: '$argon2i$v=19$m=4096,t=1000,p=1$frJ00SNZ/lGwrXDwp3/gyA$8h1ufPAPNuoxXeKuEhAfuLD1Hbmm89hg3Cgyf7RtxAY',
  },
  { name: 'phpass 2^30 rounds', hasher: 'phpass', digest: '$P$SbbXrmbfmrX96NsWgqEZXlAwqrROY8.' },
  {
    name: 'sha512_symfony 10 000 000 iterations',
    hasher: 'sha512_symfony',
    digest:
      'sha512_symfony$10000000$k3y.salt/with+chars$Csxjrvrnp+S8cpt09yWxzDabUyuCAwSXGM3zqfvrYPHbA78xDU/rwcriuv7WKutVavUthv1wEBeUE6uGswbogA==',
  },
];

const malformed: { name: string; hasher: string; digest: string }[] = [
  { name: 'bcrypt cut short', hasher: 'bcrypt', digest: '$2b$10$bLtc25S.sVUxJ0SL8bm2DupcdwPouTi441p' },
  { name: 'bcrypt with an unknown version', hasher: 'bcrypt', digest: '$2x$10$bLtc25S.sVUxJ0SL8bm2DupcdwPouTi441pKtuOnq8y8TTXN8BP0y' },
  { name: 'md5 that is not hex', hasher: 'md5', digest: 'zz4dcc3b5aa765d61d8327deb882cf99' },
  { name: 'sha256 of the wrong length', hasher: 'sha256', digest: '9f86d081884c7d659a2feaa0c55ad015' },
  { name: 'pbkdf2_sha256 with a non-numeric iteration count', hasher: 'pbkdf2_sha256', digest: 'pbkdf2_sha256$many$JVcVb34iWaFqIxRrU4kpxQ==$+sIDzqxbFmbxtLj//hfjHkyM0dCtFc5ht13IMY00uDQ=' },
  { name: 'an argon2id digest given as argon2i', hasher: 'argon2i', digest: '$argon2id$v=19$m=19456,t=2,p=1$VNDDBtQJCganJJLfWVuK+Q$aTORxRef3NuKmscsyP5NX9u+4E3xYDntq9eljHXKM3Q' },
  { name: 'scrypt_firebase with 5 fields', hasher: 'scrypt_firebase', digest: 'h965Csrg1lZKV36Bckt0I6889I4X5NZdx2mc42E4XJk=$ehcDtDrsh9vhKA==$daywdW24ks51kttv98B2K2WWy9aY3Z3MmhctfYofuiw=$AQI=$8' },
  { name: 'ldap_ssha without its {SSHA} prefix', hasher: 'ldap_ssha', digest: 'QD9tXSWJcLB7008Juh438316uXtr7wam' },
  { name: 'phpass with a bad prefix', hasher: 'phpass', digest: '$X$B1Q5CMaUEfZYJdnzRKLjC6zQ.MZZYH/' },
  { name: 'an empty digest', hasher: 'bcrypt', digest: '' },
  { name: 'plain text', hasher: 'sha512_symfony', digest: 'hunter2' },
  { name: 'a 2000-character pbkdf2_sha512 digest (salt padded out)', hasher: 'pbkdf2_sha512', digest: `pbkdf2_sha512$1000$${'s'.repeat(1850)}$${'ab'.repeat(64)}` },
];

test('imported password digests', async (t) => {
  const ctx = await buildTestApp(t);

  // 50+ vectors each fail once or twice; with the default 10 attempts nothing would lock, but the
  // counter is per user anyway. Lockout off keeps the test about hashing only.
  const settings = await call(ctx, 'PATCH', '/v1/gatehouse/settings', { lockout: { max_attempts: 0 } });
  assert.equal(settings.status, 200, JSON.stringify(settings.body));

  await t.test('password-digests.json holds a vector for every hasher it documents', () => {
    assert.ok(vectors.length >= 50, `only ${vectors.length} vectors`);
    const hashers = new Set(vectors.map((v) => v.hasher));
    for (const name of ['bcrypt', 'bcrypt_sha256_django', 'md5', 'sha256', 'pbkdf2_sha1', 'pbkdf2_sha256', 'pbkdf2_sha256_django',
      'pbkdf2_sha512', 'pbkdf2_sha512_hex', 'phpass', 'md5_phpass', 'ldap_ssha', 'sha512_symfony', 'argon2i', 'argon2id',
      'scrypt_werkzeug', 'scrypt_firebase']) {
      assert.ok(hashers.has(name), `no vector for ${name}`);
    }
  });

  for (const [i, v] of vectors.entries()) {
    await t.test(`POST /v1/users with password_hasher=${v.hasher} (vector ${i}, ${v.generator}) → 200; verify_password 422 for wrong_password, 200 for password, digest upgraded to argon2id`, async () => {
      const created = await call(ctx, 'POST', '/v1/users', {
        email_address: [uniqueEmail('import')],
        password_digest: v.digest,
        password_hasher: v.hasher,
      });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      assert.equal(created.body.password_enabled, true);
      assertNoSecrets(created, v.digest, v.hasher);
      assertNoSecrets(await call(ctx, 'GET', `/v1/users/${created.body.id}`), v.digest, v.hasher);
      await assertVerifiesAndUpgrades(ctx, created.body.id, v);
    });
  }

  for (const [i, v] of vectors.entries()) {
    await t.test(`PATCH /v1/users/{id} with password_hasher=${v.hasher} (vector ${i}) → 200; verify_password 422 then 200, digest upgraded to argon2id`, async () => {
      const user = await createTestUser(ctx);
      assert.equal(user.password_enabled, false);
      const updated = await call(ctx, 'PATCH', `/v1/users/${user.id}`, { password_digest: v.digest, password_hasher: v.hasher });
      assert.equal(updated.status, 200, JSON.stringify(updated.body));
      assert.equal(updated.body.password_enabled, true);
      assertNoSecrets(updated, v.digest, v.hasher);
      await assertVerifiesAndUpgrades(ctx, user.id, v);
    });
  }

  await t.test('PATCH /v1/users/{id} with a digest replaces an existing password', async () => {
    const user = await createTestUser(ctx, { password: 'Marble-Tundra-Fjord-19' });
    const v = vectors.find((x) => x.hasher === 'pbkdf2_sha256_django')!;
    const updated = await call(ctx, 'PATCH', `/v1/users/${user.id}`, { password_digest: v.digest, password_hasher: v.hasher });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assertError(await verify(ctx, user.id, 'Marble-Tundra-Fjord-19'), 422, 'incorrect_password');
    assert.equal((await verify(ctx, user.id, v.password)).status, 200);
  });

  await t.test('POST /v1/users with password_hasher=bcrypt_peppered and the pepper in the digest → 200; verify_password checks bcrypt(password ‖ pepper) and upgrades', async () => {
    const pepper = `devise-pepper-${randomBytes(4).toString('hex')}`;
    const password = 'Quill-Harbor-Pepper-55';
    const digest = `${await bcryptHash(password + pepper, 6)}$${pepper}`;
    const created = await call(ctx, 'POST', '/v1/users', {
      email_address: [uniqueEmail('pepper')],
      password_digest: digest,
      password_hasher: 'bcrypt_peppered',
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(created.body.password_enabled, true);
    assertNoSecrets(created, digest, 'bcrypt_peppered');
    assert.ok(!JSON.stringify(created.body).includes(pepper), 'the pepper is never returned');
    await assertVerifiesAndUpgrades(ctx, created.body.id, { hasher: 'bcrypt_peppered', digest, password, wrong_password: 'Quill-Harbor-Pepper-56' });
  });

  await t.test('POST /v1/users with password_hasher=bcrypt_peppered: the password alone (without the pepper) does not verify', async () => {
    const pepper = 'p3pp3r';
    const digest = `${await bcryptHash('Solo-Password-88' + pepper, 6)}$${pepper}`;
    const created = await call(ctx, 'POST', '/v1/users', { email_address: [uniqueEmail('pepper')], password_digest: digest, password_hasher: 'bcrypt_peppered' });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assertError(await verify(ctx, created.body.id, 'Solo-Password-88p3pp3r'), 422, 'incorrect_password');
    assert.equal((await verify(ctx, created.body.id, 'Solo-Password-88')).status, 200);
  });

  await t.test('POST /v1/users with password_hasher=bcrypt_peppered and no pepper anywhere → 422 form_param_format_invalid (password_digest)', async () => {
    const before = await userCount(ctx);
    const digest = await bcryptHash('No-Pepper-Configured-1', 6);
    const res = await call(ctx, 'POST', '/v1/users', { email_address: [uniqueEmail('pepper')], password_digest: digest, password_hasher: 'bcrypt_peppered' });
    assertError(res, 422, 'form_param_format_invalid', 'password_digest');
    assertNoSecrets(res, digest);
    assert.equal(await userCount(ctx), before);
  });

  for (const bad of overLimit) {
    await t.test(`POST /v1/users with a digest over the cost limit (${bad.name}) → 422 form_param_format_invalid (password_digest), no user created`, async () => {
      const before = await userCount(ctx);
      const email = uniqueEmail('limit');
      const res = await call(ctx, 'POST', '/v1/users', { email_address: [email], password_digest: bad.digest, password_hasher: bad.hasher });
      assertError(res, 422, 'form_param_format_invalid', 'password_digest');
      assertNoSecrets(res, bad.digest);
      assert.equal(await userCount(ctx), before);
      const list = await call(ctx, 'GET', `/v1/users?email_address=${encodeURIComponent(email)}`);
      assert.deepEqual(list.body, []);
    });
  }

  for (const bad of malformed) {
    await t.test(`POST /v1/users with a malformed digest (${bad.name}) → 422 form_param_format_invalid (password_digest), no user created`, async () => {
      const before = await userCount(ctx);
      const res = await call(ctx, 'POST', '/v1/users', { email_address: [uniqueEmail('bad')], password_digest: bad.digest, password_hasher: bad.hasher });
      assertError(res, 422, 'form_param_format_invalid', 'password_digest');
      if (bad.digest !== '') assertNoSecrets(res, bad.digest);
      assert.equal(await userCount(ctx), before);
    });
  }

  for (const hasher of ['rot13', 'awscognito', 'BCRYPT', 'bcrypt ', '__proto__', 'toString']) {
    await t.test(`POST /v1/users with an unknown password_hasher ${JSON.stringify(hasher)} → 422 form_param_format_invalid (password_hasher), no user created`, async () => {
      const before = await userCount(ctx);
      const digest = vectors[0]!.digest;
      const res = await call(ctx, 'POST', '/v1/users', { email_address: [uniqueEmail('unknown')], password_digest: digest, password_hasher: hasher });
      assertError(res, 422, 'form_param_format_invalid', 'password_hasher');
      assertNoSecrets(res, digest);
      assert.equal(await userCount(ctx), before);
    });
  }

  await t.test('POST /v1/users with password_digest but no password_hasher → 422 naming password_hasher, no user created', async () => {
    const before = await userCount(ctx);
    const res = await call(ctx, 'POST', '/v1/users', { email_address: [uniqueEmail('nohasher')], password_digest: vectors[0]!.digest });
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.errors[0].meta?.param_name, 'password_hasher');
    assertNoSecrets(res, vectors[0]!.digest);
    assert.equal(await userCount(ctx), before);
  });

  await t.test('PATCH /v1/users/{id} with a malformed or over-limit digest → 422 form_param_format_invalid, the old password still works', async () => {
    const user = await createTestUser(ctx, { password: 'Keeper-Of-The-Old-77' });
    const before = await storedPassword(ctx, user.id);
    for (const bad of [malformed[0]!, overLimit[0]!, overLimit[3]!]) {
      const res = await call(ctx, 'PATCH', `/v1/users/${user.id}`, { password_digest: bad.digest, password_hasher: bad.hasher });
      assertError(res, 422, 'form_param_format_invalid', 'password_digest');
      assertNoSecrets(res, bad.digest);
    }
    const unknown = await call(ctx, 'PATCH', `/v1/users/${user.id}`, { password_digest: vectors[0]!.digest, password_hasher: 'rot13' });
    assertError(unknown, 422, 'form_param_format_invalid', 'password_hasher');
    assert.deepEqual(await storedPassword(ctx, user.id), before, 'nothing was stored');
    assert.equal((await verify(ctx, user.id, 'Keeper-Of-The-Old-77')).status, 200);
  });

  await t.test('a configured GATEHOUSE_BCRYPT_PEPPER: POST /v1/users with a bare bcrypt_peppered digest → 200 and verify_password uses that pepper', async (t2) => {
    // Last, because the pepper is process-wide hasher configuration.
    const pepper = 'configured-pepper-42';
    const config = loadConfig({ LOG_LEVEL: 'silent', GATEHOUSE_DATA_DIR: '/nonexistent-gatehouse-test', GATEHOUSE_BCRYPT_PEPPER: pepper });
    const deps = await createDeps(config, { db: ctx.deps.db, clock: ctx.deps.clock, encryptionKey: ctx.encryptionKey });
    const app = await buildApp(deps, { logger: false });
    t2.after(() => app.close());
    const peppered: TestApp = { app, deps, auth: ctx.auth };
    const digest = await bcryptHash('Configured-Pepper-Pass-3' + pepper, 6);
    const created = await call(peppered, 'POST', '/v1/users', { email_address: [uniqueEmail('cfgpepper')], password_digest: digest, password_hasher: 'bcrypt_peppered' });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    await assertVerifiesAndUpgrades(peppered, created.body.id, {
      hasher: 'bcrypt_peppered',
      digest,
      password: 'Configured-Pepper-Pass-3',
      wrong_password: 'Configured-Pepper-Pass-4',
    });
  });

  await t.test('POST verify_password for a user without a password (400) still runs one argon2id verify: the decoy', async () => {
    // Timing is for benchmarks, not tests: observe instead that the decoy verify really runs (the
    // real argon2id verify is called through, not replaced), so both answers cost one verify.
    const withPassword = await createTestUser(ctx, { password: 'Decoy-Timing-Pass-31' });
    const without = await createTestUser(ctx);
    const spy = mock.method(hashers.argon2id, 'verify');
    try {
      assert.equal((await verify(ctx, without.id, 'Not-The-Password-1')).status, 400);
      assert.equal(spy.mock.callCount(), 1, 'no password: one decoy verify');
      assert.equal((await verify(ctx, withPassword.id, 'Not-The-Password-1')).status, 422);
      assert.equal(spy.mock.callCount(), 2, 'wrong password: one real verify');
      assert.equal(await spy.mock.calls[0]!.result, false);
    } finally {
      spy.mock.restore();
    }
  });

  await t.test('PATCH /v1/gatehouse/settings restores the default lockout', async () => {
    const res = await call(ctx, 'PATCH', '/v1/gatehouse/settings', { lockout: { max_attempts: 10 } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.lockout.max_attempts, 10);
  });
});
