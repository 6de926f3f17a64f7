import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type DatabaseTarget } from '../../src/db/database.js';
import { createDeps } from '../../src/deps.js';
import { runImport } from '../../src/import/run.js';
import { cliDatabase, engine } from '../helper.js';
import { tempDir, writeLines } from './support.js';

// An import killed half-way (kill -9: no cleanup, a transaction cut off mid-statement) and run again
// ends with every good row imported exactly once, and no half user was ever committed. The import runs
// in a child process against a database of its own (a PGlite data directory, or a PostgreSQL schema).

const CHILD = fileURLToPath(new URL('./fixtures/import-child.ts', import.meta.url));
const ROWS = 6000;
const BATCH = 250;
const BCRYPT = '$2b$10$bLtc25S.sVUxJ0SL8bm2DupcdwPouTi441pKtuOnq8y8TTXN8BP0y';

/** Runs the child import and kills it (SIGKILL) once `killAfter` users are committed. */
function importUntilKilled(target: DatabaseTarget, file: string, key: string, killAfter: number) {
  return new Promise<{ killedAt: number; finished: boolean }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(target), file, key, String(BATCH)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let killedAt = -1;
    let finished = false;
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        if (line === 'done') finished = true;
        const m = /^inserted (\d+)$/.exec(line);
        if (m && killedAt < 0 && Number(m[1]) >= killAfter) {
          killedAt = Number(m[1]);
          child.kill('SIGKILL');
        }
      }
    });
    child.on('error', reject);
    child.on('exit', () => resolve({ killedAt, finished }));
  });
}

test(`gatehouse import: killed with SIGKILL half-way, run again → every good row exactly once (${engine})`, async (t) => {
  const dir = await tempDir(t);
  const { target } = await cliDatabase(t, dir);
  const key = randomBytes(32).toString('hex');

  // Every 97th row is bad (rejected every time); the rest are good.
  const rows = Array.from({ length: ROWS }, (_, i) =>
    i % 97 === 5
      ? { external_id: `resume-${i}`, email_address: [`not an email ${i}`] }
      : { external_id: `resume-${i}`, email_address: [`resume${i}@example.com`], first_name: `N${i}`, password_digest: BCRYPT, password_hasher: 'bcrypt' },
  );
  const good = rows.filter((r) => !r.email_address[0]!.includes(' '));
  const file = await writeLines(path.join(dir, 'big.jsonl'), rows);

  const run = await importUntilKilled(target, file, key, 3 * BATCH);
  assert.ok(run.killedAt >= 3 * BATCH, 'the child got going');
  assert.equal(run.finished, false, 'killed before the end (make the file bigger if this fails)');

  const db = await openDatabase(target);
  const deps = await createDeps(loadConfig({ LOG_LEVEL: 'silent', GATEHOUSE_DATA_DIR: dir }), { db, encryptionKey: Buffer.from(key, 'hex') });
  t.after(() => db.destroy());
  const counts = async () => {
    const { rows: [c] } = await sql<{ users: number; with_email: number; emails: number; external_ids: number }>`
      select (select count(*) from users)::int as users,
             (select count(distinct user_id) from email_addresses)::int as with_email,
             (select count(*) from email_addresses)::int as emails,
             (select count(distinct external_id) from users)::int as external_ids`.execute(db);
    return c!;
  };

  const afterKill = await counts();
  assert.ok(afterKill.users >= run.killedAt && afterKill.users < good.length, `users after the kill: ${afterKill.users}`);
  assert.equal(afterKill.with_email, afterKill.users, 'no user without its email: batches are all or nothing');
  assert.equal(afterKill.emails, afterKill.users);

  const resumed = await runImport(deps, { file, batchSize: BATCH, rejectsPath: path.join(dir, 'rejects.jsonl') });
  assert.equal(resumed.inserted + resumed.skipped, good.length);
  assert.equal(resumed.skipped, afterKill.users, 'what the killed run committed is skipped');
  assert.equal(resumed.rejected, rows.length - good.length);

  const final = await counts();
  assert.equal(final.users, good.length, 'every good row, once');
  assert.equal(final.external_ids, good.length);
  assert.equal(final.with_email, good.length);
  const ids = new Set((await db.selectFrom('users').select('external_id').execute()).map((r) => r.external_id));
  for (const row of good) assert.ok(ids.has(row.external_id), row.external_id);

  const again = await runImport(deps, { file, batchSize: BATCH, rejectsPath: path.join(dir, 'rejects.jsonl') });
  assert.deepEqual([again.inserted, again.skipped], [0, good.length], 'a third run changes nothing');
  assert.equal((await counts()).users, good.length);
});
