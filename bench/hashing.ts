// Usage: npx tsx bench/hashing.ts                          (embedded PGlite, in memory)
//        DATABASE_URL=postgres://… npx tsx bench/hashing.ts   (PostgreSQL, in a schema dropped at the end)
//
// Password verifications per second for argon2id (the default) and bcrypt, raw library vs Gatehouse's
// HTTP path, and how long a cheap request (GET /healthz) waits while verifications run. See bench/README.md.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { verify as argon2Verify } from '@node-rs/argon2';
import { hash as bcryptHash, verify as bcryptVerify } from '@node-rs/bcrypt';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { createDeps } from '../src/deps.js';
import { argon2id } from '../src/passwords/hashers/argon2id.js';
import { registerSecretKey } from '../src/secret-keys/service.js';

const CORES = os.availableParallelism();
const CONCURRENCY = 2 * CORES; // enough to keep every core (and libuv's 4 pool threads) busy
const DURATION_MS = 5_000;
const BURST = 200; // verify_password requests in flight during the /healthz probe
// Spread over this many users: one user's 200 parallel guesses would mostly be refused (429, their hashing
// queue is bounded: src/passwords/hashing.ts), which is the limiter working, not a burst of sign-ins.
const BURST_USERS = 50;
const PASSWORD = 'Kettle-Orbit-Lantern-42';
const SECRET_KEY = `sk_test_bench_${randomBytes(12).toString('hex')}`;

