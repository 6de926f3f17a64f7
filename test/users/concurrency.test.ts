import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { sql } from 'kysely';
import { buildTestApp, call, engine, uniqueEmail } from '../helper.js';

// Uniqueness is enforced by the database (unique indexes on lower(...)), so concurrent creates cannot
// both win. On PostgreSQL these requests really overlap; on PGlite they are serialized by the engine.

/** Upper-cases a different subset of letters for each i, so the 50 requests differ in case. */
function caseVariant(email: string, i: number): string {
  return [...email].map((c, j) => ((i >> (j % 6)) & 1 ? c.toUpperCase() : c)).join('');
}

test(`POST /v1/users under concurrency (${engine})`, async (t) => {
  const ctx = await buildTestApp(t);
  const emailRows = async (email: string) =>
    ctx.deps.db
      .selectFrom('email_addresses')
      .select(['id', 'user_id', 'email_address'])
      .where(sql<string>`lower(email_address)`, '=', email.toLowerCase())
      .execute();

  await t.test('50 concurrent creates with the same email in varying case → one 200, 49 × 422 form_identifier_exists', async () => {
    const email = `race.${randomBytes(4).toString('hex')}@example.com`;
    const variants = Array.from({ length: 50 }, (_, i) => caseVariant(email, i));
    assert.ok(new Set(variants).size > 20, 'the requests really differ in case');

    const results = await Promise.all(variants.map((v) => call(ctx, 'POST', '/v1/users', { email_address: [v] })));
    const ok = results.filter((r) => r.status === 200);
    const taken = results.filter((r) => r.status === 422);
    assert.equal(ok.length, 1, `statuses: ${results.map((r) => r.status).join(',')}`);
    assert.equal(taken.length, 49);
    for (const r of taken) {
      assert.equal(r.body.errors.length, 1);
      assert.equal(r.body.errors[0].code, 'form_identifier_exists');
      assert.equal(r.body.errors[0].meta.param_name, 'email_address');
      assert.match(r.body.clerk_trace_id, /^[0-9a-f]{32}$/);
    }

    const winner = ok[0]!.body;
    const rows = await emailRows(email);
    assert.equal(rows.length, 1, 'exactly one email row');
    assert.equal(rows[0]!.user_id, winner.id);

    const listed = await call(ctx, 'GET', `/v1/users?email_address=${encodeURIComponent(winner.email_addresses[0].email_address)}`);
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.map((u: { id: string }) => u.id), [winner.id]);
  });

  await t.test('the losers of the race leave no half-created user behind', async () => {
    // Every user has an identification here; a loser whose transaction was not rolled back would not.
    const orphans = await ctx.deps.db
      .selectFrom('users')
      .select('users.id')
      .where((eb) => eb.not(eb.exists(eb.selectFrom('email_addresses').select('id').whereRef('email_addresses.user_id', '=', 'users.id'))))
      .execute();
    assert.deepEqual(orphans, []);
    const count = await call(ctx, 'GET', '/v1/users/count');
    assert.equal(count.body.total_count, 1);
  });

  await t.test('20 concurrent creates with distinct emails → 20 × 200 with distinct ids', async () => {
    const before = (await call(ctx, 'GET', '/v1/users/count')).body.total_count as number;
    const emails = Array.from({ length: 20 }, () => uniqueEmail('distinct'));
    const results = await Promise.all(emails.map((e) => call(ctx, 'POST', '/v1/users', { email_address: [e] })));
    assert.deepEqual(
      results.map((r) => r.status),
      emails.map(() => 200),
      JSON.stringify(results.filter((r) => r.status !== 200).map((r) => r.body)),
    );
    assert.equal(new Set(results.map((r) => r.body.id)).size, 20);
    results.forEach((r, i) => assert.equal(r.body.email_addresses[0].email_address, emails[i]));
    const after = (await call(ctx, 'GET', '/v1/users/count')).body.total_count as number;
    assert.equal(after, before + 20);
  });

  await t.test('20 concurrent creates with the same username in varying case → one 200, 19 × 422 (param username)', async () => {
    const username = `racer_${randomBytes(3).toString('hex')}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(ctx, 'POST', '/v1/users', { email_address: [uniqueEmail('uname')], username: caseVariant(username, i) }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 200).length, 1, `statuses: ${results.map((r) => r.status).join(',')}`);
    const taken = results.filter((r) => r.status === 422);
    assert.equal(taken.length, 19);
    for (const r of taken) {
      assert.equal(r.body.errors[0].code, 'form_identifier_exists');
      assert.equal(r.body.errors[0].meta.param_name, 'username');
    }
    const rows = await ctx.deps.db
      .selectFrom('users')
      .select('id')
      .where(sql<string>`lower(username)`, '=', username.toLowerCase())
      .execute();
    assert.equal(rows.length, 1);
  });

  await t.test('4 concurrent POST /v1/email_addresses of one address (two users, two cases) → one 200, 3 × 422 form_identifier_exists', async () => {
    const [a, b] = await Promise.all([
      call(ctx, 'POST', '/v1/users', { email_address: [uniqueEmail('ua')] }),
      call(ctx, 'POST', '/v1/users', { email_address: [uniqueEmail('ub')] }),
    ]);
    const email = uniqueEmail('shared');
    const results = await Promise.all(
      [a!.body.id, b!.body.id, a!.body.id, b!.body.id].map((userId, i) =>
        call(ctx, 'POST', '/v1/email_addresses', { user_id: userId, email_address: i % 2 ? email.toUpperCase() : email, verified: true }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 200).length, 1, `statuses: ${results.map((r) => r.status).join(',')}`);
    for (const r of results.filter((r) => r.status !== 200)) {
      assert.equal(r.status, 422);
      assert.equal(r.body.errors[0].code, 'form_identifier_exists');
      assert.equal(r.body.errors[0].meta.param_name, 'email_address');
    }
    assert.equal((await emailRows(email)).length, 1);
  });
});
