// Webhook delivery (issue 9): events delivered per second to a local receiver, and commit-to-delivery
// latency, next to a baseline measured in the same run: the receiver's own request rate when a plain HTTP
// client (keep-alive, same concurrency, same body) posts to it.
//
//   npx tsx bench/webhooks.ts     PostgreSQL: BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test
//   options: --events 20000 (drain phase), --rate 100 --seconds 10 (latency phase)
// PostgreSQL only: the embedded database admits one process, and the events are recorded by this one.
//
// The real server (src/main.ts) runs in a child process and delivers; this process records events with
// recordEvents in its own transactions on the same database (as a service would: the commit time is known
// here), and receives them. Everything talks over 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Svix } from 'svix';
import { openDatabase, type Db } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { loadInstance } from '../src/instance/service.js';
import { newId } from '../src/lib/ids.js';
import { systemClock } from '../src/lib/clock.js';
import { NO_HTTP_REQUEST } from '../src/webhooks/events.js';
import { recordEvents } from '../src/webhooks/record.js';
import { DEFAULT_URL } from './load-1m.js';

const SECRET_KEY = 'sk_test_gatehouse_bench_key_0123456789';
const CONCURRENCY = 64; // the worker's default requests in flight
const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const DRAIN_EVENTS = flag('events', 20_000);
const RATE = flag('rate', 100);
const LATENCY_SECONDS = flag('seconds', 10);
const BASELINE_SECONDS = 5;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The receiver: answers 204 at once, and notes when the event about each user first arrived. */
function startReceiver() {
  const arrivals = new Map<string, number>();
  let requests = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests++;
      const at = performance.now();
      const id = (JSON.parse(Buffer.concat(chunks).toString()) as { data?: { id?: string } }).data?.id;
      if (typeof id === 'string' && !arrivals.has(id)) arrivals.set(id, at);
      res.writeHead(204).end();
    });
  });
  return new Promise<{ url: string; arrivals: Map<string, number>; count: () => number; close: () => void }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
        arrivals,
        count: () => requests,
        close: () => server.close(),
      }),
    ),
  );
}

/** Baseline: a plain keep-alive HTTP client posting `body` with CONCURRENCY requests in flight. */
async function baseline(url: string, body: string): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const target = new URL(url);
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'svix-id': 'baseline' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const end = performance.now() + BASELINE_SECONDS * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        await post();
        done++;
      }
    }),
  );
  agent.destroy();
  return done / BASELINE_SECONDS;
}

async function startServer(env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+) /.exec(out);
      if (match) resolve(match[1]!.replace('localhost', '127.0.0.1'));
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
  return { url, child };
}

/** A user.created body like the server's own (one real user's JSON), with a fresh user id. */
function userPayload(template: Record<string, unknown>, i: number) {
  return { ...template, id: newId('user'), first_name: `Bench ${i}` };
}

