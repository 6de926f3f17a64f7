import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCli, startServer } from './processes.js';

// The server as an operator runs it (src/main.ts in a process of its own): a private data dir whatever
// the umask, one process per embedded data dir, a refused start for a wrong encryption key, a graceful stop.

async function modes(dir: string): Promise<{ path: string; mode: number; dir: boolean }[]> {
  const out: { path: string; mode: number; dir: boolean }[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    out.push({ path: full, mode: (await fs.stat(full)).mode & 0o777, dir: entry.isDirectory() });
    if (entry.isDirectory()) out.push(...(await modes(full)));
  }
  return out;
}

test('gatehouse server on an embedded data dir', async (t) => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'gatehouse-main-'));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  const dataDir = path.join(root, 'data');
  await fs.mkdir(dataDir, { mode: 0o755 });
  await fs.chmod(dataDir, 0o755);
  await fs.writeFile(path.join(dataDir, 'notes.txt'), 'left by an older version', { mode: 0o644 });
  const env = { GATEHOUSE_DATA_DIR: dataDir };

  const server = await startServer(t, env, { umask: '000' });
  assert.ok(server.url, server.stderr());
  const devKey = /Development secret key: (\S+)/.exec(server.stdout())?.[1];
  assert.ok(devKey);
  const auth = { authorization: `Bearer ${devKey}`, 'content-type': 'application/json' };

  await t.test('with umask 000, every file in the data dir is 0600 and every directory 0700, PGlite\'s own included', async () => {
    const res = await fetch(`${server.url}/v1/users`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ email_address: ['private@example.com'], password: 'Private-Pass-Phrase-83', totp_secret: 'JBSWY3DPEHPK3PXP' }),
    });
    assert.equal(res.status, 200, await res.text());
    const all = await modes(dataDir);
    assert.ok(all.some((e) => e.path.includes(`${path.sep}pgdata${path.sep}`) && !e.dir), 'PGlite files are there');
    const open = all.filter((e) => (e.dir ? e.mode !== 0o700 : e.mode !== 0o600));
    assert.deepEqual(open, []);
    assert.equal((await fs.stat(dataDir)).mode & 0o777, 0o700);
  });

  await t.test('the CLI on the same data dir exits at once naming the server\'s pid; an import writes nothing', async () => {
    const list = await runCli(['keys', 'list'], env);
    assert.equal(list.code, 1);
    assert.match(list.stderr, new RegExp(`data dir ${dataDir.replaceAll('\\', '\\\\')} is in use by process ${server.child.pid}\\b`));
    const file = path.join(root, 'users.jsonl');
    await fs.writeFile(file, `${JSON.stringify({ email_address: ['imported@example.com'] })}\n`);
    const imported = await runCli(['import', file], env);
    assert.equal(imported.code, 1, imported.stderr);
    assert.match(imported.stderr, new RegExp(`in use by process ${server.child.pid}\\b`));
  });

  await t.test('a second server on the same data dir exits at once naming the first one\'s pid', async (t) => {
    const second = await startServer(t, env);
    assert.equal(second.url, '');
    assert.equal(await second.exited, 1);
    assert.match(second.stderr(), new RegExp(`in use by process ${server.child.pid}\\b`));
  });

  await t.test('SIGTERM → the server finishes, exits 0 and releases the data dir', async () => {
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0, server.stderr());
    await assert.rejects(fs.stat(path.join(dataDir, 'pgdata.lock')), /ENOENT/);
  });

  await t.test('a start with another GATEHOUSE_ENCRYPTION_KEY is refused, naming it', async (t) => {
    const wrong = await startServer(t, { ...env, GATEHOUSE_ENCRYPTION_KEY: 'f'.repeat(64) });
    assert.equal(await wrong.exited, 1);
    assert.match(wrong.stderr(), /GATEHOUSE_ENCRYPTION_KEY does not open the secrets stored in this database/);
  });

  await t.test('after kill -9 the next process takes the stale lock over; the refused import left nothing behind', async (t) => {
    const again = await startServer(t, env);
    assert.ok(again.url, again.stderr());
    const users = (await (await fetch(`${again.url}/v1/users`, { headers: auth })).json()) as { email_addresses: { email_address: string }[] }[];
    assert.deepEqual(users.map((u) => u.email_addresses[0]!.email_address), ['private@example.com']);
    again.child.kill('SIGKILL');
    await again.exited;
    const list = await runCli(['keys', 'list'], env);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /\bdev\b/);
  });
});

test('gatehouse server on PostgreSQL with a live secret key and no GATEHOUSE_ENCRYPTION_KEY → refused before connecting', async (t) => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gatehouse-main-pg-'));
  t.after(() => fs.rm(dataDir, { recursive: true, force: true }));
  // Port 1: nothing listens there; the refusal comes first.
  const server = await startServer(t, {
    GATEHOUSE_DATA_DIR: dataDir,
    DATABASE_URL: 'postgres://127.0.0.1:1/none',
    GATEHOUSE_SECRET_KEY: 'sk_live_0123456789abcdefghij',
  });
  assert.equal(await server.exited, 1);
  assert.match(server.stderr(), /GATEHOUSE_ENCRYPTION_KEY must be set when DATABASE_URL is used with a live secret key/);
});
