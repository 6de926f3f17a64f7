// Organization, membership and invitation lists at 100,000 organizations (bench/organizations-load.ts):
//
//   npx tsx bench/organizations.ts [--url postgres://…] [--schema bench_orgs] [--reload] [--requests 200]
//
// For every list endpoint: (1) the SQL the app really sends (captured from Kysely's log while one request
// runs), each statement EXPLAIN ANALYZEd, flagged when it reads a whole table (Seq Scan) of the seeded
// tables; (2) the endpoint's latency over HTTP (the app in this process on 127.0.0.1, keep-alive fetch,
// one request at a time), against a baseline measured in the same run: the very same statements sent
// straight to PostgreSQL with node-postgres, one after the other. The gap is what Gatehouse adds (HTTP,
// validation, serialisation). Writes bench/results/organizations.json.
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { Database } from '../src/db/schema.js';
import { createDeps } from '../src/deps.js';
import { registerSecretKey } from '../src/secret-keys/service.js';
import { DEFAULT_URL } from './load-1m.js';
import { BIG_ORG, loadOrganizations, ORGS_SCHEMA } from './organizations-load.js';
import { machine, percentile, writeResult } from './users-common.js';

const KEY = 'sk_test_gatehouse_bench_orgs_0123456789';
const org = (n: number) => `org_bench${String(n).padStart(23, '0')}`;
const user = (n: number) => `user_bench${String(n).padStart(22, '0')}`;

/** The endpoints, given organization 42's slug and a term only its name has (its base-36 tail). */
const endpoints = (slug42: string, rare: string): [string, string][] => [
  ['organizations, newest first', '/v1/organizations'],
  ['organizations by name', '/v1/organizations?order_by=name'],
  ['organizations by -members_count', '/v1/organizations?order_by=-members_count'],
  ['organizations with counts', '/v1/organizations?include_members_count=true'],
  ['organizations, page 500', '/v1/organizations?offset=5000&limit=10'],
  ['organizations ?query (one)', `/v1/organizations?query=${encodeURIComponent(rare)}`],
  ['organizations ?query (1 in 13)', '/v1/organizations?query=falcon'],
  ['organizations ?query (1 in 8)', '/v1/organizations?query=labs'],
  ['organizations ?user_id', `/v1/organizations?user_id=${user(8)}`],
  ['organizations ?organization_id ±', `/v1/organizations?organization_id=${org(1)}&organization_id=${org(2)}&organization_id=-${org(2)}`],
  ['organization by id', `/v1/organizations/${org(42)}`],
  ['organization by slug, counts', `/v1/organizations/${slug42}?include_members_count=true`],
  ['members of a 5,000-member org', `/v1/organizations/${BIG_ORG}/memberships`],
  ['… by email_address', `/v1/organizations/${BIG_ORG}/memberships?order_by=email_address`],
  ['… role=org:admin', `/v1/organizations/${BIG_ORG}/memberships?role=org:admin`],
  ['… query=hopper', `/v1/organizations/${BIG_ORG}/memberships?query=hopper`],
  ['… offset 4,000', `/v1/organizations/${BIG_ORG}/memberships?offset=4000`],
  ['members of a small org', `/v1/organizations/${org(4)}/memberships`],
  ['all memberships, newest first', '/v1/organization_memberships'],
  ['all memberships, oldest first', '/v1/organization_memberships?order_by=created_at'],
  ["a user's memberships", `/v1/users/${user(7)}/organization_memberships`],
  ["an org's invitations", `/v1/organizations/${org(13)}/invitations`],
  ["an org's pending invitations", `/v1/organizations/${org(13)}/invitations?status=pending`],
  ['all org invitations', '/v1/organization_invitations'],
  ['all org invitations by email', '/v1/organization_invitations?order_by=email_address'],
  ['all org invitations, pending', '/v1/organization_invitations?status=pending'],
  ['all org invitations ?query', '/v1/organization_invitations?query=invitee4242'],
  ["a user's org invitations", `/v1/users/${user(1)}/organization_invitations`],
  ['instance invitations', '/v1/invitations'],
  ['instance invitations, paginated', '/v1/invitations?paginated=true'],
  ['instance invitations, pending', '/v1/invitations?status=pending&paginated=true'],
  ['instance invitations ?query', '/v1/invitations?query=guest4242&paginated=true'],
  ['users ?organization_id (5,000)', `/v1/users?organization_id=${BIG_ORG}`],
  ['users/count ?organization_id', `/v1/users/count?organization_id=${BIG_ORG}`],
  ["an org's domains", `/v1/organizations/${org(1)}/domains`],
];

