import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { TestContext } from 'node:test';
import type { FastifyServerOptions } from 'fastify';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase, type DatabaseTarget, type Db } from '../src/db/database.js';
import { createDeps, type Deps } from '../src/deps.js';
import { fixedClock, systemClock, type Clock } from '../src/lib/clock.js';
import { logger } from '../src/logger.js';
import { deriveKey } from '../src/lib/secret-box.js';
import { registerSecretKey } from '../src/secret-keys/service.js';

/**
 * `npm test` runs on PGlite; with TEST_DATABASE_URL=postgres://… the same suite runs on PostgreSQL,
 * each test file in a fresh schema that is dropped afterwards.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const engine = TEST_DATABASE_URL ? 'postgres' : 'pglite';

export const SECRET_KEY = 'sk_test_gatehouse_test_key_0123456789';

/**
 * A new schema on the PostgreSQL at `url`, dropped when the test ends; returns its name. For tests that
 * start processes of their own against it (a child server); buildTestApp uses it too.
 */
export async function createTestSchema(t: TestContext, url: string): Promise<string> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  // pg_trgm lives in public so that dropping a test schema never drops the extension.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query('create extension if not exists pg_trgm with schema public');
      break;
    } catch (error) {
      if (attempt >= 3) throw error; // concurrent test files may race to create it
    }
  }
  await admin.query(`create schema ${schema}`);
  t.after(async () => {
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  });
  return schema;
}

async function freshPostgresSchema(t: TestContext, url: string): Promise<{ db: Db; schema: string }> {
  const schema = await createTestSchema(t, url);
  return { db: await openDatabase({ kind: 'postgres', url, schema: `${schema},public` }), schema };
}

/**
 * A fresh database for this test file (destroyed by the caller), and `connectAgain` for a second, independent
 * connection to the same data, as a second server process would have: another pool on the same schema on
 * PostgreSQL; on PGlite, which is one process by design, the same database.
 */
export async function openTestDatabase(t: TestContext): Promise<{ db: Db; connectAgain(): Promise<Db> }> {
  if (!TEST_DATABASE_URL) {
    const db = await openDatabase({ kind: 'pglite' });
    return { db, connectAgain: async () => db };
  }
  const url = TEST_DATABASE_URL;
  const { db, schema } = await freshPostgresSchema(t, url);
  return {
    db,
    async connectAgain() {
      const again = await openDatabase({ kind: 'postgres', url, schema: `${schema},public` });
      t.after(() => again.destroy());
      return again;
    },
  };
}

/**
 * A database for `gatehouse` run as a process of its own (the CLI), that a test app opens afterwards: a
 * PGlite data directory in `dir` (one process at a time may open it), or a fresh PostgreSQL schema. `env`
 * points the CLI at it, with the encryption key the test app is given too.
 */
