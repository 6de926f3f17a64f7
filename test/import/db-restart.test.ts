import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { TEST_DATABASE_URL } from '../helper.js';
import { readRejects, tempDir, writeLines } from './support.js';

// The database restarting under a running `gatehouse import`: the run stops with a clear error (or
// carries on), and running the same command again ends with every good row imported exactly once and
// no half user ever committed (src/import/README.md, "Batches, resuming, speed").
//
// PostgreSQL only. PGlite is in-process: it cannot restart under the importer, its "connection" cannot
// be cut. And the shared test server cannot really be restarted (other test files use it at the same
// time), so this does to the importer what a restart does to it: every backend of the import is ended
// with pg_terminate_backend, the FATAL 57P01 "terminating connection due to administrator command" that
// a fast shutdown sends too, and the sockets close. The importer's backends are found by the
// application_name its DATABASE_URL sets, unique to this test; the import is the real CLI (src/cli.ts),
// in a process of its own, against a schema of its own, with the CLI's default two writers.
//
// Two strikes, at different points:
//  A. once a few batches are committed, wherever the import is then (writing a batch, validating the
//     next one, connections idle in the pool);
//  B. in the middle of a batch transaction: a row of the file is held by an uncommitted insert of ours, so
//     the batch statement holding it waits on that row lock with its earlier users already written (no
//     timing assumption: we wait until pg_stat_activity shows the import's backend waiting on a lock).
// Every wait is on something observable (committed users, pg_stat_activity), never on a delay.

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const ROWS = 4000;
const BATCH = 200;
const BCRYPT = '$2b$10$bLtc25S.sVUxJ0SL8bm2DupcdwPouTi441pKtuOnq8y8TTXN8BP0y';
/** Strike A: this many users committed. */
const STRIKE_A_AT = 2 * BATCH;
/** Strike B: the row our uncommitted insert holds, in the middle of the 9th batch (well after strike A). */
const HELD_ROW = 8 * BATCH + BATCH / 2;
const DEADLINE_MS = 90_000;

const externalId = (i: number) => `restart-${i}`;
const email = (i: number) => `restart${i}@example.com`;

/** The file: good rows, and bad ones of three kinds, each rejected by every run. */
function makeRows() {
  const rows: Record<string, unknown>[] = [];
  const bad = new Set<number>();
  for (let i = 0; i < ROWS; i++) {
    const good = { external_id: externalId(i), email_address: [email(i)], first_name: `N${i}`, password_digest: BCRYPT, password_hasher: 'bcrypt' };
    if (i % 97 === 5) rows.push({ external_id: externalId(i), email_address: [`not an email ${i}`] });
    else if (i % 389 === 11) rows.push({ ...good, favourite_colour: 'blue' }); // form_param_unknown
    else if (i % 503 === 17) rows.push({ ...good, email_address: [email(i - 3)] }); // an earlier row's email: form_identifier_exists
    else {
      rows.push(good);
      continue;
    }
    bad.add(i);
  }
  assert.ok(!bad.has(HELD_ROW) && !bad.has(HELD_ROW - 3));
  return { rows, bad };
}

interface Run {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
  done: boolean;
}

