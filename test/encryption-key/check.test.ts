import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { createDeps } from '../../src/deps.js';
import { EncryptionKeyError, loadEncryptionKey } from '../../src/encryption-key/service.js';
import { buildTestApp, call, createTestUser } from '../helper.js';

// A start with an encryption key that does not open what the database stores is refused, naming
// GATEHOUSE_ENCRYPTION_KEY, instead of answering 500 on every verify_totp later.

const config = loadConfig({ LOG_LEVEL: 'silent', GATEHOUSE_DATA_DIR: '/nonexistent-gatehouse-test' });

test('the encryption-key check', async (t) => {
  const ctx = await buildTestApp(t);
  const user = await createTestUser(ctx, { totp_secret: 'JBSWY3DPEHPK3PXP' });

  await t.test('a start with another key → EncryptionKeyError naming GATEHOUSE_ENCRYPTION_KEY', async () => {
    await assert.rejects(createDeps(config, { db: ctx.deps.db, encryptionKey: randomBytes(32) }), (error: unknown) => {
      assert.ok(error instanceof EncryptionKeyError);
      assert.match(error.message, /GATEHOUSE_ENCRYPTION_KEY does not open the secrets stored in this database/);
      return true;
    });
  });

  await t.test('a start with the same key → fine, and TOTP still verifies', async () => {
    await createDeps(config, { db: ctx.deps.db, encryptionKey: ctx.encryptionKey! });
    const res = await call(ctx, 'POST', `/v1/users/${user.id}/verify_totp`, { code: '000000' });
    assert.ok(res.status === 422 || res.status === 200, JSON.stringify(res.body)); // not 500
  });

  await t.test('a database from before the check (no check row): another key is refused by what it already sealed', async () => {
    await ctx.deps.db.deleteFrom('encryption_key_check').execute();
    await assert.rejects(createDeps(config, { db: ctx.deps.db, encryptionKey: randomBytes(32) }), EncryptionKeyError);
    assert.equal((await ctx.deps.db.selectFrom('encryption_key_check').selectAll().execute()).length, 0, 'nothing stored for the wrong key');
    await createDeps(config, { db: ctx.deps.db, encryptionKey: ctx.encryptionKey! });
    assert.equal((await ctx.deps.db.selectFrom('encryption_key_check').selectAll().execute()).length, 1, 'the right key stores the check');
  });
});

test('loadEncryptionKey on PostgreSQL without GATEHOUSE_ENCRYPTION_KEY: refused with a live key, a loud warning with a test key', async (t) => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gatehouse-enc-'));
  t.after(() => fs.rm(dataDir, { recursive: true, force: true }));
  const pg = (secret: string) =>
    loadConfig({ DATABASE_URL: 'postgres://127.0.0.1:1/none', GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_SECRET_KEY: secret });
  const warnings: string[] = [];
  await assert.rejects(loadEncryptionKey(pg('sk_live_0123456789abcdefXYZ'), (m) => warnings.push(m)), (error: unknown) => {
    assert.ok(error instanceof EncryptionKeyError);
    assert.match(error.message, /GATEHOUSE_ENCRYPTION_KEY must be set when DATABASE_URL is used with a live secret key/);
    return true;
  });
  await assert.rejects(fs.stat(path.join(dataDir, 'encryption-key')), /ENOENT/, 'no key generated for a refused start');

  const key = await loadEncryptionKey(pg('sk_test_0123456789abcdefXYZ'), (m) => warnings.push(m));
  assert.equal(key.length, 32);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^WARNING: GATEHOUSE_ENCRYPTION_KEY is not set/);
  assert.ok(warnings[0]!.includes(path.join(dataDir, 'encryption-key')), 'the warning says where the key was written');
  assert.equal((await fs.stat(path.join(dataDir, 'encryption-key'))).mode & 0o777, 0o600);

  // The embedded database keeps its key next to itself: no warning there.
  await loadEncryptionKey(loadConfig({ GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_SECRET_KEY: 'sk_live_0123456789abcdefXYZ' }), (m) => warnings.push(m));
  assert.equal(warnings.length, 1);
});