/** Keeps `concurrency` calls of `task` in flight for `ms` or while `more()`; returns the calls made and the seconds taken. */
async function run(concurrency: number, task: () => Promise<void>, ms: number, more = () => true) {
  let calls = 0;
  const start = performance.now();
  const worker = async () => {
    for (; performance.now() - start < ms && more(); calls++) await task();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { calls, seconds: (performance.now() - start) / 1000 };
}

const percentile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

// --- Gatehouse, in this process, listening on 127.0.0.1 ---------------------------------------------
const databaseUrl = process.env.DATABASE_URL || undefined;
// On PostgreSQL the run gets its own schema, as the test suite does (test/helper.ts), so it leaves
// nothing behind; pg_trgm goes to public so that dropping the schema never drops the extension.
const schema = `bench_${randomBytes(6).toString('hex')}`;
const admin = databaseUrl ? new pg.Client({ connectionString: databaseUrl }) : undefined;
await admin?.connect();
await admin?.query(`create extension if not exists pg_trgm with schema public; create schema ${schema}`);
const db = await openDatabase(databaseUrl ? { kind: 'postgres', url: databaseUrl, schema: `${schema},public` } : { kind: 'pglite' });
const config = loadConfig({ LOG_LEVEL: 'silent', GATEHOUSE_DATA_DIR: os.tmpdir(), ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });
const deps = await createDeps(config, { db, encryptionKey: randomBytes(32) });
await registerSecretKey(db, SECRET_KEY, Date.now());
await deps.keys.reload();
const app = await buildApp(deps, { logger: false });
const base = await app.listen({ host: '127.0.0.1', port: 0 });

/** One request through Node's fetch (undici keeps connections alive); throws on an unexpected status. */
async function api(method: string, path: string, body?: unknown, expect = 200): Promise<any> {
  const response = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${SECRET_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status !== expect) throw new Error(`${method} ${path} → ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}
const email = () => `bench.${randomBytes(6).toString('hex')}@example.com`;
const verifyPassword = (id: string, password = PASSWORD, expect = 200) =>
  api('POST', `/v1/users/${id}/verify_password`, { password }, expect).then(() => undefined);

// Lockout off, so thousands of verifications (and the wrong-password run) never lock a user.
await api('PATCH', '/v1/gatehouse/settings', { lockout: { max_attempts: 0 } });
const argonUser = await api('POST', '/v1/users', { email_address: [email()], password: PASSWORD });
const argonDigest = await argon2id.hash(PASSWORD); // the same OWASP parameters Gatehouse stores
const bcryptDigest = await bcryptHash(PASSWORD, 10);
const importBcryptUser = async () =>
  (await api('POST', '/v1/users', { email_address: [email()], password_digest: bcryptDigest, password_hasher: 'bcrypt' })).id as string;
const bcryptUser = await importBcryptUser();

// A successful bcrypt verify re-hashes the password to argon2id (service.ts), so the same user would
// be argon2id from its second sign-in on. The "right password" bcrypt run therefore signs in a fresh
// imported user each time: that is the real cost of a legacy user's first sign-in (bcrypt verify +
// argon2id hash + write). The wrong-password run repeats one user: bcrypt verify only, like the raw run.
const bcryptPool: string[] = [];
await run(8, async () => void bcryptPool.push(await importBcryptUser()), 60_000, () => bcryptPool.length < 400);

async function check(ok: Promise<boolean>) {
  if (!(await ok)) throw new Error('verify returned false');
}
// Warm up: first native calls, connections, JIT, the decoy digest.
for (let i = 0; i < CONCURRENCY; i++) await Promise.all([check(argon2Verify(argonDigest, PASSWORD)), verifyPassword(argonUser.id)]);

// Raw and HTTP alternate in short slices so that both see the same background load (the machine is shared).
const SLICES = 5;
const throughput = [];
for (const row of [
  { algorithm: 'argon2id', raw: () => check(argon2Verify(argonDigest, PASSWORD)), http: () => verifyPassword(argonUser.id) },
  { algorithm: 'bcrypt first sign-in', raw: () => check(bcryptVerify(PASSWORD, bcryptDigest)), http: () => verifyPassword(bcryptPool.pop()!), more: () => bcryptPool.length > 0 },
  { algorithm: 'bcrypt wrong password', raw: async () => void (await bcryptVerify('wrong', bcryptDigest)), http: () => verifyPassword(bcryptUser, 'wrong', 422) },
]) {
  const raw = { calls: 0, seconds: 0 };
  const http = { calls: 0, seconds: 0 };
  for (let i = 0; i < SLICES; i++) {
    for (const [total, task, more] of [[raw, row.raw, undefined], [http, row.http, row.more]] as const) {
      const slice = await run(CONCURRENCY, task, DURATION_MS / SLICES, more);
      total.calls += slice.calls;
      total.seconds += slice.seconds;
    }
  }
  const [rawRate, httpRate] = [raw.calls / raw.seconds, http.calls / http.seconds];
  throughput.push({
    algorithm: row.algorithm,
    raw_per_s: round(rawRate),
    raw_per_core: round(rawRate / CORES),
    gatehouse_per_s: round(httpRate),
    gatehouse_per_core: round(httpRate / CORES),
    ratio: round(httpRate / rawRate, 2),
  });
}

/** Sequential GET /healthz about every 10 ms for `ms`, plus this process's event-loop delay meanwhile. */
async function probe(ms = DURATION_MS) {
  const latencies: number[] = [];
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const start = performance.now();
  while (performance.now() - start < ms) {
    const t = performance.now();
    await (await fetch(`${base}/healthz`)).text();
    latencies.push(performance.now() - t);
    await sleep(10);
  }
  loop.disable();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    healthz_p50_ms: round(percentile(latencies, 50), 2),
    healthz_p99_ms: round(percentile(latencies, 99), 2),
    healthz_max_ms: round(latencies.at(-1) ?? NaN, 2),
    loop_delay_p99_ms: round(loop.percentile(99) / 1e6, 2),
    loop_delay_max_ms: round(loop.max / 1e6, 2),
  };
}
const idle = await probe();
// The burst and the probe start together and last as long; the burst's last requests drain after.
const burstUsers: string[] = [];
for (let i = 0; i < BURST_USERS; i++) burstUsers.push((await api('POST', '/v1/users', { email_address: [email()], password: PASSWORD })).id);
let next = 0;
const [burstRun, burst] = await Promise.all([run(BURST, () => verifyPassword(burstUsers[next++ % BURST_USERS]!), DURATION_MS), probe()]);
const burstRate = burstRun.calls / burstRun.seconds;

await app.close();
await db.destroy();
await admin?.query(`drop schema ${schema} cascade`);
await admin?.end();

const results = {
  date: new Date().toISOString(),
  // Other processes share the cores: the load average at the end says how quiet the machine was.
  machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: CORES, node: process.version, engine: databaseUrl ? 'postgres' : 'pglite', loadavg: os.loadavg().map((l) => round(l, 2)) },
  settings: { concurrency: CONCURRENCY, duration_ms: DURATION_MS, burst: BURST, burst_users: BURST_USERS, uv_threadpool_size: Number(process.env.UV_THREADPOOL_SIZE ?? 4) },
  throughput,
  healthz: { idle, burst: { ...burst, verify_per_s: round(burstRate) } },
};
await fs.mkdir(new URL('./results/', import.meta.url), { recursive: true });
await fs.writeFile(new URL('./results/hashing.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);

const { cpu, engine, loadavg } = results.machine;
console.log(`${cpu}, ${CORES} cores, Node ${process.version}, ${engine}, load ${loadavg.join(' ')}, ${CONCURRENCY} in flight, ${DURATION_MS / 1000} s each`);
console.table(throughput);
console.table({ idle, [`burst of ${BURST} verify_password (${round(burstRate)}/s)`]: burst });
console.log('written to bench/results/hashing.json');
