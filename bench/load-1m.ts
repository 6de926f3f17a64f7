// Loads the seed file into the real tables of a dedicated PostgreSQL schema, for benchmarks 2–5:
//
//   npx tsx bench/load-1m.ts [--file bench/data/users-1m.jsonl] [--schema bench_1m] [--reload]
//
// The schema is built by the application's own migrations, then filled with COPY (through psql's \copy),
// secondary indexes dropped during the load and rebuilt after it, then VACUUM ANALYZE. It is kept between
// runs: a second run only applies pending migrations (and reloads when that fails, e.g. a migration was
// inserted before one already applied). --reload rebuilds it from scratch. The seed file is generated
// (1,000,000 users, seed 42) when missing. This is bench-only SQL: it does not validate rows the way the
// importer does, it writes what the seed generator produced.
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { newId } from '../src/lib/ids.js';
import type { SeedUser } from './seed.js';

export const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const DEFAULT_SCHEMA = 'bench_1m';
const DEFAULT_FILE = 'bench/data/users-1m.jsonl';

const TABLES = {
  users: [
    'id', 'external_id', 'username', 'first_name', 'last_name', 'password_digest', 'password_hasher', 'public_metadata',
    'primary_email_address_id', 'primary_phone_number_id', 'primary_web3_wallet_id',
    'primary_email_address_sort', 'primary_phone_number_sort', 'primary_web3_wallet_sort', 'created_at', 'updated_at',
  ],
  email_addresses: ['id', 'user_id', 'email_address', 'verified', 'created_at', 'updated_at'],
  phone_numbers: ['id', 'user_id', 'phone_number', 'verified', 'created_at', 'updated_at'],
  web3_wallets: ['id', 'user_id', 'web3_wallet', 'verified', 'created_at', 'updated_at'],
} as const;
type Table = keyof typeof TABLES;

/** A value in COPY's text format. */
function field(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value !== 'string') return String(value);
  return value.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
}
const line = (values: (string | number | boolean | null | undefined)[]) => values.map(field).join('\t') + '\n';

/** One psql per table, fed through stdin; triggers and foreign-key checks off (the rows are consistent). */
class CopyStream {
  private buffer = '';
  readonly done: Promise<void>;
  private readonly child: ChildProcess;
  constructor(url: string, schema: string, table: Table) {
    this.child = spawn(
      'psql',
      [url, '-q', '-v', 'ON_ERROR_STOP=1', '-c', 'set session_replication_role = replica',
        '-c', `\\copy ${schema}.${table} (${TABLES[table].join(', ')}) from pstdin`],
      { stdio: ['pipe', 'inherit', 'inherit'] },
    );
    this.done = new Promise((resolve, reject) =>
      this.child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql \\copy ${table} exited with ${code}`)))),
    );
  }
  async write(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length < 1 << 16) return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.child.stdin!.write(chunk)) await new Promise<void>((done) => this.child.stdin!.once('drain', () => done()));
  }
  async end(): Promise<void> {
    this.child.stdin!.end(this.buffer);
    await this.done;
  }
}

async function copySeed(url: string, schema: string, file: string): Promise<number> {
  const streams = Object.fromEntries((Object.keys(TABLES) as Table[]).map((t) => [t, new CopyStream(url, schema, t)])) as Record<
    Table,
    CopyStream
  >;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let count = 0;
  for await (const text of lines) {
    if (!text) continue;
    const u = JSON.parse(text) as SeedUser;
    const createdAt = Date.parse(u.created_at);
    const userId = newId('user', createdAt);
    const primary: Record<'email' | 'phone' | 'wallet', { id: string; sort: string } | undefined> = {
      email: undefined,
      phone: undefined,
      wallet: undefined,
    };
    const identifications = async (table: Exclude<Table, 'users'>, values: string[] | undefined, kind: keyof typeof primary) => {
      let rows = '';
      (values ?? []).forEach((value, i) => {
        const id = newId('idn', createdAt);
        if (i === 0) primary[kind] = { id, sort: kind === 'phone' ? value : value.toLowerCase() };
        rows += line([id, userId, value, true, createdAt + i, createdAt + i]);
      });
      if (rows) await streams[table].write(rows);
    };
    await identifications('email_addresses', u.email_address, 'email');
    await identifications('phone_numbers', u.phone_number, 'phone');
    await identifications('web3_wallets', u.web3_wallet, 'wallet');
    await streams.users.write(
      line([
        userId, u.external_id, u.username, u.first_name, u.last_name, u.password_digest, u.password_hasher,
        JSON.stringify(u.public_metadata ?? {}), primary.email?.id, primary.phone?.id, primary.wallet?.id,
        primary.email?.sort, primary.phone?.sort, primary.wallet?.sort, createdAt, createdAt,
      ]),
    );
    if (++count % 100_000 === 0) console.error(`  … ${count} users`);
  }
  await Promise.all(Object.values(streams).map((s) => s.end()));
  return count;
}

/** Runs `statements` over `parallel` connections, each with generous maintenance memory. */
async function runParallel(url: string, schema: string, statements: string[], parallel: number) {
  const queue = [...statements];
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema},public` });
      await client.connect();
      try {
        await client.query(`set maintenance_work_mem = '1GB'`);
        for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
          const started = performance.now();
          await client.query(s);
          console.error(`  ${((performance.now() - started) / 1000).toFixed(1)} s  ${s.slice(0, 110)}`);
        }
      } finally {
        await client.end();
      }
    }),
  );
}

