// Benchmark 4: GET /v1/users/count?query=<3–5 random characters> at 1M users.
//
//   npx tsx bench/users-count.ts [--queries 500] [--baseline 8]
//
// As benchmark 3 (bench/users-search.ts), for the count: one request at a time, `--queries` terms of
// another fixed seed, and the same count as a sequential ILIKE scan for the baseline (ratio = baseline
// p50 / Gatehouse p50). Also times the unfiltered count (all 1M users) for the README. Writes
// bench/results/users-count.json.
import { parseArgs } from 'node:util';
import {
  SECRET_KEY,
  buildForBench,
  ensureLoaded,
  randomTerms,
  round,
  sampleMemory,
  startServer,
  timeRequests,
  writeResult,
  type Server,
} from './users-common.js';
import { benchSearch, benchSequentialScan, summarize } from './users-search.js';

/** GET /v1/users/count with no filter, `times` times. */
export async function benchCountAll(server: Server, times: number) {
  const urls = Array.from({ length: times }, () => `${server.url}/v1/users/count`);
  const { ms, bodies } = await timeRequests(urls, { authorization: `Bearer ${SECRET_KEY}` });
  return { ...summarize(urls.map(() => 'all'), ms), total: (bodies[0] as { total_count: number }).total_count };
}

async function main() {
  const { values } = parseArgs({ options: { queries: { type: 'string', default: '500' }, baseline: { type: 'string', default: '8' } } });
  await ensureLoaded();
  buildForBench();
  const server = await startServer('gatehouse', 3104);
  const memory = sampleMemory(server.pid);
  let indexed;
  let all;
  try {
    indexed = await benchSearch(server, Number(values.queries), '/v1/users/count');
    all = await benchCountAll(server, 20);
  } finally {
    await server.stop();
  }
  const peak = memory.stop();
  const sequential = await benchSequentialScan(randomTerms(Number(values.baseline), 6), 'count');
  const ratio = sequential.p50 / indexed.p50;
  console.log(
    `GET /v1/users/count?query=… at 1M users: p50 ${indexed.p50} ms, p99 ${indexed.p99} ms over ${indexed.queries} queries; ` +
      `sequential ILIKE count p50 ${sequential.p50} ms over ${sequential.queries}: ${round(ratio, 0)}× faster; ` +
      `unfiltered count of ${all.total}: p50 ${all.p50} ms`,
  );
  writeResult('users-count', {
    setup: { users: 1_000_000, terms: '3–5 random [a-z0-9], seed 6' },
    gatehouse: indexed,
    sequentialScan: sequential,
    ratio: round(ratio, 1),
    unfiltered: all,
    serverPeakRssMb: round(peak.hwmMb),
  });
}

if (process.argv[1]?.endsWith('users-count.ts')) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
