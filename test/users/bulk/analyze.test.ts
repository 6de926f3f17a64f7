import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { buildTestApp } from '../../helper.js';
import { importFile, tempDir, writeLines } from '../../import/support.js';

// An import ends by analyzing the tables it wrote (issue 14): the planner sizes searches from their
// statistics, and after a bulk load they would be missing until autovacuum came by. 40 users stay under
// autovacuum's own threshold (50 changed rows), so only the import can have taken these statistics.

test('gatehouse import → the tables it wrote have statistics when it finishes; a dry run analyzes nothing', async (t) => {
  const ctx = await buildTestApp(t);
  const dir = await tempDir(t);
  const lines = Array.from({ length: 40 }, (_, i) => ({
    external_id: `analyze-${i}`,
    email_address: [`analyze.${i}@example.com`],
    first_name: `Name${i}`,
  }));
  const file = await writeLines(path.join(dir, 'users.jsonl'), lines);
  const tuples = async (table: string) => {
    const { rows } = await sql<{ n: number }>`select reltuples::float8 as n from pg_class where oid = ${table}::regclass`.execute(ctx.deps.db);
    return Number(rows[0]!.n);
  };
  const before = { users: await tuples('users'), user_search: await tuples('user_search') };
  assert.ok(before.users <= 0 && before.user_search <= 0, `no statistics of 40 users before: ${JSON.stringify(before)}`);

  const dry = await importFile(ctx, file, { dryRun: true });
  assert.equal(dry.inserted, 40);
  assert.ok((await tuples('users')) <= 0, 'a dry run writes nothing, and analyzes nothing');

  const summary = await importFile(ctx, file);
  assert.equal(summary.inserted, 40);
  for (const table of ['users', 'email_addresses', 'user_search']) assert.equal(await tuples(table), 40, table);
  // Column statistics too: what the planner reads to size a `query` term.
  const { rows } = await sql<{ n: string | number }>`
    select count(*) as n from pg_stats where tablename = 'user_search' and attname = 'document' and schemaname = current_schema()`.execute(ctx.deps.db);
  assert.equal(Number(rows[0]!.n), 1);
});
