// Benchmark 1 (issue 5): `gatehouse import` of the seed file into PostgreSQL, against a raw COPY of the
// same rows into the same tables, measured in the same run:
//
//   npx tsx bench/import.ts [--file bench/data/users-1m.jsonl] [--users 1000000] [--batch-size 2000] [--writers 2] [--rounds 1] [--events] [--load auto|first|batches] [--existing 1000000]
//   DATABASE_URL=postgres://… npx tsx bench/import.ts
//
// Each side gets a fresh schema built by the application's migrations (every index and trigger in place),
// dropped at the end. The import runs exactly what the CLI runs (runImport: read, validate every row with
// prepareNewUser, write in batches). The baseline is the database's own speed limit for the same rows: the
// rows the import wrote (ids, digests, sort keys and all) are read back in the order they were inserted,
// turned into COPY text outside the clock, and only the COPY statements are timed: the same batches (one
// transaction each, five COPYs: users, emails, phones, wallets, search documents), the same session settings and the same
// number of connections as the import. So the ratio is what reading, validating and conflict handling cost
// on top of the database's own work. `--copy-single` adds the textbook form, one COPY per table in one
// transaction. Wall time and CPU time (the database backends', the import process's) are both recorded:
// this machine is shared. Writes bench/results/import.json. Target: 1,000,000 users in ≤ 90 s, ≥ 50 % of COPY.
// An import that loads first (`--load first`, or `auto` into an empty schema: issue 14) is set against COPY
// into bare tables followed by the search documents, the index builds and ANALYZE (as bench/load-1m.ts),
// on the same connections; target ≤ 60 s. `--existing N` first loads N other users (the seed generator's rows
// after the file's, so no identifier is shared) into both sides' schemas, outside the clock: an import into
// a database that already holds users, against raw COPY into the same tables and indexes; target ≥ 0.85×.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { createDeps } from '../src/deps.js';
import { createProgressReporter } from '../src/import/progress.js';
import { runImport } from '../src/import/run.js';
import { seedUsers } from './seed.js';
import { postgresSettings } from './users-common.js';
import { BULK_SETTINGS } from '../src/users/bulk/store.js';
import { SORT_MEMORY } from '../src/users/bulk/staging-store.js';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

const { values: args } = parseArgs({
  options: {
    file: { type: 'string', default: 'bench/data/users-1m.jsonl' },
    users: { type: 'string', default: '1000000' },
    'batch-size': { type: 'string', default: '2000' },
    writers: { type: 'string', default: '2' },
    'copy-single': { type: 'boolean', default: false },
    rounds: { type: 'string', default: '1' },
    'skip-copy': { type: 'boolean', default: false },
    events: { type: 'boolean', default: false },
    // How the import writes (src/import/README.md): auto (what the CLI does), first or batches.
    load: { type: 'string', default: 'auto' },
    existing: { type: 'string', default: '0' },
    out: { type: 'string', default: 'bench/results/import.json' },
  },
});
const url = process.env.DATABASE_URL || DEFAULT_URL;
const users = Number(args.users);
const batchSize = Number(args['batch-size']);
const existing = Number(args.existing);
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

// CPU seconds, next to wall time: this machine is shared, and CPU time shows the cost of each side even
// when a neighbour slows the clock. PostgreSQL runs here too, so its backends' CPU is read from /proc.
const CLOCK_TICKS = 100;
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime + stime
  } catch {
    return 0; // not on this machine (a remote DATABASE_URL): only wall time is reported
  }
}

/** The backends of the connections named `applicationName`, and their CPU so far. */
async function backendCpu(admin: pg.Client, applicationName: string): Promise<Map<number, number>> {
  const { rows } = await admin.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [applicationName]);
  return new Map(rows.map((r) => [r.pid, processCpuSeconds(r.pid)]));
}

function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, cpu] of after) total += cpu - (before.get(pid) ?? 0);
  return total;
}

