import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  ensureDevSecretKey,
  generateSecretKey,
  loadKeyRing,
  registerSecretKey,
} from '../../src/secret-keys/service.js';
import { SECRET_KEY, buildTestApp } from '../helper.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

test('generateSecretKey → sk_test_/sk_live_ + 43 base62 characters, different every time', () => {
  const a = generateSecretKey();
  const b = generateSecretKey();
  assert.match(a, /^sk_test_[0-9A-Za-z]{43}$/);
  assert.match(generateSecretKey('live'), /^sk_live_[0-9A-Za-z]{43}$/);
  assert.notEqual(a, b);
});

test('secret keys', async (t) => {
  const ctx = await buildTestApp(t);
  const db = ctx.deps.db;
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'gatehouse-keys-'));
  t.after(() => fs.rm(tmp, { recursive: true, force: true }));
  const dataDir = path.join(tmp, 'data'); // does not exist yet: ensureDevSecretKey creates it
  let devKey = '';

  await t.test('ensureDevSecretKey generates a key, writes it to <dataDir>/dev-secret-key with mode 0600', async () => {
    devKey = await ensureDevSecretKey(db, dataDir, Date.now());
    assert.match(devKey, /^sk_test_[0-9A-Za-z]{43}$/);
    const file = path.join(dataDir, 'dev-secret-key');
    assert.equal((await fs.readFile(file, 'utf8')).trim(), devKey);
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
  });

  await t.test('ensureDevSecretKey a second time with the same data dir → the same key, one row', async () => {
    const again = await ensureDevSecretKey(db, dataDir, Date.now());
    assert.equal(again, devKey);
    const rows = await db.selectFrom('secret_keys').selectAll().where('key_hash', '=', sha256(devKey)).execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.revoked_at, null);
  });

  await t.test('ensureDevSecretKey with another data dir → a different key', async () => {
    const other = await ensureDevSecretKey(db, path.join(tmp, 'other'), Date.now());
    assert.match(other, /^sk_test_/);
    assert.notEqual(other, devKey);
  });

  await t.test('secret_keys stores only SHA-256 hashes, never a plain key', async () => {
    const rows = await db.selectFrom('secret_keys').selectAll().execute();
    assert.ok(rows.length >= 3, 'the test key and two dev keys');
    const dump = JSON.stringify(rows);
    assert.ok(!dump.includes(devKey), 'the dev key is not stored');
    assert.ok(!dump.includes(SECRET_KEY), 'the registered test key is not stored');
    assert.ok(!dump.includes(devKey.slice('sk_test_'.length)), 'not even the random part');
    for (const row of rows) assert.match(row.key_hash, /^[0-9a-f]{64}$/);
    assert.ok(rows.some((r) => r.key_hash === sha256(devKey)));
    assert.ok(rows.some((r) => r.key_hash === sha256(SECRET_KEY)));
  });

  await t.test('registerSecretKey is idempotent: the same key twice is one row', async () => {
    const key = generateSecretKey();
    await registerSecretKey(db, key, Date.now());
    await registerSecretKey(db, key, Date.now());
    const rows = await db.selectFrom('secret_keys').select('id').where('key_hash', '=', sha256(key)).execute();
    assert.equal(rows.length, 1);
  });

  await t.test('loadKeyRing accepts registered keys and rejects everything else', async () => {
    const ring = await loadKeyRing(db);
    assert.equal(ring.isValid(devKey), true);
    assert.equal(ring.isValid(SECRET_KEY), true);
    assert.equal(ring.isValid(`${devKey}x`), false);
    assert.equal(ring.isValid(devKey.slice(0, -1)), false);
    assert.equal(ring.isValid(devKey.toUpperCase()), false);
    assert.equal(ring.isValid(sha256(devKey)), false, 'the stored hash is not itself a key');
    assert.equal(ring.isValid(''), false);
    assert.equal(ring.isValid(generateSecretKey()), false);
  });

  await t.test('the key ring sees a new key only after reload()', async () => {
    const ring = await loadKeyRing(db);
    const key = generateSecretKey('live');
    await registerSecretKey(db, key, Date.now());
    assert.equal(ring.isValid(key), false);
    await ring.reload();
    assert.equal(ring.isValid(key), true);
  });

  await t.test('a revoked key is rejected after reload(); the others still pass', async () => {
    const ring = await loadKeyRing(db);
    const key = generateSecretKey();
    await registerSecretKey(db, key, Date.now());
    await ring.reload();
    assert.equal(ring.isValid(key), true);
    await db.updateTable('secret_keys').set({ revoked_at: Date.now() }).where('key_hash', '=', sha256(key)).execute();
    await ring.reload();
    assert.equal(ring.isValid(key), false);
    assert.equal(ring.isValid(SECRET_KEY), true);
  });

  await t.test('GET /v1/users with the dev key → 200 once the app key ring is reloaded', async () => {
    const request = () => ctx.app.inject({ method: 'GET', url: '/v1/users', headers: { authorization: `Bearer ${devKey}` } });
    // The app's ring was loaded before the dev key existed.
    const before = await request();
    assert.equal(before.statusCode, 401);
    assert.equal(JSON.parse(before.body).errors[0].code, 'clerk_key_invalid');
    await ctx.deps.keys.reload();
    const after = await request();
    assert.equal(after.statusCode, 200, after.body);
  });
});