/** A sequential scan of any seeded table: what an index-backed list must not do. */
const SEQ = /Seq Scan on (users|email_addresses|organizations|organization_memberships|organization_invitations|invitations|organization_domains)\b/;

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: process.env.BENCH_DATABASE_URL ?? DEFAULT_URL },
      schema: { type: 'string', default: ORGS_SCHEMA },
      reload: { type: 'boolean', default: false },
      requests: { type: 'string', default: '200' },
    },
  });
  const requests = Number(values.requests);
  await loadOrganizations(values.url, values.schema, values.reload);
  const options = `-c search_path=${values.schema},public`;

  let capture: CompiledQuery[] | undefined;
  const db = new Kysely<Database>({
    // The app's own pool settings (db/database.ts): bigint timestamps parsed as numbers.
    dialect: new PostgresDialect({
      pool: new pg.Pool({ connectionString: values.url, options, max: 4, types: { getTypeParser: ((oid: number, format?: 'text') => (oid === 20 ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser } }),
    }),
    log: (event) => {
      capture?.push(event.query);
    },
  });
  const deps = await createDeps(loadConfig({ LOG_LEVEL: 'silent', GATEHOUSE_DATA_DIR: 'bench/data/orgs' }), { db });
  await registerSecretKey(db, KEY, Date.now()).catch(() => undefined); // already there from an earlier run
  await deps.keys.reload();
  const app = await buildApp(deps, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const headers = { authorization: `Bearer ${KEY}` };
  const client = new pg.Client({ connectionString: values.url, options });
  await client.connect();

  const { rows: [org42] } = await client.query('select slug, name from organizations where id = $1', [org(42)]);
  const rows = [];
  for (const [name, path] of endpoints(org42.slug, `labs ${org42.name.split(' ').at(-1)}`)) {
    // The statements of one request, captured on a warm cache.
    await fetch(`${base}${path}`, { headers }).then((r) => r.arrayBuffer());
    capture = [];
    const res = await fetch(`${base}${path}`, { headers });
    if (!res.ok) throw new Error(`${path} → ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    const statements = capture;
    capture = undefined;

    const plans: string[] = [];
    let sqlMs = 0;
    for (const q of statements) {
      const { rows: plan } = await client.query(`explain (analyze, buffers) ${q.sql}`, q.parameters as unknown[]);
      const text = plan.map((r) => r['QUERY PLAN'] as string).join('\n');
      sqlMs += Number(/Execution Time: ([\d.]+) ms/.exec(text)?.[1] ?? NaN);
      plans.push(text);
    }
    const seqScan = plans.some((p) => SEQ.test(p));

    // Latency: the endpoint over HTTP vs its statements sent directly, interleaved so both see the same load.
    const http: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < requests; i++) {
      let t = performance.now();
      await (await fetch(`${base}${path}`, { headers })).arrayBuffer();
      http.push(performance.now() - t);
      t = performance.now();
      for (const q of statements) await client.query(q.sql, q.parameters as unknown[]);
      direct.push(performance.now() - t);
    }
    const row = {
      name,
      path,
      statements: statements.length,
      seqScan,
      explainMs: Math.round(sqlMs * 100) / 100,
      http: { p50: percentile(http, 50), p99: percentile(http, 99) },
      sql: { p50: percentile(direct, 50), p99: percentile(direct, 99) },
      plans,
    };
    rows.push(row);
    console.log(
      `${row.seqScan ? 'SEQ ' : '    '}${name.padEnd(36)} ${String(row.statements).padStart(2)} stmt  explain ${row.explainMs.toFixed(2).padStart(7)} ms  ` +
        `http p50 ${row.http.p50.toFixed(2).padStart(6)} p99 ${row.http.p99.toFixed(2).padStart(6)}  sql p50 ${row.sql.p50.toFixed(2).padStart(6)} p99 ${row.sql.p99.toFixed(2).padStart(6)} ms`,
    );
  }
  await client.end();
  await app.close();
  await db.destroy();

  const seq = rows.filter((r) => r.seqScan);
  console.log(`\n${rows.length} endpoints, ${seq.length} with a sequential scan${seq.length ? `: ${seq.map((r) => r.name).join(', ')}` : ''}`);
  writeResult('organizations', {
    schema: values.schema,
    requestsPerEndpoint: requests,
    machine: machine(),
    endpoints: rows.map(({ plans: _, ...r }) => r),
    plans: Object.fromEntries(rows.map((r) => [r.name, r.plans])),
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
