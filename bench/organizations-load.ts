// A PostgreSQL schema with 100,000 organizations for bench/organizations.ts, made with set-based SQL in a
// few seconds (a read benchmark; the write path is covered by the tests):
// - 100,000 users, each with a primary email address;
// - 100,000 organizations named from two word lists and a base-36 number (`Amber Falcon Labs k2x`, slug
//   `amber-falcon-labs-k2x`), created over four years, 1–5 members each (the first an admin), and
//   `org_bench_big…` with 5,000 members;
// - 50,000 organization invitations and 20,000 instance invitations, as an instance accumulates them: 10 %
//   pending, 70 % accepted, 20 % revoked;
// - 10,000 domains.
// The schema is reused by later runs; --reload rebuilds it.
import pg from 'pg';
import { migrateToLatest } from '../src/db/migrate.js';
import { openDatabase } from '../src/db/database.js';

export const ORGS_SCHEMA = 'bench_orgs';
export const BIG_ORG = 'org_bench_big00000000000000000';
export const ORGANIZATIONS = 100_000;
const USERS = 100_000;
const START = Date.UTC(2021, 0, 1);
const SPAN = Date.UTC(2025, 0, 1) - START;

const SEED = [
  `insert into users (id, first_name, last_name, primary_email_address_id, primary_email_address_sort, created_at, updated_at)
   select 'user_bench' || lpad(i::text, 22, '0'),
          (array['Ada','Grace','Alan','Barbara','Edsger','Frances','Ken','Radia'])[1 + i % 8],
          (array['Lovelace','Hopper','Turing','Liskov','Dijkstra','Allen','Thompson','Perlman'])[1 + (i / 8) % 8],
          'idn_bench' || lpad(i::text, 23, '0'), 'member' || i || '@bench.example.com',
          ${START} + (i::bigint * ${SPAN}) / ${USERS}, ${START} + (i::bigint * ${SPAN}) / ${USERS}
   from generate_series(1, ${USERS}) i`,
  `insert into email_addresses (id, user_id, email_address, verified, created_at, updated_at)
   select 'idn_bench' || lpad(i::text, 23, '0'), 'user_bench' || lpad(i::text, 22, '0'), 'member' || i || '@bench.example.com', true, ${START}, ${START}
   from generate_series(1, ${USERS}) i`,
  `create function pg_temp.base36(n bigint) returns text language sql immutable as $$
     with recursive d(n, s) as (select n, '' union all select n / 36, substr('0123456789abcdefghijklmnopqrstuvwxyz', (n % 36)::int + 1, 1) || s from d where n > 0)
     select s from d where n = 0 $$`,
  `insert into organizations (id, name, slug, max_allowed_memberships, created_by, created_at, updated_at)
   select 'org_bench' || lpad(i::text, 23, '0'), name, lower(replace(name, ' ', '-')), 0,
          'user_bench' || lpad((1 + (i * 7) % ${USERS})::text, 22, '0'),
          ${START} + (i::bigint * ${SPAN}) / ${ORGANIZATIONS}, ${START} + (i::bigint * ${SPAN}) / ${ORGANIZATIONS}
   from (select i, (array['Amber','Bright','Cedar','Delta','Ember','Fjord','Granite','Harbor','Indigo','Juniper','Kestrel','Lumen',
                           'Maple','Nimbus','Onyx','Pine','Quartz','River','Summit','Tidal'])[1 + i % 20]
                   || ' ' || (array['Falcon','Otter','Lynx','Heron','Bison','Wolf','Raven','Koi','Moose','Finch','Orca','Puma','Hare'])[1 + (i / 20) % 13]
                   || ' ' || (array['Labs','Systems','Works','Partners','Studio','Group','Cloud','Foods'])[1 + (i / 260) % 8]
                   || ' ' || pg_temp.base36(i * 7919 + 36 * 36 * 36) as name
         from generate_series(1, ${ORGANIZATIONS}) i) o`,
  `insert into organizations (id, name, slug, max_allowed_memberships, created_at, updated_at)
   values ('${BIG_ORG}', 'Big Bench Org', 'big-bench-org', 0, ${START}, ${START})`,
  // The member trigger would update each organization once per member: counts are set in one pass after.
  `alter table organization_memberships disable trigger organization_memberships_count`,
  `insert into organization_memberships (id, organization_id, user_id, role, created_at, updated_at)
   select 'orgmem_bench' || lpad((i * 5 + k)::text, 20, '0'), 'org_bench' || lpad(i::text, 23, '0'),
          'user_bench' || lpad((1 + (i * 7 + k * 1009) % ${USERS})::text, 22, '0'),
          case when k = 0 then 'org:admin' else 'org:member' end,
          ${START} + (i::bigint * ${SPAN}) / ${ORGANIZATIONS} + k, ${START} + (i::bigint * ${SPAN}) / ${ORGANIZATIONS} + k
   from generate_series(1, ${ORGANIZATIONS}) i, generate_series(0, 4) k where k <= i % 5`,
  `insert into organization_memberships (id, organization_id, user_id, role, created_at, updated_at)
   select 'orgmem_benchbig' || lpad(i::text, 17, '0'), '${BIG_ORG}', 'user_bench' || lpad(i::text, 22, '0'),
          case when i = 1 then 'org:admin' else 'org:member' end, ${START} + i * 60000, ${START} + i * 60000
   from generate_series(1, 5000) i`,
  `update organizations o set members_count = c.n from
   (select organization_id, count(*) as n from organization_memberships group by organization_id) c where c.organization_id = o.id`,
  `alter table organization_memberships enable trigger organization_memberships_count`,
  `insert into organization_invitations (id, organization_id, email_address, role, status, ticket_hash, expires_at, created_at, updated_at)
   select 'orginv_bench' || lpad(i::text, 20, '0'), 'org_bench' || lpad((1 + (i * 13) % ${ORGANIZATIONS})::text, 23, '0'),
          'invitee' || i || '@bench.example.com', 'org:member',
          (array['pending','accepted','accepted','accepted','accepted','accepted','accepted','revoked','revoked','accepted'])[1 + i % 10], md5('orginv' || i),
          ${START} + ${SPAN} * 2, ${START} + (i::bigint * ${SPAN}) / 50000, ${START} + (i::bigint * ${SPAN}) / 50000
   from generate_series(1, 50000) i`,
  `insert into invitations (id, email_address, status, ticket_hash, expires_at, created_at, updated_at)
   select 'inv_bench' || lpad(i::text, 23, '0'), 'guest' || i || '@bench.example.com',
          (array['pending','accepted','accepted','accepted','accepted','accepted','accepted','revoked','revoked','accepted'])[1 + i % 10], md5('inv' || i),
          ${START} + ${SPAN} * 2, ${START} + (i::bigint * ${SPAN}) / 20000, ${START} + (i::bigint * ${SPAN}) / 20000
   from generate_series(1, 20000) i`,
  `insert into organization_domains (id, organization_id, name, enrollment_mode, verified, created_at, updated_at)
   select 'orgdmn_bench' || lpad(i::text, 20, '0'), 'org_bench' || lpad(i::text, 23, '0'), 'domain-' || i || '.example.com',
          'manual_invitation', i % 3 <> 0, ${START}, ${START}
   from generate_series(1, 10000) i`,
];

