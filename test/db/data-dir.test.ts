import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DataDirInUseError, lockDataDir, restrictPermissions } from '../../src/db/data-dir.js';
import { openDatabase } from '../../src/db/database.js';

// The data dir is private to its owner, and one process at a time opens the embedded database in it.

async function tempDir(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gatehouse-datadir-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

const mode = async (file: string) => (await fs.stat(file)).mode & 0o777;

test('restrictPermissions: directories 0700 and files 0600 all the way down; symbolic links are not followed', async (t) => {
  const dir = await tempDir(t);
  const outside = path.join(await tempDir(t), 'outside.txt');
  await fs.writeFile(outside, 'x', { mode: 0o644 });
  await fs.mkdir(path.join(dir, 'pgdata/base/1'), { recursive: true, mode: 0o755 });
  await fs.writeFile(path.join(dir, 'pgdata/base/1/1259'), 'rows', { mode: 0o666 });
  await fs.writeFile(path.join(dir, 'encryption-key'), 'k', { mode: 0o644 });
  await fs.symlink(outside, path.join(dir, 'link'));
  await fs.chmod(path.join(dir, 'pgdata'), 0o755);
  await fs.chmod(path.join(dir, 'pgdata/base/1/1259'), 0o666);
  await restrictPermissions(dir);
  assert.equal(await mode(dir), 0o700);
  assert.equal(await mode(path.join(dir, 'pgdata')), 0o700);
  assert.equal(await mode(path.join(dir, 'pgdata/base/1')), 0o700);
  assert.equal(await mode(path.join(dir, 'pgdata/base/1/1259')), 0o600);
  assert.equal(await mode(path.join(dir, 'encryption-key')), 0o600);
  assert.equal(await mode(outside), 0o644, 'the link target outside the data dir is untouched');
  await restrictPermissions(path.join(dir, 'missing')); // no error
});

test('lockDataDir: a second lock names the holder; release frees it; a dead holder\'s lock is taken over', async (t) => {
  const dir = path.join(await tempDir(t), 'pgdata');
  const release = lockDataDir(dir);
  assert.equal((await fs.readFile(`${dir}.lock`, 'utf8')).trim(), String(process.pid));
  assert.equal(await mode(`${dir}.lock`), 0o600);
  assert.throws(() => lockDataDir(dir), (error: unknown) => {
    assert.ok(error instanceof DataDirInUseError);
    assert.match(error.message, new RegExp(`in use by process ${process.pid}`));
    assert.ok(error.message.includes(path.dirname(dir)));
    return true;
  });
  release();
  await assert.rejects(fs.stat(`${dir}.lock`), /ENOENT/);
  lockDataDir(dir)();

  // A process that has exited: its pid no longer runs.
  const deadPid = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).toString());
  await fs.writeFile(`${dir}.lock`, `${deadPid}\n`);
  const again = lockDataDir(dir);
  assert.equal((await fs.readFile(`${dir}.lock`, 'utf8')).trim(), String(process.pid));
  again();
});

test('openDatabase on an embedded data dir already open → DataDirInUseError at once; free again after destroy()', async (t) => {
  const dir = path.join(await tempDir(t), 'pgdata');
  const first = await openDatabase({ kind: 'pglite', dataDir: dir });
  await assert.rejects(openDatabase({ kind: 'pglite', dataDir: dir }), DataDirInUseError);
  await first.destroy();
  const second = await openDatabase({ kind: 'pglite', dataDir: dir });
  await second.destroy();
});