export async function cliDatabase(t: TestContext, dir: string): Promise<{ target: DatabaseTarget; env: NodeJS.ProcessEnv; encryptionKey: Buffer }> {
  const key = randomBytes(32).toString('hex');
  // createDeps derives the key from GATEHOUSE_ENCRYPTION_KEY: the test app must derive the same one.
  const encryptionKey = deriveKey(key);
  if (!TEST_DATABASE_URL) {
    return { target: { kind: 'pglite', dataDir: `${dir}/pgdata` }, env: { GATEHOUSE_DATA_DIR: dir, GATEHOUSE_ENCRYPTION_KEY: key }, encryptionKey };
  }
  const schema = await createTestSchema(t, TEST_DATABASE_URL);
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema},public`);
  return {
    target: { kind: 'postgres', url: TEST_DATABASE_URL, schema: `${schema},public` },
    env: { DATABASE_URL: url.toString(), GATEHOUSE_DATA_DIR: dir, GATEHOUSE_ENCRYPTION_KEY: key },
    encryptionKey,
  };
}

export interface TestApp {
  app: Awaited<ReturnType<typeof buildApp>>;
  deps: Deps;
  /** Authorization header for the test secret key. */
  auth: { authorization: string };
  /** The key this database's secrets are sealed with: a second createDeps on it must use the same. */
  encryptionKey?: Buffer;
}

/** Per test app, what must stop before its app and database close (background workers). */
const stopsBeforeClose = new WeakMap<TestApp, (() => Promise<void>)[]>();

/** Runs `stop` when the test ends, before `ctx`'s app and database close (t.after hooks run in order). */
export function beforeClose(ctx: TestApp, stop: () => Promise<void>): void {
  const stops = stopsBeforeClose.get(ctx);
  if (!stops) throw new Error('beforeClose: not a test app made by buildTestApp (a copy of one?)');
  stops.push(stop);
}

/** A fresh database (one per test file), migrations, the app, and a registered secret key. */
export async function buildTestApp(
  t: TestContext,
  options: {
    clock?: Clock;
    env?: NodeJS.ProcessEnv;
    /** A database another process (the CLI) already wrote, instead of a fresh one (see cliDatabase). */
    target?: DatabaseTarget;
    encryptionKey?: Buffer;
    /** Fastify options for the app (a logger to capture, say); no logger by default. */
    appOptions?: FastifyServerOptions;
  } = {},
): Promise<TestApp> {
  const db = options.target
    ? await openDatabase(options.target)
    : TEST_DATABASE_URL
      ? (await freshPostgresSchema(t, TEST_DATABASE_URL)).db
      : await openDatabase({ kind: 'pglite' });
  // `env`: more configuration (SMTP_URL, webhook settings…), as the server would read it.
  const config = loadConfig({ LOG_LEVEL: 'silent', GATEHOUSE_DATA_DIR: '/nonexistent-gatehouse-test', ...options.env });
  const encryptionKey = options.encryptionKey ?? randomBytes(32);
  const deps = await createDeps(config, { db, clock: options.clock ?? systemClock, encryptionKey });
  await registerSecretKey(db, SECRET_KEY, Date.now());
  await deps.keys.reload();
  const app = await buildApp(deps, options.appOptions ?? { logger: false });
  const stops: (() => Promise<void>)[] = [];
  t.after(async () => {
    for (const stop of stops.reverse()) await stop();
    await app.close();
    await db.destroy();
  });
  const ctx: TestApp = { app, deps, auth: { authorization: `Bearer ${SECRET_KEY}` }, encryptionKey };
  stopsBeforeClose.set(ctx, stops);
  return ctx;
}

export { fixedClock };

/** Shorthand for an authenticated JSON request through app.inject. */
export async function call(
  ctx: TestApp,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown,
) {
  const response = await ctx.app.inject({
    method,
    url,
    headers: { ...ctx.auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
  return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined, headers: response.headers };
}

let counter = 0;
/** A unique, valid email address for a test. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}.${counter}.${randomBytes(3).toString('hex')}@example.com`;
}

/** Creates a user through the API and returns its JSON. */
export async function createTestUser(ctx: TestApp, body: Record<string, unknown> = {}) {
  const response = await call(ctx, 'POST', '/v1/users', { email_address: [uniqueEmail()], ...body });
  if (response.status !== 200) throw new Error(`createTestUser failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** Asserts that `body` is exactly Clerk's error envelope: `{ errors: [{ message, long_message, code, meta? }], clerk_trace_id }`. */
export function assertErrorEnvelope(body: any) {
  assert.deepEqual(Object.keys(body ?? {}).sort(), ['clerk_trace_id', 'errors'], JSON.stringify(body));
  assert.match(body.clerk_trace_id, /^[0-9a-f]{32}$/);
  assert.ok(Array.isArray(body.errors) && body.errors.length > 0, 'errors must be a non-empty array');
  for (const entry of body.errors) {
    for (const key of Object.keys(entry)) assert.ok(['message', 'long_message', 'code', 'meta'].includes(key), `unexpected key ${key}`);
    assert.ok(typeof entry.message === 'string' && entry.message.length > 0);
    assert.ok(typeof entry.long_message === 'string' && entry.long_message.length > 0);
    assert.equal(typeof entry.code, 'string');
    if ('meta' in entry) assert.equal(typeof entry.meta, 'object');
  }
}

/**
 * Asserts a Clerk error response: the status, the envelope, and an error with `code` (naming `param`,
 * when given) among its errors. Returns that error.
 */
export function assertError(res: { status: number; body: any }, status: number, code: string, param?: string) {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body)}`);
  assertErrorEnvelope(res.body);
  const match = res.body.errors.find(
    (e: { code: string; meta?: { param_name?: string } }) => e.code === code && (param === undefined || e.meta?.param_name === param),
  );
  assert.ok(match, `no ${code} error${param ? ` for ${param}` : ''} in ${JSON.stringify(res.body.errors)}`);
  return match as { message: string; long_message: string; code: string; meta?: Record<string, unknown> };
}

/** The server's real logger (pino, JSON lines) writing into memory: `lines` are the parsed log lines. */
export function captureLogLines() {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { log: logger('info', stream), lines, text: () => lines.map((l) => JSON.stringify(l)).join('\n') };
}
