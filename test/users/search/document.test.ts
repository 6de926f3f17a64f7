import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { buildTestApp, call, createTestUser, type TestApp } from '../../helper.js';
import { importFile, tempDir, writeLines } from '../../import/support.js';

// The search document (users/search/) follows every write that changes a value `query` searches: the
// user's own fields through the API and the import, identifications added and removed, the user deleted.
// Each step is checked through GET /v1/users?query= and /count, and the table is checked whole against
// user_search_document() and users.created_at, by which a page sorts the matches (no user without a
// document, none stale, none left over).

const tag = () => randomBytes(4).toString('hex');

async function found(ctx: TestApp, term: string): Promise<string[]> {
  const list = await call(ctx, 'GET', `/v1/users?limit=100&query=${encodeURIComponent(term)}`);
  assert.equal(list.status, 200, JSON.stringify(list.body));
  const count = await call(ctx, 'GET', `/v1/users/count?query=${encodeURIComponent(term)}`);
  const ids = (list.body as { id: string }[]).map((u) => u.id).sort();
  assert.equal(count.body.total_count, ids.length, `count of ${term}`);
  return ids;
}

async function assertInStep(ctx: TestApp): Promise<void> {
  const { rows } = await sql<{ problems: string | number }>`
    select count(*) as problems from users u full join user_search s on s.user_id = u.id
    where s.user_id is null or u.id is null
       or s.document is distinct from user_search_document(u.id, u.username, u.first_name, u.last_name)
       or s.created_at is distinct from u.created_at`.execute(ctx.deps.db);
  assert.equal(Number(rows[0]!.problems), 0, 'every user has its document, as its rows now are');
}

