// Benchmark 1b (issue 12): `gatehouse import` of an Auth0 export (the gzip JSON-lines users export merged
// with the password-hash export, the way Auth0 delivers a database connection) next to the JSON-lines import
// of the same users, and `--on-conflict update` / `fill` over users already there, all in one run:
//
//   npx tsx bench/import-auth0.ts [--users 1000000] [--batch-size 2000] [--writers 2]
//   DATABASE_URL=postgres://… npx tsx bench/import-auth0.ts
//
// The users come from the same seed as bench/import.ts (seed.ts, seed 42): each JSON line also becomes an
// Auth0 user (user_id auth0|<hex>, email_verified, given/family names, phone, created_at, last_login,
// blocked for 1 in 100, user_metadata, app_metadata) and a password-hash record (_id.$oid, passwordHash =
// the seed's bcrypt digest). Each import gets a fresh schema (application migrations, every index),
// without webhook events, as an initial load (--no-events), like the COPY baseline of bench/import.ts.
// Then the JSON-lines file is imported again over the users it made: with --on-conflict update (every row
// applied as PATCH would), and with fill (nothing lacking: what a resumed run costs). Target for update:
// ≥ 0.5 × the insert rate. Writes bench/results/import-auth0.json.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { createDeps } from '../src/deps.js';
import { createProgressReporter } from '../src/import/progress.js';
import { runImport, type ImportOptions } from '../src/import/run.js';
import { seedUsers, type SeedUser } from './seed.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '1000000' },
    'batch-size': { type: 'string', default: '2000' },
    writers: { type: 'string', default: '2' },
    out: { type: 'string', default: 'bench/results/import-auth0.json' },
  },
});
const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const users = Number(args.users);
const batchSize = Number(args['batch-size']);
const writers = Number(args.writers);
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

async function write(file: string, lines: Iterable<string>, gzip = false) {
  const source = Readable.from((function* () {
    let chunk = '';
    for (const line of lines) {
      chunk += `${line}\n`;
      if (chunk.length > 1 << 20) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  })());
  await (gzip ? pipeline(source, createGzip({ level: 6 }), createWriteStream(file)) : pipeline(source, createWriteStream(file)));
}

const oid = (i: number) => i.toString(16).padStart(24, '0');

/** One seed user as Auth0's user export job writes it (fields of a database-connection user). */
function auth0User(u: SeedUser, i: number) {
  const created = Date.parse(u.created_at);
  return JSON.stringify({
    user_id: `auth0|${oid(i)}`,
    email: u.email_address[0],
    email_verified: i % 10 !== 0,
    ...(u.username ? { username: u.username } : {}),
    ...(u.first_name ? { given_name: u.first_name, family_name: u.last_name, name: `${u.first_name} ${u.last_name}` } : { name: u.email_address[0] }),
    ...(u.phone_number ? { phone_number: u.phone_number[0], phone_verified: true } : {}),
    nickname: u.email_address[0]!.split('@')[0],
    picture: `https://s.gravatar.com/avatar/${oid(i)}.png`,
    created_at: u.created_at,
    updated_at: new Date(created + 86_400_000).toISOString(),
    last_login: new Date(created + 7 * 86_400_000).toISOString(),
    logins_count: 1 + (i % 50),
    blocked: i % 100 === 0,
    identities: [{ connection: 'Username-Password-Authentication', provider: 'auth0', user_id: oid(i), isSocial: false }],
    user_metadata: u.public_metadata,
    app_metadata: { plan: u.public_metadata.plan },
  });
}

/** The same user's record in the password-hash export Auth0 support sends. */
function auth0Password(u: SeedUser, i: number) {
  return JSON.stringify({
    _id: { $oid: oid(i) },
    email: u.email_address[0],
    email_verified: i % 10 !== 0,
    tenant: 'bench',
    connection: 'Username-Password-Authentication',
    passwordHash: u.password_digest,
    password_set_date: { $date: u.created_at },
    _tmp_is_unique: true,
    version: '1.1',
  });
}

const schemas: string[] = [];

async function freshDeps(admin: pg.Client, prefix: string) {
  const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
  schemas.push(schema);
  await admin.query('create extension if not exists pg_trgm with schema public');
  await admin.query(`create schema ${schema}`);
  const db = await openDatabase({ kind: 'postgres', url, schema: `${schema},public` });
  const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: url, GATEHOUSE_DATA_DIR: os.tmpdir() });
  return { schema, deps: await createDeps(config, { db, encryptionKey: randomBytes(32) }) };
}

