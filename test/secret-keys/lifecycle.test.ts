import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Db } from '../../src/db/database.js';
import { createDeps } from '../../src/deps.js';
import {
  createSecretKey,
  generateSecretKey,
  listSecretKeys,
  reconcileSecretKeys,
  revokeSecretKey,
  SecretKeyRevokeError,
} from '../../src/secret-keys/service.js';
import { openTestDatabase } from '../helper.js';

// The key lifecycle (README, "Security"): a server accepts exactly its GATEHOUSE_SECRET_KEY, the CLI's
// unrevoked keys, and the development key only while GATEHOUSE_SECRET_KEY is unset. Each "start" below
// does what main.ts does: createDeps, reconcileSecretKeys, reload, poll. Two instances on one database
// are two servers sharing one PostgreSQL schema (on PGlite, one process, they share the connection).

const encryptionKey = randomBytes(32);

async function start(t: TestContext, db: Db, dataDir: string, secretKey?: string) {
  const config = loadConfig({ LOG_LEVEL: 'silent', GATEHOUSE_DATA_DIR: dataDir, ...(secretKey ? { GATEHOUSE_SECRET_KEY: secretKey } : {}) });
  const deps = await createDeps(config, { db, encryptionKey });
  const { devKey } = await reconcileSecretKeys(deps.db, { envKey: config.secretKey, dataDir }, Date.now());
  await deps.keys.reload();
  const stop = deps.keys.poll(50);
  const app = await buildApp(deps, { logger: false });
  t.after(async () => {
    stop();
    await app.close();
  });
  const status = async (key: string) =>
    (await app.inject({ method: 'GET', url: '/v1/users?limit=1', headers: { authorization: `Bearer ${key}` } })).statusCode;
  return { deps, devKey, status };
}

/** Waits (polling, up to 10 s) until `probe` returns `expected`; returns what it last returned. */
async function eventually<T>(probe: () => Promise<T>, expected: T): Promise<T> {
  let last = await probe();
  for (let i = 0; i < 200 && last !== expected; i++) {
    await sleep(50);
    last = await probe();
  }
  return last;
}

test('secret-key lifecycle', async (t) => {
  const { db, connectAgain } = await openTestDatabase(t);
  t.after(() => db.destroy());
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'gatehouse-keys-'));
  t.after(() => fs.rm(tmp, { recursive: true, force: true }));
  const dataDir = path.join(tmp, 'data');
  const K1 = generateSecretKey('live');
  const K2 = generateSecretKey('live');

  await t.test('after GATEHOUSE_SECRET_KEY changes, the previous key gets 401 and the new one 200', async (t) => {
    const first = await start(t, db, dataDir, K1);
    assert.equal(await first.status(K1), 200);
    const second = await start(t, await connectAgain(), dataDir, K2);
    assert.equal(await second.status(K2), 200);
    assert.equal(await second.status(K1), 401);
    const rows = await listSecretKeys(db);
    assert.ok(rows.some((r) => r.source === 'env' && r.last4 === K1.slice(-4) && r.revoked_at !== null), 'K1 is recorded as a revoked env key');
    assert.ok(rows.some((r) => r.source === 'env' && r.last4 === K2.slice(-4) && r.revoked_at === null));
  });

  let devKey = '';
  await t.test('without GATEHOUSE_SECRET_KEY the development key works, and the last environment key does not', async (t) => {
    const dev = await start(t, db, dataDir);
    assert.match(dev.devKey ?? '', /^sk_test_/);
    devKey = dev.devKey!;
    assert.equal(await dev.status(devKey), 200);
    assert.equal(await dev.status(K2), 401);
  });

  await t.test('the development key stops working once a GATEHOUSE_SECRET_KEY is set, on every instance', async (t) => {
    const dev = await start(t, db, dataDir);
    assert.equal(dev.devKey, devKey, 'the same data dir shows the same key');
    assert.equal(await dev.status(devKey), 200);
    const live = await start(t, await connectAgain(), dataDir, K2);
    assert.equal(await live.status(devKey), 401, 'an instance with GATEHOUSE_SECRET_KEY never accepts the dev key');
    // The instance without a GATEHOUSE_SECRET_KEY hears of it through the table within its poll interval.
    assert.equal(await eventually(() => dev.status(devKey), 401), 401);
    const rows = await listSecretKeys(db);
    assert.ok(rows.filter((r) => r.source === 'dev').every((r) => r.revoked_at !== null));
  });

  await t.test('a revoked development key does not come back: the next start without the variable makes a new one', async (t) => {
    const dev = await start(t, db, dataDir);
    assert.notEqual(dev.devKey, devKey);
    assert.equal(await dev.status(devKey), 401);
    assert.equal(await dev.status(dev.devKey!), 200);
    assert.equal((await fs.readFile(path.join(dataDir, 'dev-secret-key'), 'utf8')).trim(), dev.devKey);
  });

  await t.test('a CLI key works on every instance until revoked; revocation reaches every instance within seconds', async (t) => {
    const a = await start(t, db, dataDir, K2);
    const b = await start(t, await connectAgain(), dataDir, K2);
    const { id, key } = await createSecretKey(db, { kind: 'live', name: 'ci' }, Date.now());
    assert.match(key, /^sk_live_[0-9A-Za-z]{43}$/);
    assert.equal(await eventually(() => a.status(key), 200), 200);
    assert.equal(await eventually(() => b.status(key), 200), 200);
    const revoked = await revokeSecretKey(db, id, Date.now());
    assert.equal(revoked.source, 'cli');
    assert.equal(revoked.name, 'ci');
    assert.ok(revoked.revoked_at !== null);
    assert.equal(await eventually(() => a.status(key), 401), 401);
    assert.equal(await eventually(() => b.status(key), 401), 401);
    assert.equal(await a.status(K2), 200, 'the environment key is untouched');
  });

  await t.test('a CLI key survives a change of GATEHOUSE_SECRET_KEY', async (t) => {
    const { key } = await createSecretKey(db, { kind: 'test', name: null }, Date.now());
    const restarted = await start(t, db, dataDir, K1);
    assert.equal(await restarted.status(key), 200);
    assert.equal(await restarted.status(K2), 401);
  });

  await t.test('revoking the environment key is refused with what to do instead', async () => {
    const env = (await listSecretKeys(db)).find((r) => r.source === 'env' && r.revoked_at === null)!;
    await assert.rejects(revokeSecretKey(db, env.id, Date.now()), (error: unknown) => {
      assert.ok(error instanceof SecretKeyRevokeError);
      assert.match(error.message, /GATEHOUSE_SECRET_KEY/);
      return true;
    });
    await assert.rejects(revokeSecretKey(db, 'sk_missing', Date.now()), SecretKeyRevokeError);
  });

  await t.test('keys list never holds a key or its hash', async () => {
    const rows = await listSecretKeys(db);
    const dump = JSON.stringify(rows);
    assert.ok(!dump.includes(K1) && !dump.includes(K2) && !dump.includes(devKey));
    for (const row of rows) assert.ok(!('key_hash' in row));
  });
});
