// Shared pieces of benchmarks 2–5 (bench/users-*.ts): the 1M-user schema, the server processes, memory
// sampling from /proc, percentiles and result files. Traffic goes to 127.0.0.1 only.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import pg from 'pg';
import { DEFAULT_SCHEMA, DEFAULT_URL, load1m } from './load-1m.js';
import { prng } from './seed.js'; // the same terms every run

export const BENCH_URL = process.env.BENCH_DATABASE_URL ?? DEFAULT_URL;
export const SCHEMA = DEFAULT_SCHEMA;
export const SECRET_KEY = 'sk_test_gatehouse_bench_key_0123456789';
const BUILD_DIR = 'bench/data/dist';

/** The benchmark database URL with the 1M schema first on the search path (pg_trgm lives in public). */
export function schemaUrl(schema: string = SCHEMA): string {
  const url = new URL(BENCH_URL);
  url.searchParams.set('options', `-c search_path=${schema},public`);
  return url.toString();
}

/** Loads the schema if it is not there yet (bench/load-1m.ts; a few minutes the first time). */
export async function ensureLoaded(): Promise<void> {
  await load1m({ url: BENCH_URL, schema: SCHEMA });
}

/**
 * Compiles src/ and bench/ to plain JavaScript once per run, so that both servers run as in production
 * (`node main.js`), without a TypeScript loader in their memory or start-up.
 */
export function buildForBench(): void {
  const started = performance.now();
  const result = spawnSync('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit', 'false', '--outDir', BUILD_DIR, '--sourceMap', 'false'], {
    stdio: 'pipe',
    encoding: 'utf8',
  });
  if (!existsSync(`${BUILD_DIR}/src/main.js`) || !existsSync(`${BUILD_DIR}/bench/users-bare-server.js`)) {
    throw new Error(`build failed:\n${result.stdout}\n${result.stderr}`);
  }
  console.error(`built to ${BUILD_DIR} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

export interface Server {
  name: string;
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts `gatehouse` (the real server: src/main.ts, compiled) or `bare` (bench/users-bare-server.ts) in
 * its own process on 127.0.0.1, against the 1M schema, and waits until it answers.
 */
export async function startServer(kind: 'gatehouse' | 'bare', port: number, schema: string = SCHEMA): Promise<Server> {
  const entry = kind === 'gatehouse' ? `${BUILD_DIR}/src/main.js` : `${BUILD_DIR}/bench/users-bare-server.js`;
  mkdirSync('bench/data', { recursive: true });
  const log = openSync(`bench/data/${kind}-server.log`, 'w');
  const child: ChildProcess = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: schemaUrl(schema),
      GATEHOUSE_SECRET_KEY: SECRET_KEY,
      GATEHOUSE_DATA_DIR: 'bench/data/gatehouse',
      // Request logs off: one JSON line per request is a layer the bare handler does not have either.
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', log, log],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${kind} server exited (${child.exitCode}); see bench/data/${kind}-server.log`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 600) throw new Error(`${kind} server did not start in 60 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    name: kind,
    pid: child.pid!,
    url,
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** Resident memory of a process from /proc: now, and the kernel's high-water mark (VmHWM). */
export function readMemory(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** Samples a process's RSS every 100 ms; `stop` returns the peak seen and the kernel's VmHWM. */
export function sampleMemory(pid: number) {
  let peak = 0;
  let last = { rssMb: 0, hwmMb: 0 };
  const timer = setInterval(() => {
    try {
      last = readMemory(pid);
      peak = Math.max(peak, last.rssMb);
    } catch {
      // the process has exited
    }
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      try {
        last = readMemory(pid);
      } catch {
        // keep the last sample
      }
      return { peakRssMb: Math.max(peak, last.rssMb), hwmMb: last.hwmMb, lastRssMb: last.rssMb };
    },
  };
}

export async function withClient<T>(work: (client: pg.Client) => Promise<T>, schema: string = SCHEMA): Promise<T> {
  const client = new pg.Client({ connectionString: schemaUrl(schema) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** `count` random existing user ids. */
export async function randomUserIds(count: number): Promise<string[]> {
  return withClient(async (c) => {
    await c.query('select setseed(0.42)');
    const { rows } = await c.query<{ id: string }>(`select id from users order by random() limit $1`, [count]);
    return rows.map((r) => r.id);
  });
}


/** `count` search terms of 3–5 random characters (lowercase letters and digits), fixed by `seed`. */
export function randomTerms(count: number, seed = 5): string[] {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const random = prng(seed);
  return Array.from({ length: count }, () => {
    const length = 3 + Math.floor(random() * 3);
    let term = '';
    for (let i = 0; i < length; i++) term += alphabet[Math.floor(random() * alphabet.length)];
    return term;
  });
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Sequential timed requests: each one waits for the previous, so the figures are latencies. */
export async function timeRequests(urls: string[], headers: Record<string, string>): Promise<{ ms: number[]; bodies: unknown[] }> {
  const ms: number[] = [];
  const bodies: unknown[] = [];
  for (const url of urls) {
    const started = performance.now();
    const response = await fetch(url, { headers });
    const body = await response.json();
    ms.push(performance.now() - started);
    if (!response.ok) throw new Error(`${url} → ${response.status} ${JSON.stringify(body)}`);
    bodies.push(body);
  }
  return { ms, bodies };
}

export function machine() {
  return { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadAverage: loadavg().map((l) => round(l, 2)) };
}

/**
 * The server settings that move these figures: with a table bigger than shared_buffers, a scan that visits
 * all of it reads every page from the kernel's cache again (bench/README.md, search at 1M).
 */
export async function postgresSettings(client: pg.Client): Promise<Record<string, string>> {
  const names = ['server_version', 'shared_buffers', 'work_mem', 'maintenance_work_mem', 'effective_cache_size', 'autovacuum'];
  const { rows } = await client.query<{ name: string; setting: string }>(
    `select name, current_setting(name) as setting from unnest($1::text[]) as name`,
    [names],
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
}

export function writeResult(name: string, result: Record<string, unknown>): void {
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(`bench/results/${name}.json`, JSON.stringify({ benchmark: name, at: new Date().toISOString(), machine: machine(), ...result }, null, 2) + '\n');
  console.error(`wrote bench/results/${name}.json`);
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