async function timed(label: string, deps: Awaited<ReturnType<typeof freshDeps>>['deps'], options: Omit<ImportOptions, 'onProgress'>) {
  console.error(`${label}…`);
  const reporter = createProgressReporter(process.stderr, { intervalMs: process.stderr.isTTY ? 200 : 15_000 });
  const cpu = process.cpuUsage();
  const summary = await runImport(deps, { batchSize, writers, events: false, ...options, onProgress: (p) => reporter.update(p) });
  reporter.finish();
  const used = process.cpuUsage(cpu);
  const seconds = summary.elapsedMs / 1000;
  const rows = summary.inserted + summary.updated + summary.skipped + summary.rejected;
  const result = {
    seconds: round(seconds),
    rows_per_second: Math.round(rows / seconds),
    inserted: summary.inserted,
    updated: summary.updated,
    skipped: summary.skipped,
    rejected: summary.rejected,
    import_process_cpu_seconds: round((used.user + used.system) / 1e6),
  };
  console.error(`${label}: ${JSON.stringify(result)}`);
  return result;
}

async function main() {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-bench-auth0-'));
  try {
    console.error(`writing ${users} users (seed 42) as JSON lines and as Auth0's two files…`);
    const jsonl = path.join(dir, 'users.jsonl');
    const auth0Users = path.join(dir, 'auth0-users.json.gz');
    const auth0Passwords = path.join(dir, 'auth0-passwords.json');
    await write(jsonl, (function* () {
      for (const u of seedUsers(users, 42)) yield JSON.stringify(u);
    })());
    await write(auth0Users, (function* () {
      let i = 0;
      for (const u of seedUsers(users, 42)) yield auth0User(u, i++);
    })(), true);
    await write(auth0Passwords, (function* () {
      let i = 0;
      for (const u of seedUsers(users, 42)) yield auth0Password(u, i++);
    })());
    const rejectsPath = path.join(dir, 'rejects.jsonl');
    const loadBefore = os.loadavg();

    const own = await freshDeps(admin, 'bench_jsonl');
    const insertJsonl = await timed('JSON lines, insert', own.deps, { file: jsonl, rejectsPath });
    const update = await timed('JSON lines again, --on-conflict update', own.deps, { file: jsonl, rejectsPath, onConflict: 'update' });
    const fill = await timed('JSON lines again, --on-conflict fill (nothing lacking)', own.deps, { file: jsonl, rejectsPath, onConflict: 'fill' });
    await own.deps.db.destroy();
    await admin.query(`drop schema ${own.schema} cascade`);

    const auth0 = await freshDeps(admin, 'bench_auth0');
    const insertAuth0 = await timed('Auth0 users export (gzip) + password-hash export, merged', auth0.deps, {
      file: auth0Users,
      auth0Passwords,
      rejectsPath,
    });
    await auth0.deps.db.destroy();
    await admin.query(`drop schema ${auth0.schema} cascade`);

    const result = {
      date: new Date().toISOString(),
      machine: {
        cpu: os.cpus()[0]?.model,
        cores: os.availableParallelism(),
        node: process.version,
        loadavg_before: loadBefore.map((l) => round(l, 2)),
        loadavg_after: os.loadavg().map((l) => round(l, 2)),
      },
      postgres: (await admin.query('show server_version')).rows[0].server_version,
      users,
      batch_size: batchSize,
      writers,
      jsonl_insert: insertJsonl,
      auth0_insert: { ...insertAuth0, ratio_to_jsonl: round(insertAuth0.rows_per_second / insertJsonl.rows_per_second, 2) },
      update: { ...update, ratio_to_insert: round(update.rows_per_second / insertJsonl.rows_per_second, 2), target_ratio: 0.5 },
      fill_nothing_lacking: { ...fill, ratio_to_insert: round(fill.rows_per_second / insertJsonl.rows_per_second, 2) },
    };
    await mkdir(path.dirname(args.out!), { recursive: true });
    await writeFile(args.out!, `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      `JSON lines ${insertJsonl.rows_per_second} rows/s · Auth0 (2 files, gzip) ${insertAuth0.rows_per_second} rows/s · ` +
        `update ${update.rows_per_second} rows/s (${result.update.ratio_to_insert} × insert, target ≥ 0.5) · fill ${fill.rows_per_second} rows/s → ${args.out}`,
    );
  } finally {
    for (const schema of schemas) await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
