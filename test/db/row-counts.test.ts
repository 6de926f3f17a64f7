import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { countRows, foldRowCounts } from '../../src/db/row-counts.js';
import { buildTestApp, call, createTestUser, engine, uniqueEmail } from '../helper.js';

// Migration 0026's maintained counts: after every kind of write (insert, delete, cascades, status changes,
// concurrent writers) the count equals count(*), and folding the delta log changes no count.

test(`row counts (${engine})`, async (t) => {
  const ctx = await buildTestApp(t);
  const db = ctx.deps.db;
  const actual = async (table: string, where = sql`true`) =>
    Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where ${where}`.execute(db)).rows[0]!.n);
  const agree = async () => {
    for (const table of ['organizations', 'organization_memberships', 'organization_invitations', 'invitations']) {
      assert.equal(await countRows(db, table), await actual(table), table);
    }
    for (const status of ['pending', 'accepted', 'revoked', 'expired']) {
      assert.equal(await countRows(db, `organization_invitations:${status}`), await actual('organization_invitations', sql`status = ${status}`));
      assert.equal(await countRows(db, `invitations:${status}`), await actual('invitations', sql`status = ${status}`));
    }
  };

  await t.test('inserts, updates, deletes and cascades keep every count equal to count(*)', async () => {
    await agree();
    const admin = await createTestUser(ctx);
    const orgs = [];
    for (let i = 0; i < 3; i++) orgs.push((await call(ctx, 'POST', '/v1/organizations', { name: `Counted ${i}`, created_by: admin.id })).body);
    for (const org of orgs) {
      await call(ctx, 'POST', `/v1/organizations/${org.id}/memberships`, { user_id: (await createTestUser(ctx)).id, role: 'org:member' });
      await call(ctx, 'POST', `/v1/organizations/${org.id}/invitations/bulk`, [
        { email_address: uniqueEmail(), role: 'org:member' },
        { email_address: uniqueEmail(), role: 'org:member' },
      ]);
    }
    const inv = (await call(ctx, 'GET', `/v1/organizations/${orgs[0].id}/invitations`)).body.data[0];
    await call(ctx, 'POST', `/v1/organizations/${orgs[0].id}/invitations/${inv.id}/revoke`);
    await call(ctx, 'POST', '/v1/invitations/bulk', [{ email_address: uniqueEmail() }, { email_address: uniqueEmail() }]);
    const single = (await call(ctx, 'POST', '/v1/invitations', { email_address: uniqueEmail() })).body;
    await call(ctx, 'POST', `/v1/invitations/${single.id}/revoke`);
    await agree();
    // Deleting an organization cascades to its memberships and invitations; deleting a user to its memberships.
    await call(ctx, 'DELETE', `/v1/organizations/${orgs[1].id}`);
    await call(ctx, 'DELETE', `/v1/users/${admin.id}`);
    await agree();
    const listed = await call(ctx, 'GET', '/v1/organizations');
    assert.equal(listed.body.total_count, await actual('organizations'));
    assert.equal((await call(ctx, 'GET', '/v1/organization_memberships')).body.total_count, await actual('organization_memberships'));
    assert.equal((await call(ctx, 'GET', '/v1/organization_invitations?status=revoked')).body.total_count, 1);
    assert.equal((await call(ctx, 'GET', '/v1/invitations?paginated=true')).body.total_count, await actual('invitations', sql`status <> 'revoked'`));
  });

  await t.test('20 concurrent organization creations: the count is exact', async () => {
    const before = await countRows(db, 'organizations');
    await Promise.all(Array.from({ length: 20 }, (_, i) => call(ctx, 'POST', '/v1/organizations', { name: `Concurrent ${i}` })));
    assert.equal(await countRows(db, 'organizations'), before + 20);
    await agree();
  });

  await t.test('folding the delta log keeps the count; a read folds a long log', async () => {
    const deltas = async () => Number((await sql<{ n: string }>`select count(*) as n from row_counts where name = 'organizations'`.execute(db)).rows[0]!.n);
    for (let i = 0; i < 300; i++) await sql`insert into row_counts values ('organizations', 0)`.execute(db);
    assert.ok((await deltas()) > 300);
    const count = await countRows(db, 'organizations');
    assert.equal(count, await actual('organizations'));
    assert.equal(await deltas(), 1, 'the read folded the log');
    await foldRowCounts(db, 'organizations');
    assert.equal(await countRows(db, 'organizations'), count);
  });
});