async function main() {
  const started = new Date();
  const schema = `bench_webhooks_${randomBytes(4).toString('hex')}`;
  const baseUrl = process.env.BENCH_DATABASE_URL ?? DEFAULT_URL;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-bench-webhooks-'));
  const env: NodeJS.ProcessEnv = {
    PORT: '0',
    GATEHOUSE_SECRET_KEY: SECRET_KEY,
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    DATABASE_URL: '',
  };
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query('create extension if not exists pg_trgm with schema public');
  await admin.query(`create schema ${schema}`);
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema},public`);
  env.DATABASE_URL = url.toString();
  const db: Db = await openDatabase({ kind: 'postgres', url: baseUrl, schema: `${schema},public` });
  await migrateToLatest(db);
  const receiver = await startReceiver();
  const server = await startServer(env);
  const cleanup = async () => {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    receiver.close();
    await db.destroy();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const svix = new Svix(SECRET_KEY, { serverUrl: server.url });
    // One real user, for a realistic body (and to see the whole path work once).
    const created = await fetch(`${server.url}/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email_address: ['bench@example.com'], first_name: 'Bench', public_metadata: { plan: 'pro' } }),
    });
    const template = (await created.json()) as Record<string, unknown>;
    // The baseline posts a body like the deliveries', and the receiver parses it the same way.
    const sampleBody = JSON.stringify({ data: template, object: 'event', type: 'user.created', timestamp: Date.now(), instance_id: 'ins_x', event_attributes: { http_request: NO_HTTP_REQUEST } });

    const instance = await loadInstance(db);
    const record = (events: { type: 'user.created'; data: unknown }[]) =>
      db.transaction().execute((trx) => recordEvents({ db: trx, instance, clock: systemClock, httpRequest: NO_HTTP_REQUEST }, events));

    console.error(`baseline: plain HTTP client → receiver, ${CONCURRENCY} in flight, ${BASELINE_SECONDS} s…`);
    const baselineRate = await baseline(receiver.url, sampleBody);

    await svix.endpoint.create('gatehouse', { url: receiver.url });
    await new Promise((resolve) => setTimeout(resolve, 500));
    receiver.arrivals.clear();

    // Drain: N events committed at once (an import batch), delivered as fast as the worker can.
    console.error(`drain: ${DRAIN_EVENTS} events in one transaction…`);
    const drainStart = performance.now();
    for (let i = 0; i < DRAIN_EVENTS; i += 2000) {
      await record(Array.from({ length: Math.min(2000, DRAIN_EVENTS - i) }, (_, j) => ({ type: 'user.created' as const, data: userPayload(template, i + j) })));
    }
    const committed = performance.now();
    while (receiver.arrivals.size < DRAIN_EVENTS) await new Promise((resolve) => setTimeout(resolve, 20));
    const drainSeconds = (performance.now() - drainStart) / 1000;
    const drainRate = DRAIN_EVENTS / drainSeconds;
    const afterCommitRate = DRAIN_EVENTS / ((performance.now() - committed) / 1000);

    // Latency: one event per transaction at a steady rate; commit → arrival at the receiver.
    console.error(`latency: ${RATE} events/s for ${LATENCY_SECONDS} s, one per transaction…`);
    receiver.arrivals.clear();
    const commits = new Map<string, number>();
    const total = RATE * LATENCY_SECONDS;
    const t0 = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(
        (async () => {
          const data = userPayload(template, i);
          await record([{ type: 'user.created', data }]);
          commits.set(data.id as string, performance.now());
        })(),
      );
    }
    await Promise.all(inFlight);
    const deadline = performance.now() + 60_000;
    while (receiver.arrivals.size < total && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const latencies: number[] = [];
    for (const [userId, at] of receiver.arrivals) {
      const commit = commits.get(userId);
      if (commit !== undefined) latencies.push(at - commit);
    }
    latencies.sort((a, b) => a - b);

    const result = {
      benchmark: 'webhooks',
      engine: 'postgresql',
      started: started.toISOString(),
      machine: { cores: cpus().length, node: process.version, loadavg_end: loadavg().map((l) => round(l, 2)) },
      body_bytes: Buffer.byteLength(sampleBody),
      concurrency: CONCURRENCY,
      baseline_requests_per_s: round(baselineRate),
      drain: {
        events: DRAIN_EVENTS,
        seconds: round(drainSeconds, 2),
        events_per_s: round(drainRate),
        events_per_s_after_commit: round(afterCommitRate),
        ratio_to_baseline: round(drainRate / baselineRate, 3),
      },
      latency: {
        rate_per_s: RATE,
        events: total,
        delivered: latencies.length,
        p50_ms: round(percentile(latencies, 50)),
        p99_ms: round(percentile(latencies, 99)),
        max_ms: round(latencies[latencies.length - 1] ?? 0),
      },
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/webhooks.json', `${JSON.stringify(result, null, 2)}\n`);
    console.log(`
| measure | result |
|---|---|
| baseline: plain HTTP client → receiver (${CONCURRENCY} in flight, ${result.body_bytes} B body) | ${result.baseline_requests_per_s} req/s |
| drain: ${DRAIN_EVENTS} events committed at once → delivered | ${result.drain.events_per_s} events/s (${result.drain.seconds} s) = ${result.drain.ratio_to_baseline} of the baseline |
| commit → delivery at ${RATE} events/s, one per transaction: p50 / p99 / max | ${result.latency.p50_ms} / ${result.latency.p99_ms} / ${result.latency.max_ms} ms (${result.latency.delivered}/${total}) |
| load average at the end | ${result.machine.loadavg_end.join(' ')} |`);
  } finally {
    await cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
