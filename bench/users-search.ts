// Benchmark 3: GET /v1/users?query=<3–5 random characters>&limit=10 at 1M users.
//
//   npx tsx bench/users-search.ts [--queries 500] [--baseline 8]
//
// One request at a time (latency, not throughput) from this process to the server in its own process, for
// `--queries` terms of 3–5 random lowercase letters and digits (fixed seed, so every run asks the same),
// after 50 warm-up terms of another seed. Baseline: the same search as a sequential ILIKE scan, i.e. the
// same SQL without the trigram indexes (enable_bitmapscan and enable_indexscan off), on `--baseline` of
// the same terms, straight over SQL (so the baseline does not even pay for HTTP). Ratio = baseline p50 /
// Gatehouse p50. Target: p50 ≤ 20 ms, p99 ≤ 100 ms. Writes bench/results/users-search.json.
import { parseArgs } from 'node:util';
import {
  SECRET_KEY,
  buildForBench,
  ensureLoaded,
  percentile,
  randomTerms,
  round,
  sampleMemory,
  startServer,
  timeRequests,
  withClient,
  writeResult,
  type Server,
} from './users-common.js';

const auth = { authorization: `Bearer ${SECRET_KEY}` };

export interface LatencyResult {
  queries: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  slowest: { term: string; ms: number }[];
}

export function summarize(terms: string[], ms: number[]): LatencyResult {
  return {
    queries: ms.length,
    p50: round(percentile(ms, 50), 2),
    p90: round(percentile(ms, 90), 2),
    p99: round(percentile(ms, 99), 2),
    max: round(Math.max(...ms), 2),
    mean: round(ms.reduce((s, x) => s + x, 0) / ms.length, 2),
    slowest: terms
      .map((term, i) => ({ term, ms: round(ms[i]!, 1) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5),
  };
}

/** `count` searches through HTTP, one at a time. */
export async function benchSearch(server: Server, count: number, path: '/v1/users' | '/v1/users/count'): Promise<LatencyResult> {
  const url = (term: string) => `${server.url}${path}?query=${encodeURIComponent(term)}${path === '/v1/users' ? '&limit=10' : ''}`;
  await timeRequests(randomTerms(50, 99).map(url), auth);
  const terms = randomTerms(count, path === '/v1/users' ? 5 : 6);
  const { ms } = await timeRequests(terms.map(url), auth);
  return summarize(terms, ms);
}

/**
 * The search as it would run without trigram indexes: every identifier and name tested with ILIKE, on
 * sequential scans. `count` selects count(*) instead of the first page by -created_at.
 */
export async function benchSequentialScan(terms: string[], kind: 'list' | 'count'): Promise<LatencyResult> {
  const ms: number[] = [];
  await withClient(async (c) => {
    await c.query('set enable_bitmapscan = off');
    await c.query('set enable_indexscan = off');
    await c.query('set enable_indexonlyscan = off');
    await c.query(`set statement_timeout = '60s'`);
    const where = `u.username ilike $1 or u.id ilike $1 or (coalesce(u.first_name, '') || ' ' || coalesce(u.last_name, '')) ilike $1
      or u.id in (select user_id from email_addresses where email_address ilike $1)
      or u.id in (select user_id from phone_numbers where phone_number ilike $1)
      or u.id in (select user_id from web3_wallets where web3_wallet ilike $1)`;
    const text =
      kind === 'list'
        ? `select u.*, (select json_agg(e) from email_addresses e where e.user_id = u.id) as emails
             from (select * from users u where ${where} order by created_at desc, id desc limit 10) u`
        : `select count(*) from users u where ${where}`;
    for (const term of terms) {
      const pattern = `%${term.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      const started = performance.now();
      await c.query(text, [pattern]);
      ms.push(performance.now() - started);
    }
  });
  return summarize(terms, ms);
}

async function main() {
  const { values } = parseArgs({ options: { queries: { type: 'string', default: '500' }, baseline: { type: 'string', default: '8' } } });
  await ensureLoaded();
  buildForBench();
  const server = await startServer('gatehouse', 3103);
  const memory = sampleMemory(server.pid);
  let indexed: LatencyResult;
  try {
    indexed = await benchSearch(server, Number(values.queries), '/v1/users');
  } finally {
    await server.stop();
  }
  const peak = memory.stop();
  const sequential = await benchSequentialScan(randomTerms(Number(values.baseline), 5), 'list');
  const ratio = sequential.p50 / indexed.p50;
  const met = indexed.p50 <= 20 && indexed.p99 <= 100;
  console.log(
    `GET /v1/users?query=…&limit=10 at 1M users: p50 ${indexed.p50} ms, p99 ${indexed.p99} ms over ${indexed.queries} queries ` +
      `(target p50 ≤ 20 ms, p99 ≤ 100 ms: ${met ? 'met' : 'MISSED'}); sequential ILIKE scan p50 ${sequential.p50} ms ` +
      `over ${sequential.queries}: ${round(ratio, 0)}× faster`,
  );
  writeResult('users-search', {
    setup: { users: 1_000_000, terms: '3–5 random [a-z0-9], seed 5', limit: 10, order_by: '-created_at (default)' },
    gatehouse: indexed,
    sequentialScan: sequential,
    ratio: round(ratio, 1),
    targets: { p50Ms: 20, p99Ms: 100 },
    met,
    serverPeakRssMb: round(peak.hwmMb),
  });
}

if (process.argv[1]?.endsWith('users-search.ts')) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