async function schemaExists(admin: pg.Client, schema: string) {
  const r = await admin.query(`select obj_description(oid, 'pg_namespace') as note from pg_namespace where nspname = $1`, [schema]);
  return r.rows.length > 0 && r.rows[0].note !== null;
}

async function migrate(url: string, schema: string) {
  const db = await openDatabase({ kind: 'postgres', url, schema: `${schema},public` });
  try {
    await migrateToLatest(db);
    await sql`select 1`.execute(db);
  } finally {
    await db.destroy();
  }
}

export async function load1m(options: { url?: string; schema?: string; file?: string; reload?: boolean } = {}) {
  const url = options.url ?? DEFAULT_URL;
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const file = options.file ?? DEFAULT_FILE;
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    if (!options.reload && (await schemaExists(admin, schema))) {
      try {
        await migrate(url, schema);
        const note = (await admin.query(`select obj_description(oid, 'pg_namespace') as note from pg_namespace where nspname = $1`, [schema]))
          .rows[0].note as string;
        console.error(`schema ${schema} already loaded (${note}); --reload rebuilds it`);
        return;
      } catch (error) {
        console.error(`schema ${schema} cannot be migrated (${(error as Error).message}); reloading`);
      }
    }
    if (!existsSync(file)) {
      console.error(`${file} is missing: generating 1,000,000 users (seed 42)`);
      await new Promise<void>((resolve, reject) =>
        spawn('npx', ['tsx', 'bench/seed.ts', '--users', '1000000', '--out', file, '--seed', '42'], { stdio: 'inherit' }).on(
          'exit',
          (code) => (code === 0 ? resolve() : reject(new Error(`seed exited with ${code}`))),
        ),
      );
    }
    const started = performance.now();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.query(`create schema ${schema}`);
    await admin.query('create extension if not exists pg_trgm with schema public');
    await migrate(url, schema);

    // Secondary indexes are rebuilt after the COPY: building once is several times faster than
    // maintaining them row by row. Primary keys stay (they are the tables' identity).
    const { rows: indexes } = await admin.query<{ name: string; def: string }>(
      `select i.indexname as name, i.indexdef as def from pg_indexes i
       where i.schemaname = $1 and i.tablename = any($2)
         and not exists (select 1 from pg_constraint c where c.conname = i.indexname and c.contype = 'p')`,
      [schema, [...Object.keys(TABLES), 'user_search']],
    );
    for (const { name } of indexes) await admin.query(`drop index ${schema}.${name}`);

    console.error(`copying ${file} into ${schema}`);
    const count = await copySeed(url, schema, file);
    const copied = performance.now();
    console.error(`copied ${count} users in ${((copied - started) / 1000).toFixed(1)} s; rebuilding ${indexes.length} indexes`);
    // GIN builds first: they are the long ones, so two connections finish together.
    const defs = indexes.map((i) => i.def).sort((a, b) => Number(b.includes(' gin ')) - Number(a.includes(' gin ')));
    const isSearch = (def: string) => / ON \S*user_search /i.test(def);
    await runParallel(url, schema, defs.filter((d) => !isSearch(d)), 2);
    // The search documents (migration 0013) by the same SQL function the app uses, once the identifications'
    // user_id indexes exist (it looks each user's up), on a connection whose search path finds the tables;
    // then their trigram index.
    await runParallel(url, schema, ['insert into user_search (user_id, document, created_at) select id, user_search_document(id, username, first_name, last_name), created_at from users'], 1);
    await runParallel(url, schema, defs.filter(isSearch), 1);
    await runParallel(url, schema, [...Object.keys(TABLES), 'user_search'].map((t) => `vacuum (analyze) ${schema}.${t}`), 2);
    const seconds = (performance.now() - started) / 1000;
    const note = `${count} users from ${file}, loaded ${new Date().toISOString()} in ${seconds.toFixed(0)} s`;
    await admin.query(`comment on schema ${schema} is '${note.replace(/'/g, "''")}'`);
    console.error(`schema ${schema}: ${note}`);
  } finally {
    await admin.end();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      file: { type: 'string', default: DEFAULT_FILE },
      schema: { type: 'string', default: DEFAULT_SCHEMA },
      url: { type: 'string', default: process.env.BENCH_DATABASE_URL ?? DEFAULT_URL },
      reload: { type: 'boolean', default: false },
    },
  });
  await load1m(values);
}

if (process.argv[1]?.endsWith('load-1m.ts')) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