const TABLES = ['users', 'email_addresses', 'organizations', 'organization_memberships', 'organization_invitations', 'invitations', 'organization_domains'];

/** Creates and fills the schema unless it is there (or `reload`); migrations run either way. */
export async function loadOrganizations(url: string, schema: string, reload: boolean): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const exists = (await admin.query('select 1 from pg_namespace where nspname = $1', [schema])).rows.length > 0;
    if (exists && !reload) {
      const db = await openDatabase({ kind: 'postgres', url, schema: `${schema},public` });
      await migrateToLatest(db).finally(() => db.destroy());
      console.error(`schema ${schema} already loaded; --reload rebuilds it`);
      return;
    }
    const started = performance.now();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.query(`create schema ${schema}`);
    await admin.query('create extension if not exists pg_trgm with schema public');
    const db = await openDatabase({ kind: 'postgres', url, schema: `${schema},public` });
    await migrateToLatest(db).finally(() => db.destroy());
    await admin.query(`set search_path = ${schema}, public`);
    for (const statement of SEED) await admin.query(statement);
    // Index-only scans need the visibility map; the planner needs statistics.
    for (const table of TABLES) await admin.query(`vacuum (analyze) ${schema}.${table}`);
    console.error(`schema ${schema} loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await admin.end();
  }
}
