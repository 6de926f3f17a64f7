// Benchmark 2: GET /v1/users/{id} under load, against a bare Fastify handler running the same SQL.
//
//   npx tsx bench/users-get.ts [--duration 10] [--rounds 2]
//
// 50 connections (autocannon, in this process) ask for random existing users of the 1M schema; the server
// runs in its own process. Each round measures the bare handler and Gatehouse for the same time, in
// alternating order, after a warm-up; the ratio is Gatehouse req/s over bare req/s, from the totals.
// Target: ≥ 80 % of the bare handler, p99 ≤ 20 ms. Writes bench/results/users-get.json.
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import {
  SECRET_KEY,
  buildForBench,
  cpuSeconds,
  ensureLoaded,
  randomUserIds,
  round,
  sampleMemory,
  startServer,
  writeResult,
  type Server,
} from './users-common.js';

const CONNECTIONS = 50;
const PACED_RATE = 1000;

export interface LoadResult {
  reqPerSec: number;
  /** CPU time of the server process per request (user + system), from /proc. */
  serverCpuUsPerReq: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
}

/** `seconds` of 50-connection load on GET /v1/users/{random id}, as fast as it goes or at `rate` req/s. */
export async function loadGetUser(server: Server, ids: string[], seconds: number, rate?: number): Promise<LoadResult> {
  let next = 0;
  const cpuBefore = cpuSeconds(server.pid);
  const result = await autocannon({
    url: server.url,
    connections: CONNECTIONS,
    duration: seconds,
    ...(rate ? { overallRate: rate } : {}),
    headers: { authorization: `Bearer ${SECRET_KEY}` },
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: `/v1/users/${ids[next++ % ids.length]}` }) }],
  });
  const served = result['2xx'] + result.non2xx;
  return {
    reqPerSec: result.requests.average,
    serverCpuUsPerReq: round(((cpuSeconds(server.pid) - cpuBefore) / Math.max(1, served)) * 1e6, 0),
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result['2xx'],
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/** A check that the server returns the user, then a warm-up, then the measured run. */
export async function benchGetUser(server: Server, ids: string[], seconds: number): Promise<LoadResult> {
  const response = await fetch(`${server.url}/v1/users/${ids[0]}`, { headers: { authorization: `Bearer ${SECRET_KEY}` } });
  const body = (await response.json()) as { id?: string };
  if (response.status !== 200 || body.id !== ids[0]) throw new Error(`${server.name}: GET /v1/users/{id} → ${response.status}`);
  await loadGetUser(server, ids.slice().reverse(), 3);
  return loadGetUser(server, ids, seconds);
}

async function main() {
  const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, rounds: { type: 'string', default: '3' } } });
  const seconds = Number(values.duration);
  const rounds = Number(values.rounds);
  await ensureLoaded();
  buildForBench();
  const ids = await randomUserIds(20_000);
  const runs: Record<'bare' | 'gatehouse', (LoadResult & { peakRssMb: number })[]> = { bare: [], gatehouse: [] };
  const paced: Record<'bare' | 'gatehouse', LoadResult[]> = { bare: [], gatehouse: [] };
  for (let r = 0; r < rounds; r++) {
    const order: ('bare' | 'gatehouse')[] = r % 2 === 0 ? ['bare', 'gatehouse'] : ['gatehouse', 'bare'];
    for (const kind of order) {
      const server = await startServer(kind, kind === 'bare' ? 3101 : 3102);
      const memory = sampleMemory(server.pid);
      try {
        const result = await benchGetUser(server, ids, seconds);
        runs[kind].push({ ...result, peakRssMb: round(memory.stop().hwmMb) });
        console.error(
          `round ${r + 1} ${kind.padEnd(9)} ${round(result.reqPerSec, 0)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  ` +
            `server CPU ${result.serverCpuUsPerReq} µs/req  errors ${result.errors}`,
        );
        // Saturation makes every request queue (latency ≈ 50 connections ÷ throughput), so also the
        // latency at a fixed offered load well under it.
        const steady = await loadGetUser(server, ids, seconds, PACED_RATE);
        paced[kind].push(steady);
        console.error(`        ${kind.padEnd(9)} at ${PACED_RATE} req/s: p50 ${steady.p50} ms  p99 ${steady.p99} ms  errors ${steady.errors}`);
      } finally {
        memory.stop();
        await server.stop();
      }
    }
  }
  const total = (kind: 'bare' | 'gatehouse') => runs[kind].reduce((s, x) => s + x.reqPerSec, 0) / runs[kind].length;
  const cpuPerReq = (kind: 'bare' | 'gatehouse') => round(runs[kind].reduce((s, x) => s + x.serverCpuUsPerReq, 0) / runs[kind].length, 0);
  const worstP99 = (kind: 'bare' | 'gatehouse') => Math.max(...runs[kind].map((x) => x.p99));
  const ratio = total('gatehouse') / total('bare');
  // Each round's own ratio (its two servers ran back to back), to show how much a shared machine moves it.
  const roundRatios = runs.gatehouse.map((g, i) => round(g.reqPerSec / runs.bare[i]!.reqPerSec, 3));
  const medianRoundRatio = [...roundRatios].sort((a, b) => a - b)[Math.floor(roundRatios.length / 2)]!;
  const summary = {
    gatehouse: { reqPerSec: round(total('gatehouse'), 0), p99Ms: worstP99('gatehouse'), p50Ms: Math.max(...runs.gatehouse.map((x) => x.p50)), serverCpuUsPerReq: cpuPerReq('gatehouse') },
    bare: { reqPerSec: round(total('bare'), 0), p99Ms: worstP99('bare'), p50Ms: Math.max(...runs.bare.map((x) => x.p50)), serverCpuUsPerReq: cpuPerReq('bare') },
    ratio: round(ratio, 3),
    roundRatios,
    medianRoundRatio,
    paced: {
      rate: PACED_RATE,
      gatehouse: { p50Ms: Math.max(...paced.gatehouse.map((x) => x.p50)), p99Ms: Math.max(...paced.gatehouse.map((x) => x.p99)) },
      bare: { p50Ms: Math.max(...paced.bare.map((x) => x.p50)), p99Ms: Math.max(...paced.bare.map((x) => x.p99)) },
    },
    targets: { ratio: 0.8, p99Ms: 20 },
    met: ratio >= 0.8 && worstP99('gatehouse') <= 20,
  };
  console.log(
    `GET /v1/users/{id}: Gatehouse ${summary.gatehouse.reqPerSec} req/s, p99 ${summary.gatehouse.p99Ms} ms; ` +
      `bare handler ${summary.bare.reqPerSec} req/s, p99 ${summary.bare.p99Ms} ms; ratio ${(ratio * 100).toFixed(1)} % ` +
      `(per round: ${roundRatios.map((x) => `${(x * 100).toFixed(0)} %`).join(', ')}; median ${(medianRoundRatio * 100).toFixed(0)} %) ` +
      `(server CPU per request ${summary.gatehouse.serverCpuUsPerReq} vs ${summary.bare.serverCpuUsPerReq} µs) ` +
      `(target ≥ 80 %, p99 ≤ 20 ms: ${summary.met ? 'met' : 'MISSED'}); at ${PACED_RATE} req/s offered: ` +
      `Gatehouse p99 ${summary.paced.gatehouse.p99Ms} ms, bare p99 ${summary.paced.bare.p99Ms} ms`,
  );
  writeResult('users-get', { setup: { connections: CONNECTIONS, seconds, rounds, ids: ids.length, users: 1_000_000 }, ...summary, runs });
}

if (process.argv[1]?.endsWith('users-get.ts')) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