/** The seed file, generated when missing; with --users below its size, its first lines. */
async function seedFile(dir: string): Promise<string> {
  let file = args.file!;
  if (!existsSync(file)) {
    console.error(`${file} is missing: generating ${users} users (seed 42)`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeLines(file, (function* () {
      for (const u of seedUsers(users, 42)) yield JSON.stringify(u);
    })());
  }
  const lines = await countLines(file);
  if (users < lines) {
    const part = path.join(dir, `users-${users}.jsonl`);
    let n = 0;
    await writeLines(part, (async function* () {
      for await (const line of readLines(file)) {
        if (n++ >= users) return;
        yield line;
      }
    })());
    file = part;
  }
  return file;
}

async function writeLines(file: string, lines: Iterable<string> | AsyncIterable<string>) {
  const out = createWriteStream(file);
  let chunk = '';
  for await (const line of lines) {
    chunk += `${line}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((done) => out.once('drain', () => done()));
      chunk = '';
    }
  }
  await new Promise<void>((resolve, reject) => out.end(chunk, () => resolve()).on('error', reject));
}

async function* readLines(file: string): AsyncGenerator<string> {
  let carry = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const parts = (carry + (chunk as string)).split('\n');
    carry = parts.pop()!;
    for (const p of parts) if (p) yield p;
  }
  if (carry) yield carry;
}

async function countLines(file: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    for (let i = (chunk as Buffer).indexOf(10); i >= 0; i = (chunk as Buffer).indexOf(10, i + 1)) n++;
  }
  return n;
}

/** Every schema this run made: dropped at the end whatever happens. */
const schemas: string[] = [];

async function freshSchema(admin: pg.Client, prefix: string): Promise<string> {
  const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
  schemas.push(schema);
  await admin.query('create extension if not exists pg_trgm with schema public');
  await admin.query(`create schema ${schema}`);
  return schema;
}

/** The URL with an application_name, so that the run's backends can be found in pg_stat_activity. */
const named = (name: string) => `${url}${url.includes('?') ? '&' : '?'}application_name=${name}`;

/** One key for the whole run: --existing opens each schema twice (the users loaded before, then the import). */
const encryptionKey = randomBytes(32);

async function depsFor(schema: string) {
  const db = await openDatabase({ kind: 'postgres', url: named(schema), schema: `${schema},public` });
  const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: url, GATEHOUSE_DATA_DIR: os.tmpdir() });
  return createDeps(config, { db, encryptionKey });
}

/** The users already in the database with --existing: rows numbered after the imported file's (bench/seed.ts). */
async function existingFile(): Promise<string | undefined> {
  if (existing === 0) return undefined;
  const file = `bench/data/users-existing-${existing}-after-${users}.jsonl`;
  if (!existsSync(file)) {
    console.error(`${file} is missing: generating ${existing} users (seed 7, rows ${users}…)`);
    await writeLines(file, (function* () {
      for (const u of seedUsers(existing, 7, users)) yield JSON.stringify(u);
    })());
  }
  return file;
}

/**
 * Loads the --existing users into a fresh schema, outside the clock (the import's own load-first path,
 * then ANALYZE), and lists them in bench_preloaded so that dumpBatches leaves them out.
 */
async function preload(admin: pg.Client, schema: string, file: string | undefined): Promise<void> {
  if (!file) return;
  const deps = await depsFor(schema);
  try {
    console.error(`existing: loading ${file} (not timed)…`);
    await runImport(deps, { file, format: 'jsonl', batchSize, writers: Number(args.writers), rejectsPath: path.join(os.tmpdir(), `bench-existing-${process.pid}.rejects.jsonl`), events: false, load: 'first' });
  } finally {
    await deps.db.destroy();
  }
  await admin.query(`create table ${schema}.bench_preloaded as select id from ${schema}.users`);
  await admin.query(`analyze ${schema}.users, ${schema}.email_addresses, ${schema}.phone_numbers, ${schema}.web3_wallets, ${schema}.user_search, ${schema}.bench_preloaded`);
}

// ---- the baseline: COPY ------------------------------------------------------------------------------

const COLUMNS = {
  users: [
    'id', 'external_id', 'username', 'first_name', 'last_name', 'password_digest', 'password_hasher', 'totp_secret',
    'backup_codes', 'public_metadata', 'private_metadata', 'unsafe_metadata',
    'primary_email_address_id', 'primary_phone_number_id', 'primary_web3_wallet_id',
    'primary_email_address_sort', 'primary_phone_number_sort', 'primary_web3_wallet_sort',
    'delete_self_enabled', 'create_organization_enabled', 'create_organizations_limit',
    'legal_accepted_at', 'mfa_enabled_at', 'created_at', 'updated_at',
  ],
  email_addresses: ['id', 'user_id', 'email_address', 'verified', 'created_at', 'updated_at'],
  phone_numbers: ['id', 'user_id', 'phone_number', 'verified', 'created_at', 'updated_at'],
  web3_wallets: ['id', 'user_id', 'web3_wallet', 'verified', 'created_at', 'updated_at'],
  // The import writes each user's search document in its batch; COPY writes the same documents. (Not
  // into bare tables: there the baseline builds them after the COPY, as the load-first import does.)
  user_search: ['user_id', 'document', 'created_at'],
} as const;
type Table = keyof typeof COLUMNS;

function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
}

/** COPY text of one batch of users, per table. */
type CopyBatch = Record<Table, Buffer>;

/**
 * The rows the import wrote into `schema`, as COPY text (not timed): users in the order they were inserted
 * (ctid), cut into batches of `size`, each user's emails, phones and wallets in its batch.
 */
async function dumpBatches(admin: pg.Client, schema: string, size: number): Promise<CopyBatch[]> {
  const text: Record<Table, string[]>[] = [];
  const batchOf = new Map<string, number>();
  await admin.query('begin');
  try {
    for (const table of Object.keys(COLUMNS) as Table[]) {
      const columns = COLUMNS[table].map((c) => `${c}::text`).join(', ');
      // With --existing, the users loaded before the import are not the import's.
      const preloaded = (await admin.query(`select to_regclass('${schema}.bench_preloaded') as t`)).rows[0].t !== null;
      const own = preloaded ? `where not exists (select from ${schema}.bench_preloaded p where p.id = t.${table === 'users' ? 'id' : 'user_id'})` : '';
      await admin.query(`declare rows no scroll cursor for select ${columns} from ${schema}.${table} t ${own} order by ctid`);
      let n = 0;
      for (;;) {
        const { rows } = await admin.query({ text: 'fetch 20000 from rows', rowMode: 'array' });
        if (rows.length === 0) break;
        for (const row of rows as (string | null)[][]) {
          const batch = table === 'users' ? Math.floor(n++ / size) : batchOf.get(row[table === 'user_search' ? 0 : 1]!)!;
          if (table === 'users') batchOf.set(row[0]!, batch);
          text[batch] ??= { users: [], email_addresses: [], phone_numbers: [], web3_wallets: [], user_search: [] };
          text[batch]![table].push(`${row.map(copyField).join('\t')}\n`);
        }
      }
      await admin.query('close rows');
    }
  } finally {
    await admin.query('commit');
  }
  return text.map((t) => Object.fromEntries((Object.keys(t) as Table[]).map((k) => [k, Buffer.from(t[k].join(''))])) as CopyBatch);
}

/** COPY … FROM STDIN through node-postgres's submittable interface (no extra dependency). */
class CopyIn {
  private error: unknown;
  private settle!: (error?: unknown) => void;
  readonly done = new Promise<void>((resolve, reject) => (this.settle = (e) => (e ? reject(e) : resolve())));
  constructor(readonly text: string, private readonly data: Buffer[]) {}
  submit(connection: { query(text: string): void }) {
    connection.query(this.text);
  }
  handleCopyInResponse(connection: { sendCopyFromChunk(b: Buffer): void; endCopyFrom(): void; stream: NodeJS.WritableStream }) {
    void (async () => {
      for (const buffer of this.data) {
        for (let i = 0; i < buffer.length; i += 1 << 20) {
          connection.sendCopyFromChunk(buffer.subarray(i, i + (1 << 20)));
          if ((connection.stream as unknown as { writableNeedDrain?: boolean }).writableNeedDrain) {
            await new Promise<void>((done) => connection.stream.once('drain', () => done()));
          }
        }
      }
      connection.endCopyFrom();
    })();
  }
  handleError(error: unknown) {
    this.error = error;
  }
  handleReadyForQuery() {
    this.settle(this.error);
  }
  handleCommandComplete() {}
  handleRowDescription() {}
  handleDataRow() {}
  handleEmptyQuery() {}
  handleCopyData() {}
  handlePortalSuspended() {}
}

async function copyInto(client: pg.Client, parts: CopyBatch[], bare: boolean) {
  await client.query('begin');
  // The import's batches run with the same settings (users/bulk/store.ts tuneBulkTransaction).
  await client.query(`select set_config('work_mem', $1, true), set_config('gin_pending_list_limit', $2, true)`, [
    BULK_SETTINGS.work_mem,
    BULK_SETTINGS.gin_pending_list_limit,
  ]);
  for (const table of Object.keys(COLUMNS) as Table[]) {
    if (bare && table === 'user_search') continue;
    const copy = new CopyIn(`copy ${table} (${COLUMNS[table].join(', ')}) from stdin`, parts.map((p) => p[table]));
    void client.query(copy as never);
    await copy.done;
  }
  await client.query('commit');
}

/**
 * Times COPY of the prepared batches into a fresh schema: `connections` clients take batches in turn
 * (as the import's writers do), or with `single` one client copies everything in one transaction.
 */
async function copyBaseline(admin: pg.Client, batches: CopyBatch[], options: { connections: number; single: boolean; bare?: boolean; existing?: string }) {
  const schema = await freshSchema(admin, 'bench_copy');
  const deps = await depsFor(schema); // migrations
  await deps.db.destroy();
  await preload(admin, schema, options.existing);
  // Load first: the secondary indexes go before the COPY (not timed) and are built after it (timed).
  const indexes = options.bare
    ? (
        await admin.query<{ indexname: string; indexdef: string }>(
          `select indexname, indexdef from pg_indexes i where schemaname = $1
             and tablename in ('users', 'email_addresses', 'phone_numbers', 'web3_wallets', 'images', 'user_search')
             and not exists (select from pg_constraint c where c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)`,
          [schema],
        )
      ).rows
    : [];
  for (const index of indexes) await admin.query(`drop index ${schema}.${index.indexname}`);
  // And their foreign keys (each row's check locks the referenced user), added back after the COPY (timed).
  const keys = options.bare
    ? (
        await admin.query<{ table: string; name: string; definition: string }>(
          `select t.relname as table, c.conname as name, pg_get_constraintdef(c.oid) as definition
           from pg_constraint c join pg_class t on t.oid = c.conrelid
           where c.contype = 'f' and t.relnamespace = $1::regnamespace
             and t.relname in ('users', 'email_addresses', 'phone_numbers', 'web3_wallets', 'images', 'user_search')`,
          [schema],
        )
      ).rows
    : [];
  for (const key of keys) await admin.query(`alter table ${schema}.${key.table} drop constraint ${key.name}`);
  const clients = await Promise.all(
    Array.from({ length: options.single ? 1 : options.connections }, async () => {
      const client = new pg.Client({ connectionString: named(schema), options: `-c search_path=${schema},public` });
      await client.connect();
      return client;
    }),
  );
  try {
    await admin.query('checkpoint');
    const dbBefore = await backendCpu(admin, schema);
    const started = performance.now();
    if (options.single) await copyInto(clients[0]!, batches, options.bare === true);
    else {
      let next = 0;
      await Promise.all(clients.map(async (client) => {
        for (let i = next++; i < batches.length; i = next++) await copyInto(client, [batches[i]!], options.bare === true);
      }));
    }
    if (options.bare) {
      // The search documents (COPY has none), from one grouped scan per identification table; the indexes,
      // with the import's memory for index builds; statistics.
      const documents = (table: string, column: string) => `(select user_id, array_agg(${column} order by id) as v from ${table} group by user_id)`;
      await clients[0]!.query(`
        insert into user_search (user_id, document, created_at)
        select u.id, user_search_compose(u.id, u.username, u.first_name, u.last_name, coalesce(e.v, '{}'), coalesce(p.v, '{}'), coalesce(w.v, '{}')), u.created_at
        from users u left join ${documents('email_addresses', 'email_address')} e on e.user_id = u.id
        left join ${documents('phone_numbers', 'phone_number')} p on p.user_id = u.id left join ${documents('web3_wallets', 'web3_wallet')} w on w.user_id = u.id`);
      for (const index of indexes) {
        // As the import builds them: btrees sort with SORT_MEMORY, trigram indexes keep the server's setting.
        await clients[0]!.query(/ USING gin /i.test(index.indexdef) ? 'reset maintenance_work_mem' : `set maintenance_work_mem = '${SORT_MEMORY}'`);
        await clients[0]!.query(index.indexdef);
      }
      // The foreign keys come back checked in one join each, as the import's last step does.
      for (const key of keys) await clients[0]!.query(`alter table ${key.table} add constraint ${key.name} ${key.definition}`);
      await clients[0]!.query('analyze users, email_addresses, phone_numbers, web3_wallets, user_search, images');
    }
    const seconds = (performance.now() - started) / 1000;
    const dbCpu = cpuDelta(dbBefore, await backendCpu(admin, schema));
    const count = Number((await admin.query(`select count(*) from ${schema}.users`)).rows[0].count) - existing;
    return { seconds, users: count, schema, dbCpu };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
    await admin.query(`drop schema ${schema} cascade`);
  }
}

// ---- the import ------------------------------------------------------------------------------------------

async function importRun(admin: pg.Client, file: string, existingUsers: string | undefined) {
  const schema = await freshSchema(admin, 'bench_import');
  await preload(admin, schema, existingUsers);
  const deps = await depsFor(schema);
  try {
    await admin.query('checkpoint');
    console.error(`import: ${file} (batches of ${batchSize}, ${args.writers} writer(s))…`);
    const dbBefore = await backendCpu(admin, schema);
    const nodeBefore = process.cpuUsage();
    const reporter = createProgressReporter(process.stderr, { intervalMs: process.stderr.isTTY ? 200 : 10_000 });
    const summary = await runImport(deps, {
      file,
      format: 'jsonl',
      batchSize,
      writers: Number(args.writers),
      rejectsPath: path.join(os.tmpdir(), `bench-import-${process.pid}.rejects.jsonl`),
      // An initial load, as `gatehouse import --no-events`: the COPY baseline writes no events either.
      // --events measures the import with its user.created outbox rows (not comparable to the baseline).
      events: args.events === true,
      load: args.load as 'auto' | 'first' | 'batches',
      onProgress: (p) => reporter.update(p),
    });
    reporter.finish();
    const node = process.cpuUsage(nodeBefore);
    const dbCpu = cpuDelta(dbBefore, await backendCpu(admin, schema));
    const count = Number((await admin.query(`select count(*) from ${schema}.users`)).rows[0].count) - existing;
    return { seconds: summary.elapsedMs / 1000, summary, users: count, schema, dbCpu, nodeCpu: (node.user + node.system) / 1e6 };
  } finally {
    await deps.db.destroy();
  }
}

async function main() {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-bench-import-'));
  try {
    const file = await seedFile(dir);
    const existingUsers = await existingFile();
    const loadBefore = os.loadavg();
    const writers = Number(args.writers);
    type Timed = { seconds: number; users: number; dbCpu: number };
    let copy: Timed | undefined;
    let copySingle: Timed | undefined;
    let imported: Awaited<ReturnType<typeof importRun>> | undefined;
    const rate = (r: Timed | undefined) => (r ? r.users / r.seconds : undefined);
    const faster = <T extends Timed>(a: T | undefined, b: T) => (a && a.seconds <= b.seconds ? a : b);
    // Rounds alternate import and COPY, and the fastest of each counts: a busy neighbour only slows a run down.
    for (let round = 1; round <= Number(args.rounds); round++) {
      const run = await importRun(admin, file, existingUsers);
      const s = run.summary;
      console.error(
        `import: ${run.users} users in ${run.seconds.toFixed(1)} s = ${Math.round(run.users / run.seconds)} users/s ` +
          `(inserted ${s.inserted}, skipped ${s.skipped}, rejected ${s.rejected}; database CPU ${run.dbCpu.toFixed(1)} s, import process CPU ${run.nodeCpu.toFixed(1)} s)`,
      );
      imported = faster(imported, run);
      if (args['skip-copy']) {
        await admin.query(`drop schema ${run.schema} cascade`);
        continue;
      }
      console.error('baseline: reading back the imported rows as COPY text (not timed)…');
      const batches = await dumpBatches(admin, run.schema, batchSize);
      await admin.query(`drop schema ${run.schema} cascade`);
      console.error(`baseline: COPY in batches of ${batchSize} over ${writers} connection(s)…`);
      // A load-first import is set against COPY into bare tables, then the index builds (as bench/load-1m.ts).
      const bare = run.summary.load === 'first';
      console.error(bare ? 'baseline: COPY into bare tables, then search documents, indexes, ANALYZE…' : '');
      const c = await copyBaseline(admin, batches, { connections: writers, single: false, bare, existing: existingUsers });
      console.error(`baseline: ${c.users} users in ${c.seconds.toFixed(1)} s = ${Math.round(rate(c)!)} users/s (database CPU ${c.dbCpu.toFixed(1)} s)`);
      copy = faster(copy, c);
      if (args['copy-single']) {
        console.error('baseline: COPY, one transaction, one connection…');
        const single = await copyBaseline(admin, batches, { connections: 1, single: true, existing: existingUsers });
        console.error(`baseline (single): ${single.users} users in ${single.seconds.toFixed(1)} s = ${Math.round(rate(single)!)} users/s (database CPU ${single.dbCpu.toFixed(1)} s)`);
        copySingle = faster(copySingle, single);
      }
    }
    const importRate = imported ? imported.users / imported.seconds : undefined;
    const copyRate = rate(copy);
    const ratio = importRate && copyRate ? importRate / copyRate : undefined;
    const result = {
      date: new Date().toISOString(),
      machine: { cpu: os.cpus()[0]?.model, cores: os.availableParallelism(), node: process.version, loadavg_before: loadBefore.map((l) => round(l, 2)), loadavg_after: os.loadavg().map((l) => round(l, 2)) },
      postgres: await postgresSettings(admin),
      file: path.basename(args.file!),
      users: imported?.users ?? copy?.users,
      existing_users: existing,
      batch_size: batchSize,
      writers,
      session_settings: BULK_SETTINGS,
      rounds: Number(args.rounds),
      import: imported && {
        seconds: round(imported.seconds),
        users_per_second: Math.round(importRate!),
        inserted: imported.summary.inserted,
        load: imported.summary.load,
        rejected: imported.summary.rejected,
        user_created_events: args.events === true,
        database_cpu_seconds: round(imported.dbCpu),
        import_process_cpu_seconds: round(imported.nodeCpu),
      },
      copy: copy && {
        seconds: round(copy.seconds),
        users_per_second: Math.round(copyRate!),
        database_cpu_seconds: round(copy.dbCpu),
        form: `batches of ${batchSize}, ${writers} connection(s)${imported?.summary.load === 'first' ? ', into bare tables, then search documents, indexes and ANALYZE' : ', into the indexed tables'}`,
      },
      copy_single_transaction: copySingle && { seconds: round(copySingle.seconds), users_per_second: Math.round(rate(copySingle)!), database_cpu_seconds: round(copySingle.dbCpu) },
      ratio: ratio && round(ratio, 2),
      // Issue 5: the batch path, ≤ 90 s and ≥ 0.5× COPY; issue 14: loaded first into an empty database, ≤ 60 s,
      // and into a database already holding users, ≥ 0.85× COPY into the same tables and indexes.
      target: existing > 0 ? { ratio: 0.85 } : imported?.summary.load === 'first' ? { seconds_for_1m: 60 } : { seconds_for_1m: 90, ratio: 0.5 },
      meets_target:
        existing > 0
          ? ratio !== undefined && ratio >= 0.85
          : imported?.summary.load === 'first'
            ? 1_000_000 / importRate! <= 60
            : imported && ratio !== undefined ? 1_000_000 / importRate! <= 90 && ratio >= 0.5 : undefined,
    };
    await mkdir(path.dirname(args.out!), { recursive: true });
    await writeFile(args.out!, `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      `import ${importRate ? Math.round(importRate) : '–'} users/s · raw COPY ${copyRate ? Math.round(copyRate) : '–'} users/s · ratio ${ratio ? ratio.toFixed(2) : '–'} (target ≥ 0.50; 1M in ≤ 90 s) → ${args.out}`,
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