test('the search document follows every write path', async (t) => {
  const ctx = await buildTestApp(t);
  const t1 = tag();
  const wallet = `0x${randomBytes(20).toString('hex')}`;
  const user = await createTestUser(ctx, {
    email_address: [`first.${t1}@example.com`],
    first_name: `Ada${t1}`,
    username: `user_${t1}`,
    web3_wallet: [wallet],
  });
  await assertInStep(ctx);

  await t.test('POST /v1/users: found by each value', async () => {
    for (const term of [`FIRST.${t1}`, `ada${t1}`, `user_${t1}`, wallet.slice(10, 30).toUpperCase(), user.id.slice(-10)]) {
      assert.deepEqual(await found(ctx, term), [user.id], term);
    }
  });

  await t.test('PATCH /v1/users: a new name and username are found, the old ones no longer', async () => {
    const res = await call(ctx, 'PATCH', `/v1/users/${user.id}`, { first_name: `Grace${t1}`, last_name: 'Hopper', username: `renamed_${t1}` });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(await found(ctx, `grace${t1} hop`), [user.id]);
    assert.deepEqual(await found(ctx, `renamed_${t1}`), [user.id]);
    assert.deepEqual(await found(ctx, `ada${t1}`), []);
    assert.deepEqual(await found(ctx, `user_${t1}`), []);
    await assertInStep(ctx);
  });

  await t.test('POST / DELETE /v1/email_addresses and /v1/phone_numbers: found while they exist', async () => {
    const email = await call(ctx, 'POST', '/v1/email_addresses', { user_id: user.id, email_address: `second.${t1}@example.org`, verified: true });
    assert.equal(email.status, 200, JSON.stringify(email.body));
    const phone = await call(ctx, 'POST', '/v1/phone_numbers', { user_id: user.id, phone_number: '+15005550199', verified: true });
    assert.equal(phone.status, 200, JSON.stringify(phone.body));
    assert.deepEqual(await found(ctx, `second.${t1}@EXAMPLE.ORG`), [user.id]);
    assert.deepEqual(await found(ctx, '5005550199'), [user.id]);
    await assertInStep(ctx);
    assert.equal((await call(ctx, 'DELETE', `/v1/email_addresses/${email.body.id}`)).status, 200);
    assert.equal((await call(ctx, 'DELETE', `/v1/phone_numbers/${phone.body.id}`)).status, 200);
    assert.deepEqual(await found(ctx, `second.${t1}`), []);
    assert.deepEqual(await found(ctx, '5005550199'), []);
    assert.deepEqual(await found(ctx, `first.${t1}`), [user.id], 'the other address stays');
    await assertInStep(ctx);
  });

  await t.test('DELETE /v1/users/{id}/web3_wallets/{id}: the wallet is no longer found', async () => {
    const walletId = user.web3_wallets[0].id;
    assert.equal((await call(ctx, 'DELETE', `/v1/users/${user.id}/web3_wallets/${walletId}`)).status, 200);
    assert.deepEqual(await found(ctx, wallet.slice(10, 30)), []);
    await assertInStep(ctx);
  });

  await t.test('gatehouse import: new users, --on-conflict fill (an email added) and update (a new name)', async (st) => {
    const dir = await tempDir(st);
    const inserted = await importFile(ctx, await writeLines(path.join(dir, 'new.jsonl'), [
      { external_id: `imp-${t1}`, email_address: [`imported.${t1}@example.com`], first_name: `Imported${t1}` },
    ]));
    assert.equal(inserted.inserted, 1);
    const [importedId] = await found(ctx, `imported${t1}`);
    assert.ok(importedId);
    // fill: the same user (by external_id) gains an address.
    const filled = await importFile(ctx, await writeLines(path.join(dir, 'fill.jsonl'), [
      { external_id: `imp-${t1}`, email_address: [`imported.${t1}@example.com`, `extra.${t1}@example.com`] },
    ]));
    assert.equal(filled.updated, 1, JSON.stringify(filled));
    assert.deepEqual(await found(ctx, `extra.${t1}`), [importedId]);
    // update: a new first name replaces the old one.
    const updated = await importFile(ctx, await writeLines(path.join(dir, 'update.jsonl'), [
      { external_id: `imp-${t1}`, email_address: [`imported.${t1}@example.com`], first_name: `Changed${t1}` },
    ]), { onConflict: 'update' });
    assert.equal(updated.updated, 1, JSON.stringify(updated));
    assert.deepEqual(await found(ctx, `changed${t1}`), [importedId]);
    assert.deepEqual(await found(ctx, `imported${t1}`), []);
    await assertInStep(ctx);
  });

  await t.test('PATCH /v1/users and the import move created_at: a page of the term in that order follows', async (st) => {
    const term = `order${t1}`;
    const page = async (order: string) => {
      const res = await call(ctx, 'GET', `/v1/users?limit=1&order_by=${order}&query=${term}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return (res.body as { external_id: string }[]).map((u) => u.external_id);
    };
    const dir = await tempDir(st);
    await importFile(ctx, await writeLines(path.join(dir, 'two.jsonl'), [
      { external_id: `old-${t1}`, email_address: [`old.${term}@example.com`], created_at: '2020-01-01T00:00:00.000Z' },
      { external_id: `new-${t1}`, email_address: [`new.${term}@example.com`], created_at: '2021-01-01T00:00:00.000Z' },
    ]));
    assert.deepEqual(await page('-created_at'), [`new-${t1}`]);
    assert.deepEqual(await page('created_at'), [`old-${t1}`]);
    const [oldId] = (await call(ctx, 'GET', `/v1/users?external_id=old-${t1}`)).body.map((u: { id: string }) => u.id);
    const res = await call(ctx, 'PATCH', `/v1/users/${oldId}`, { created_at: '2022-01-01T00:00:00.000Z' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(await page('-created_at'), [`old-${t1}`]);
    assert.deepEqual(await page('created_at'), [`new-${t1}`]);
    await assertInStep(ctx);
    const updated = await importFile(ctx, await writeLines(path.join(dir, 'older.jsonl'), [
      { external_id: `old-${t1}`, email_address: [`old.${term}@example.com`], created_at: '2019-01-01T00:00:00.000Z' },
    ]), { onConflict: 'update' });
    assert.equal(updated.updated, 1, JSON.stringify(updated));
    assert.deepEqual(await page('created_at'), [`old-${t1}`]);
    await assertInStep(ctx);
  });

  await t.test('DELETE /v1/users/{id}: the user is found no more, and its document is gone', async () => {
    assert.equal((await call(ctx, 'DELETE', `/v1/users/${user.id}`)).status, 200);
    assert.deepEqual(await found(ctx, `grace${t1}`), []);
    const left = await ctx.deps.db.selectFrom('user_search').select('user_id').where('user_id', '=', user.id).execute();
    assert.deepEqual(left, []);
    await assertInStep(ctx);
  });
});
