import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { CompiledQuery, Kysely, PostgresDialect, sql, type PostgresPool, type PostgresPoolClient, type Transaction } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
/** What a store function takes first: the database, or a transaction on it. */
export type Executor = Kysely<Database> | Transaction<Database>;

const INT8_OID = 20;
// Timestamps are bigint milliseconds: well inside Number's 2^53, so parse them as numbers.
const parseInt8 = (value: string) => Number(value);

export type DatabaseTarget = { kind: 'postgres'; url: string; schema?: string } | { kind: 'pglite'; dataDir?: string };

/**
 * Opens Kysely on PostgreSQL (node-postgres pool) or on the embedded PGlite. Both speak the same SQL,
 * so every store and migration runs unchanged on either.
 */
export async function openDatabase(target: DatabaseTarget): Promise<Db> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: 10,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
      },
      ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
    });
    // A connection can die under the pool (PostgreSQL restarted, its backend terminated): node-postgres then
    // emits 'error' on the pool for an idle connection, and an 'error' nobody listens to crashes the
    // process. The pool has already dropped that connection; the next query opens a new one (or fails, and
    // its caller reports why). Checked-out connections: see preparingPool.
    pool.on('error', (error) => process.emitWarning(`an idle database connection was lost: ${error.message}`, 'DatabaseWarning'));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
    directPools.set(db, pool);
    return db;
  }
  if (target.dataDir) await fs.mkdir(path.dirname(target.dataDir), { recursive: true });
  const pglite = await PGlite.create({
    ...(target.dataDir ? { dataDir: target.dataDir } : {}),
    extensions: { pg_trgm },
    parsers: { [INT8_OID]: parseInt8 },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  pglites.set(db, pglite);
  return db;
}

/** The PGlite behind each embedded Kysely root: listen()'s way in. */
const pglites = new WeakMap<object, PGlite>();

/**
 * Calls `onNotify` whenever a transaction that ran `pg_notify(channel, …)` commits, in this process or
 * (PostgreSQL) any other: background workers wake at once instead of waiting for their next poll.
 * Best effort: a notification can be missed (a dropped connection), so callers keep polling too.
 * Returns a function that stops listening.
 */
export async function listen(db: Db, channel: string, onNotify: () => void): Promise<() => Promise<void>> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
  const pglite = pglites.get(db);
  if (pglite) {
    // Through the driver's queue: a LISTEN run inside another borrower's transaction would be undone
    // by its rollback.
    return db.connection().execute(async () => {
      const unlisten = await pglite.listen(channel, () => onNotify());
      return async () => {
        if (!pglite.closed) await unlisten();
      };
    });
  }
  const pool = directPools.get(db);
  if (!pool) throw new Error('listen() needs the root database, not a transaction');
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  // A dedicated connection (LISTEN holds it), opened again after it drops; missed notifications are
  // covered by the caller's polling.
  const connect = async () => {
    if (stopped) return;
    const next = new pg.Client(pool.options);
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify();
    });
    next.on('error', () => {
      void next.end().catch(() => undefined);
      if (client === next && !stopped) retry = setTimeout(() => void connect(), 1000).unref();
    });
    try {
      await next.connect();
      await next.query(`listen ${channel}`);
      client = next;
      if (stopped) await next.end();
    } catch {
      void next.end().catch(() => undefined);
      if (!stopped) retry = setTimeout(() => void connect(), 1000).unref();
    }
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}

// Prepared statements, opt-in. PostgreSQL parses and plans an unnamed statement on every call; for the
// hottest fixed-shape reads (GET /v1/users/{id}) planning costs as much as running the query (issue 5,
// bench/README.md). A statement run with `queryPrepared()` is sent as a named statement instead, parsed and
// planned once per pooled connection. Only for statements whose best plan does not depend on the values
// (a lookup by primary key): a named statement may switch to a generic plan. PGlite just sees a comment.
const PREPARED_MARK = /^\/\* prepared:([a-z0-9_]+) \*\//;

/** `compiled` (any Kysely query's .compile()) as the named statement `name`, with `parameters`. */
function prepared(name: string, compiled: { sql: string }, parameters: readonly unknown[]): CompiledQuery {
  return CompiledQuery.raw(`/* prepared:${name} */ ${compiled.sql}`, [...parameters]);
}

/** The node-postgres pool behind each PostgreSQL Kysely root (never a transaction): queryPrepared's fast path. */
const directPools = new WeakMap<object, pg.Pool>();
/** Per pool, statements re-prepared under a new name after a result-type change (see preparingPool). */
const directGenerations = new WeakMap<pg.Pool, Map<string, number>>();

/**
 * Runs `compiled` as the named statement `name`. Outside a transaction on PostgreSQL it goes straight to
 * the pool, as a bare handler would: Kysely's per-query work (query ids, plugins, connection wrapper) was
 * a tenth of GET /v1/users/{id}'s CPU (bench/README.md). In a transaction, or on PGlite, through Kysely.
 */
export async function queryPrepared<R>(db: Executor, name: string, compiled: { sql: string }, parameters: readonly unknown[]): Promise<R[]> {
  const pool = directPools.get(db);
  if (!pool) return (await db.executeQuery<R>(prepared(name, compiled, parameters))).rows;
  const text = `/* prepared:${name} */ ${compiled.sql}`;
  let generations = directGenerations.get(pool);
  if (!generations) directGenerations.set(pool, (generations = new Map()));
  const run = () => pool.query({ name: `${name}_${generations.get(name) ?? 0}`, text, values: [...parameters] });
  try {
    return (await run()).rows as R[];
  } catch (error) {
    if ((error as { code?: string }).code !== '0A000') throw error; // cached plan must not change result type
    generations.set(name, (generations.get(name) ?? 0) + 1);
    return (await run()).rows as R[];
  }
}

/** The node-postgres pool as Kysely sees it, with statements marked by `prepared()` sent named. */
function preparingPool(pool: pg.Pool): PostgresPool {
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    // The connection lost while checked out (the pool listens only while it is idle): the error also fails
    // the query in flight, or the next one on this client, so its caller hears of it; this listener only
    // keeps the 'error' event from crashing the process. On release, the pool drops the dead connection.
    client.on('error', () => undefined);
    // A schema change can make a statement's result type change under it (a migration adding a column to
    // `users.*` from another process): then it is prepared again under a new name, once (outside a
    // transaction; inside one the error aborts it and stands).
    const generation = new Map<string, number>();
    const named = (base: string, text: string, values: unknown[]) =>
      client.query({ name: `${base}_${generation.get(base) ?? 0}`, text, values });
    const query = async (text: string, values: unknown[]) => {
      const base = PREPARED_MARK.exec(text)?.[1];
      if (base === undefined) return client.query(text, values);
      try {
        return await named(base, text, values);
      } catch (error) {
        if ((error as { code?: string }).code !== '0A000') throw error; // cached plan must not change result type
        generation.set(base, (generation.get(base) ?? 0) + 1);
        return named(base, text, values);
      }
    };
    return {
      query: ((textOrCursor: unknown, values?: readonly unknown[]) =>
        typeof textOrCursor === 'string' ? query(textOrCursor, [...(values ?? [])]) : client.query(textOrCursor as never)) as unknown as PostgresPoolClient['query'],
      release: (destroy?: boolean) => client.release(destroy), // pass on a request to drop a broken connection
    };
  };
  return {
    connect: async () => {
      const client = await pool.connect();
      let wrapped = clients.get(client);
      if (!wrapped) clients.set(client, (wrapped = wrap(client)));
      return wrapped;
    },
    end: () => pool.end(),
  };
}

/** Readiness probe: one round trip to the database. */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
