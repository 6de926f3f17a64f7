import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { queryPrepared } from '../../src/db/database.js';
import { buildTestApp, call, createTestUser, engine } from '../helper.js';

// queryPrepared: a named statement, sent straight to the pool outside a transaction (PostgreSQL) or
// through Kysely (in a transaction, on PGlite). Both must give the same rows, and both must survive a
// schema change that alters the statement's result type (another process migrating): PostgreSQL then
// refuses the cached plan (0A000) and the statement is prepared again under a new name.

test(`queryPrepared: same rows outside and inside a transaction, and after a result-type change (${engine})`, async (t) => {
  const ctx = await buildTestApp(t);
  const { db } = ctx.deps;
  await sql`create table prepared_probe (id text primary key, value text)`.execute(db);
  await sql`insert into prepared_probe values ('a', 'one'), ('b', 'two')`.execute(db);
  const compiled = db.selectFrom('prepared_probe' as never).selectAll().where('id' as never, '=', '' as never).compile();

  const direct = await queryPrepared<Record<string, unknown>>(db, 'probe_by_id', compiled, ['a']);
  const inTransaction = await db.transaction().execute((trx) => queryPrepared<Record<string, unknown>>(trx, 'probe_by_id', compiled, ['b']));
  assert.deepEqual(direct, [{ id: 'a', value: 'one' }]);
  assert.deepEqual(inTransaction, [{ id: 'b', value: 'two' }]);

  // Every pooled connection has the statement now (10 parallel calls spread over the pool).
  await Promise.all(Array.from({ length: 10 }, () => queryPrepared(db, 'probe_by_id', compiled, ['a'])));
  await sql`alter table prepared_probe add column extra integer default 7`.execute(db);
  const after = await Promise.all(Array.from({ length: 10 }, () => queryPrepared<Record<string, unknown>>(db, 'probe_by_id', compiled, ['a'])));
  for (const rows of after) assert.deepEqual(rows, [{ id: 'a', value: 'one', extra: 7 }]);
  const afterInTransaction = await db.transaction().execute((trx) => queryPrepared<Record<string, unknown>>(trx, 'probe_by_id', compiled, ['b']));
  assert.deepEqual(afterInTransaction, [{ id: 'b', value: 'two', extra: 7 }]);
});

test(`GET /v1/users/{id} through the prepared statement: the user, then 404 once deleted (${engine})`, async (t) => {
  const ctx = await buildTestApp(t);
  const user = await createTestUser(ctx);
  const got = await call(ctx, 'GET', `/v1/users/${user.id}`);
  assert.equal(got.status, 200);
  assert.deepEqual(got.body, user);
  assert.equal((await call(ctx, 'DELETE', `/v1/users/${user.id}`)).status, 200);
  assert.equal((await call(ctx, 'GET', `/v1/users/${user.id}`)).status, 404);
});
