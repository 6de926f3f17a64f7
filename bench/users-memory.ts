// Benchmark 5: peak resident memory of the Gatehouse server through benchmarks 2–4.
//
//   npx tsx bench/users-memory.ts [--duration 10] [--queries 500]
//
// One server process runs, in turn: the GET /v1/users/{id} load of benchmark 2 (50 connections), the
// searches of benchmark 3 and the counts of benchmark 4. Its memory is read from /proc/<pid>/status every
// 100 ms (VmRSS), and the kernel's own high-water mark (VmHWM) at the end, which catches peaks between
// samples. Baseline: the bare Fastify handler of benchmark 2 under the same GET load (ratio = Gatehouse
// peak / bare peak). Target: ≤ 250 MB. Writes bench/results/users-memory.json.
import { parseArgs } from 'node:util';
import { benchCountAll } from './users-count.js';
import { benchGetUser } from './users-get.js';
import { benchSearch } from './users-search.js';
import { buildForBench, ensureLoaded, randomUserIds, readMemory, round, sampleMemory, startServer, writeResult } from './users-common.js';

async function main() {
  const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, queries: { type: 'string', default: '500' } } });
  const seconds = Number(values.duration);
  const queries = Number(values.queries);
  await ensureLoaded();
  buildForBench();
  const ids = await randomUserIds(20_000);

  const bare = await startServer('bare', 3105);
  const bareMemory = sampleMemory(bare.pid);
  const bareIdle = readMemory(bare.pid);
  let bareResult;
  try {
    await benchGetUser(bare, ids, seconds);
    bareResult = bareMemory.stop();
  } finally {
    await bare.stop();
  }

  const server = await startServer('gatehouse', 3106);
  const memory = sampleMemory(server.pid);
  const idle = readMemory(server.pid);
  const phases: Record<string, number> = {};
  let result;
  try {
    const get = await benchGetUser(server, ids, seconds);
    phases.afterGet = readMemory(server.pid).hwmMb;
    console.error(`GET load: ${round(get.reqPerSec, 0)} req/s; VmHWM ${round(phases.afterGet)} MB`);
    await benchSearch(server, queries, '/v1/users');
    phases.afterSearch = readMemory(server.pid).hwmMb;
    console.error(`searches: VmHWM ${round(phases.afterSearch)} MB`);
    await benchSearch(server, queries, '/v1/users/count');
    await benchCountAll(server, 20);
    phases.afterCount = readMemory(server.pid).hwmMb;
    console.error(`counts: VmHWM ${round(phases.afterCount)} MB`);
    result = memory.stop();
  } finally {
    await server.stop();
  }

  const peak = Math.max(result.hwmMb, result.peakRssMb);
  const barePeak = Math.max(bareResult.hwmMb, bareResult.peakRssMb);
  const ratio = peak / barePeak;
  const met = peak <= 250;
  console.log(
    `Peak RSS of the server through benchmarks 2–4: ${round(peak)} MB (target ≤ 250 MB: ${met ? 'met' : 'MISSED'}); ` +
      `idle after start ${round(idle.rssMb)} MB; bare handler under the same GET load ${round(barePeak)} MB (ratio ${round(ratio, 2)})`,
  );
  writeResult('users-memory', {
    setup: { getSeconds: seconds, searches: queries, counts: queries, connections: 50 },
    gatehouse: { peakMb: round(peak), idleMb: round(idle.rssMb), sampledPeakRssMb: round(result.peakRssMb), vmHwmMb: round(result.hwmMb), phases },
    bare: { peakMb: round(barePeak), idleMb: round(bareIdle.rssMb) },
    ratio: round(ratio, 2),
    targets: { peakMb: 250 },
    met,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
