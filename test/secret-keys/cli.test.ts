import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../processes.js';

// `gatehouse keys list | create | revoke` as an operator runs it, on an embedded data dir of its own.

test('gatehouse keys', async (t) => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gatehouse-keys-cli-'));
  t.after(() => fs.rm(dataDir, { recursive: true, force: true }));
  const cli = (...args: string[]) => runCli(args, { GATEHOUSE_DATA_DIR: dataDir });

  await t.test('create → prints an sk_live_ key once (sk_test_ with --test); list shows it by id, name and last four', async () => {
    const live = await cli('keys', 'create', '--name', 'deploy bot');
    assert.equal(live.code, 0, live.stderr);
    const key = live.stdout.trim();
    assert.match(key, /^sk_live_[0-9A-Za-z]{43}$/);
    const id = /Created secret key (\S+)\./.exec(live.stderr)?.[1];
    assert.ok(id, live.stderr);
    const test = await cli('keys', 'create', '--test');
    assert.match(test.stdout.trim(), /^sk_test_/);

    const list = await cli('keys', 'list');
    assert.equal(list.code, 0, list.stderr);
    const line = list.stdout.split('\n').find((l) => l.startsWith(id));
    assert.ok(line, list.stdout);
    assert.match(line, /\bcli\b/);
    assert.match(line, /deploy bot/);
    assert.ok(line.includes(`…${key.slice(-4)}`));
    assert.ok(!list.stdout.includes(key), 'the key itself is never listed');

    const revoke = await cli('keys', 'revoke', id);
    assert.equal(revoke.code, 0, revoke.stderr);
    assert.match(revoke.stdout, new RegExp(`Revoked ${id}`));
    const after = await cli('keys', 'list');
    const revokedLine = after.stdout.split('\n').find((l) => l.startsWith(id))!;
    assert.match(revokedLine, /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'created and revoked dates');
  });

  await t.test('revoke of an unknown id → exit 1 naming it; wrong arguments → exit 2 with the usage', async () => {
    const missing = await cli('keys', 'revoke', 'sk_nope');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no secret key with id sk_nope/);
    const bad = await cli('keys', 'revoke');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Usage: gatehouse keys/);
  });

  await t.test('gatehouse --help tells secret keys and the signing key apart', async () => {
    const help = await cli('--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /keys create/);
    assert.match(help.stdout, /keys revoke <id>/);
    assert.match(help.stdout, /signing-keys rotate/);
    assert.match(help.stdout, /keys rotate\s+The same as signing-keys rotate/);
  });
});