test('gatehouse import: the database connection lost twice mid-import, run again → every good row exactly once (postgres)', { timeout: 4 * DEADLINE_MS }, async (t) => {
  if (!TEST_DATABASE_URL) {
    t.skip('PostgreSQL only (set TEST_DATABASE_URL): PGlite runs inside the importer, there is no server connection to lose');
    return;
  }
  const dir = await tempDir(t);
  const { rows, bad } = makeRows();
  const good = rows.map((_, i) => i).filter((i) => !bad.has(i));
  const file = await writeLines(path.join(dir, 'users.jsonl'), rows);
  const rejectsPath = path.join(dir, 'rejects.jsonl');

  // A schema of our own, migrated before the import starts so that strike B can hold a row in it.
  const schema = `t_import_restart_${randomBytes(5).toString('hex')}`;
  const applicationName = `gatehouse-import-${schema}`;
  // Cleanup in this order: the imports, our held row, then the schema (its drop would wait on either).
  const cleanup: (() => unknown)[] = [];
  t.after(async () => {
    for (const step of cleanup.reverse()) await step();
  });
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  cleanup.push(() => admin.end());
  await admin.query('create extension if not exists pg_trgm with schema public').catch(() => undefined);
  await admin.query(`create schema ${schema}`);
  cleanup.push(() => admin.query(`drop schema ${schema} cascade`));
  cleanup.push(() => admin.query('select pg_terminate_backend(pid, 10000) from pg_stat_activity where application_name = $1', [applicationName]));
  const db = await openDatabase({ kind: 'postgres', url: TEST_DATABASE_URL, schema: `${schema},public` });
  await migrateToLatest(db);
  await db.destroy();

  // The CLI reads only DATABASE_URL: the schema and the application name go into it. Make sure they take
  // before the CLI (which migrates) ever connects: never the shared database's public schema.
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema},public`);
  url.searchParams.set('application_name', applicationName);
  const probe = new pg.Client({ connectionString: url.href });
  await probe.connect();
  const { rows: [seen] } = await probe.query<{ schema: string; app: string }>(`select current_schema() as schema, current_setting('application_name') as app`);
  await probe.end();
  assert.deepEqual(seen, { schema, app: applicationName }, 'DATABASE_URL carries the schema and the application name');

  const env = {
    ...process.env,
    DATABASE_URL: url.href,
    GATEHOUSE_DATA_DIR: dir,
    GATEHOUSE_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent' as const,
  };
  function startImport(): Run {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'import', file, '--batch-size', String(BATCH), '--rejects', rejectsPath], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run: Run = { child, stdout: '', stderr: '', exited: undefined as never, done: false };
    child.stdout!.on('data', (chunk: Buffer) => (run.stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
    run.exited = new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => {
        run.done = true;
        resolve(code);
      });
    });
    return run;
  }
  const killChild = (run: Run) => {
    if (!run.done) run.child.kill('SIGKILL');
  };

  const committed = async () => {
    const { rows: [c] } = await admin.query<{ users: number; with_email: number; emails: number; external_ids: number }>(`
      select (select count(*) from ${schema}.users)::int as users,
             (select count(distinct user_id) from ${schema}.email_addresses)::int as with_email,
             (select count(*) from ${schema}.email_addresses)::int as emails,
             (select count(distinct external_id) from ${schema}.users)::int as external_ids`);
    return c!;
  };
  /** The import's backends right now. */
  const backends = async () =>
    (
      await admin.query<{ pid: number; state: string | null; in_transaction: boolean; waiting_on_held_row: boolean }>(
        // Waiting on the held row: a row lock (on our transaction id) in the batch's insert. Not any lock
        // wait: the CLI's migrator waits on an advisory lock shared by every schema while another test
        // file migrates.
        `select pid, state, xact_start is not null as in_transaction,
                (wait_event_type, wait_event) is not distinct from ('Lock', 'transactionid') and query like '%insert into users%' as waiting_on_held_row
           from pg_stat_activity where application_name = $1`,
        [applicationName],
      )
    ).rows;
  /** What a restart does to the import: every one of its backends ended (waiting until each is gone). */
  const terminateImport = async () => {
    const before = await backends();
    const { rows: ended } = await admin.query<{ pid: number; ended: boolean }>(
      `select pid, pg_terminate_backend(pid, 10000) as ended from pg_stat_activity where application_name = $1`,
      [applicationName],
    );
    assert.ok(ended.length > 0, 'the import had backends to end');
    // `ended` is false for a backend that was already gone (its client went down with the others).
    const { rows: left } = await admin.query('select pid from pg_stat_activity where pid = any($1)', [ended.map((b) => b.pid)]);
    assert.deepEqual(left, [], `every backend of the import ended: ${JSON.stringify(ended)}`);
    return before;
  };
  /** Waits until `ready` holds; undefined when the import exits first. Fails after DEADLINE_MS. */
  async function waitFor<T>(run: Run, what: string, ready: () => Promise<T | undefined>): Promise<T | undefined> {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const value = await ready();
      if (value !== undefined) return value;
      if (run.done) return undefined;
      if (Date.now() > deadline) {
        killChild(run);
        assert.fail(`waited ${DEADLINE_MS} ms for ${what}; stderr: ${run.stderr}`);
      }
      await sleep(5); // a polling interval, not a timing assumption: the condition decides
    }
  }

  // Strike B's hold: an uncommitted user with the external_id of HELD_ROW, on a connection of our own.
  const holder = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await holder.connect();
  cleanup.push(() => holder.end());
  await holder.query('begin');
  await holder.query(`insert into ${schema}.users (id, external_id, created_at, updated_at) values ('user_held_by_the_test', $1, 0, 0)`, [externalId(HELD_ROW)]);
  let holding = true;

  const strikes = [
    {
      name: `A (${STRIKE_A_AT}+ users committed)`,
      when: async () => ((await committed()).users >= STRIKE_A_AT ? true : undefined),
      after: async () => undefined,
    },
    {
      name: 'B (a batch transaction open, its statement waiting on the held row)',
      when: async () => ((await backends()).some((b) => b.waiting_on_held_row && b.in_transaction) ? true : undefined),
      // The held row goes away only once the waiting batch's backend is gone (terminateImport waits for
      // that): the batch can never commit after the strike.
      after: async () => {
        await holder.query('rollback');
        holding = false;
      },
    },
  ];
  let next = 0;
  const failures: string[] = [];
  let finalRun: Run | undefined;
  let committedBeforeFinal = 0;
  for (let attempt = 1; !finalRun; attempt++) {
    assert.ok(attempt <= strikes.length + 1, `at most one failed run per strike; failures: ${JSON.stringify(failures)}`);
    const before = await committed();
    const run = startImport();
    cleanup.push(async () => {
      killChild(run);
      await run.exited;
    });
    while (next < strikes.length) {
      const strike = strikes[next]!;
      if ((await waitFor(run, `strike ${strike.name}`, strike.when)) === undefined) break; // the run ended first
      const hit = await terminateImport();
      await strike.after();
      t.diagnostic(`run ${attempt}: strike ${strike.name}: ended ${JSON.stringify(hit)}`);
      next++;
    }
    const code = await run.exited;
    t.diagnostic(`run ${attempt}: exit ${code}; stdout: ${run.stdout.trim()}; stderr: ${run.stderr.trim().split('\n').slice(0, 8).join(' | ')}`);

    // Whatever happened, what is committed is whole users only: never a user without its email.
    const after = await committed();
    assert.equal(after.with_email, after.users, `no half user after run ${attempt}`);
    assert.equal(after.emails, after.users);
    assert.equal(after.external_ids, after.users);
    assert.ok(after.users >= before.users, 'nothing committed was lost');

    assert.doesNotMatch(run.stderr, /Unhandled 'error' event|Uncaught|at .*node_modules/, `run ${attempt} failed cleanly, not with a crash`);
    if (code === 0 || code === 3) {
      assert.equal(next, strikes.length, `run ${attempt} finished before strike ${strikes[next]?.name} (make the file bigger)`);
      finalRun = run;
      committedBeforeFinal = before.users;
    } else {
      // A lost connection stops the import with status 1 and PostgreSQL's or the driver's reason (which one
      // depends on where the batch was: Kysely's rollback on the dead connection can replace the first error).
      assert.equal(code, 1, `run ${attempt}: exit status`);
      assert.match(
        run.stderr,
        /^gatehouse: (terminating connection due to administrator command|Connection terminated unexpectedly|Client has encountered a connection error and is not queryable|.*\b(ECONNRESET|EPIPE)\b)/m,
      );
      assert.match(run.stderr, /run the same command again to resume/, 'the operator is told how to go on');
      failures.push(run.stderr.trim());
    }
  }
  assert.equal(holding, false);
  t.diagnostic(`${failures.length} run(s) stopped by a lost connection`); // 0 would mean the importer retried

  // The final run: exit 3 (rejected rows), the bad rows rejected, every good row either already there or inserted now.
  const summary = /inserted ([\d,]+) · updated ([\d,]+) · skipped \(already there\) ([\d,]+) · rejected ([\d,]+)/.exec(finalRun.stdout);
  assert.ok(summary, finalRun.stdout);
  const [inserted, updated, skipped, rejected] = summary.slice(1).map((n) => Number(n.replaceAll(',', '')));
  assert.equal(updated, 0);
  assert.equal(skipped, committedBeforeFinal, 'what the cut-off runs committed is skipped');
  assert.equal(inserted! + skipped!, good.length);
  assert.equal(rejected, bad.size);

  const final = await committed();
  assert.equal(final.users, good.length, 'every good row, once');
  assert.equal(final.external_ids, good.length, 'no duplicate external_id');
  assert.equal(final.with_email, good.length, 'every user has its email address');
  assert.equal(final.emails, good.length);
  const { rows: pairs } = await admin.query<{ external_id: string; email_address: string }>(
    `select u.external_id, e.email_address from ${schema}.users u join ${schema}.email_addresses e on e.user_id = u.id and e.id = u.primary_email_address_id`,
  );
  assert.deepEqual(
    pairs.map((p) => `${p.external_id} ${p.email_address}`).sort(),
    good.map((i) => `${externalId(i)} ${email(i)}`).sort(),
    'exactly the good rows, each user with its own email as primary',
  );

  const rejects = await readRejects(rejectsPath);
  assert.deepEqual(
    rejects.map((r) => r.line),
    [...bad].map((i) => i + 1),
    'the rejects are exactly the planted bad rows',
  );
  assert.deepEqual(
    [...new Set(rejects.map((r) => r.errors[0]!.code))].sort(),
    ['form_identifier_exists', 'form_param_format_invalid', 'form_param_unknown'],
  );
});
