// EXPLAIN (ANALYZE, BUFFERS) of the SQL that GET /v1/users and /v1/users/count really send, for every
// order_by × filter combination, on the 1M-user schema (bench/load-1m.ts):
//
//   npx tsx bench/users-explain.ts [--schema bench_1m] [--all] [--only <filter>] [--show 'order_by=-created_at&filter=none']
//
// The queries are captured from the store functions themselves (Kysely's log hook), so the plans are the
// application's, not hand-written look-alikes. Flags every plan that reads a whole table (Seq Scan on
// users, email_addresses or phone_numbers) or takes more than 50 ms. Writes bench/results/users-explain.json
// (timings) and bench/data/explain-plans.json (every plan).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import type { Database } from '../src/db/schema.js';
import { countUsers, listUsers } from '../src/users/list/service.js';
import { ORDER_FIELDS, type UserListInput } from '../src/users/schemas.js';
import { DEFAULT_SCHEMA, DEFAULT_URL } from './load-1m.js';

const FILTERS: Record<string, Partial<UserListInput>> = {
  none: {},
  'query=son (common)': { query: 'son' },
  'query=qzx (rare)': { query: 'qzx' },
  'query=mart': { query: 'mart' },
  'email_address_query=gmail': { email_address_query: 'gmail' },
  'email_address_query=zoe.sc': { email_address_query: 'zoe.sc' },
  'username_query=kim_': { username_query: 'kim_' },
  'name_query=joe ki': { name_query: 'joe ki' },
  'phone_number_query=44751234': { phone_number_query: '44751234' },
  'email_address (exact)': { email_address: ['ethan.myers.0@acme-corp.com'] },
  'external_id': { external_id: ['legacy-42-00000042'] },
  'username (exact)': { username: ['gary_nelson_1'] },
  'phone_number (exact)': { phone_number: ['+447512345679'] },
  'banned=true': { banned: true },
  'created_at_after=2024-12-01': { created_at_after: Date.UTC(2024, 11, 1) },
  'created_at_before=2021-01-15': { created_at_before: Date.UTC(2021, 0, 15) },
  'last_active_at_after': { last_active_at_after: Date.UTC(2024, 0, 1) },
};

interface Row {
  kind: 'list' | 'count';
  order_by?: string;
  filter: string;
  ms: number;
  seqScan: boolean;
  plan: string;
}

async function main() {
  const { values } = parseArgs({
    options: {
      schema: { type: 'string', default: DEFAULT_SCHEMA },
      url: { type: 'string', default: process.env.BENCH_DATABASE_URL ?? DEFAULT_URL },
      all: { type: 'boolean', default: false },
      show: { type: 'string', multiple: true, default: [] },
      only: { type: 'string' },
    },
  });
  const options = `-c search_path=${values.schema},public`;
  let captured: CompiledQuery[] = [];
  const pool = new pg.Pool({ connectionString: values.url, options, max: 1 });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      captured.push(event.query);
    },
  });
  const client = new pg.Client({ connectionString: values.url, options });
  await client.connect();
  await client.query(`set statement_timeout = '20s'`);
  // Every statement one call sent (a list may send two or three, see users/list/store.ts), each explained after
  // one untimed pass, so that the plans are measured with the pages they need in memory.
  const explain = async (): Promise<{ ms: number; plan: string }> => {
    let ms = 0;
    const plans: string[] = [];
    for (const q of captured) {
      const text = `explain (analyze, buffers) ${q.sql}`;
      await client.query(text, q.parameters as unknown[]);
      const { rows } = await client.query(text, q.parameters as unknown[]);
      const plan = rows.map((r) => r['QUERY PLAN'] as string).join('\n');
      ms += Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN);
      plans.push(plan);
    }
    captured = [];
    return { ms, plan: plans.join('\n\n') };
  };
  const seq = (plan: string) => /Seq Scan on (users|email_addresses|phone_numbers)\b/.test(plan);
  const results: Row[] = [];
  const orders = ORDER_FIELDS.flatMap((f) => [`-${f}`, f]);
  for (const [filter, input] of Object.entries(FILTERS)) {
    if (values.only && !filter.includes(values.only)) continue;
    for (const order_by of orders) {
      await listUsers({ db }, { limit: 10, offset: 0, order_by, ...input } as UserListInput);
      results.push({ kind: 'list', order_by, filter, ...(await explain()), seqScan: false });
      results.at(-1)!.seqScan = seq(results.at(-1)!.plan);
    }
    await countUsers({ db }, input as UserListInput);
    const r = await explain();
    results.push({ kind: 'count', filter, ...r, seqScan: seq(r.plan) });
  }
  await client.end();
  await db.destroy();

  const slow = results.filter((r) => r.seqScan || r.ms > 50);
  for (const r of results) {
    const label = `${r.kind.padEnd(5)} ${(r.order_by ?? '').padEnd(16)} ${r.filter}`;
    if (values.all || r.seqScan || r.ms > 50) console.log(`${r.ms.toFixed(1).padStart(8)} ms ${r.seqScan ? 'SEQ ' : '    '} ${label}`);
  }
  for (const wanted of values.show) {
    const params = new URLSearchParams(wanted);
    const order = params.get('order_by');
    const filter = params.get('filter') ?? 'none';
    const r = results.find((x) => x.filter === filter && (order ? x.order_by === order : x.kind === 'count'));
    if (r) console.log(`\n--- ${r.kind} ${r.order_by ?? ''} ${r.filter}\n${r.plan}`);
  }
  const worst = Math.max(...results.filter((r) => r.kind === 'list').map((r) => r.ms));
  console.log(`\n${results.length} plans; ${slow.length} with a sequential scan or over 50 ms; slowest list ${worst.toFixed(1)} ms`);
  // The summary is a result; the full plans (a few MB) stay in bench/data/.
  const at = new Date().toISOString();
  const summary = results.map(({ plan: _, ms, ...r }) => ({ ...r, ms: Math.round(ms * 10) / 10 }));
  writeFileSync('bench/results/users-explain.json', JSON.stringify({ schema: values.schema, at, results: summary }, null, 1) + '\n');
  writeFileSync('bench/data/explain-plans.json', JSON.stringify({ schema: values.schema, at, results }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
