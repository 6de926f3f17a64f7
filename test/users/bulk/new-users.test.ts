import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { sql } from 'kysely';
import { assertError, buildTestApp, call, createTestUser, type TestApp } from '../../helper.js';

// users/bulk/new-users.ts writes a new user table by table, each through its owner: users, then emails,
// phones and wallets (identifications/), then images. POST /v1/users is a batch of one. The order is
// visible: when several identifiers are taken, the unique index refusing first names the one reported.

const tag = () => randomBytes(4).toString('hex');

async function rowCounts(ctx: TestApp) {
  const { rows } = await sql<Record<string, string | number>>`
    select (select count(*) from users) as users, (select count(*) from email_addresses) as emails,
           (select count(*) from phone_numbers) as phones, (select count(*) from web3_wallets) as wallets,
           (select count(*) from user_search) as documents`.execute(ctx.deps.db);
  return Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)]));
}

test('POST /v1/users: every row of a new user is written, and the first taken identifier in write order is the one reported', async (t) => {
  const ctx = await buildTestApp(t);
  const t1 = tag();
  const held = {
    username: `held_${t1}`,
    email_address: [`held.${t1}@example.com`],
    phone_number: [`+1415${String(parseInt(t1, 16) % 10_000_000).padStart(7, '0')}`],
    web3_wallet: [`0x${randomBytes(20).toString('hex')}`],
  };
  const holder = await createTestUser(ctx, held);

  await t.test('the holder has one row in each table, tied to it, verified, with its search document', async () => {
    const { rows } = await sql<{ kind: string; user_id: string; verified: boolean; same_time: boolean }>`
      select 'email' as kind, user_id, verified, updated_at = created_at as same_time from email_addresses
      union all select 'phone', user_id, verified, updated_at = created_at from phone_numbers
      union all select 'wallet', user_id, verified, updated_at = created_at from web3_wallets`.execute(ctx.deps.db);
    assert.deepEqual(
      rows.map((r) => [r.kind, r.user_id, r.verified, r.same_time]).sort(),
      [['email', holder.id, true, true], ['phone', holder.id, true, true], ['wallet', holder.id, true, true]],
    );
    assert.deepEqual(await rowCounts(ctx), { users: 1, emails: 1, phones: 1, wallets: 1, documents: 1 });
  });

  await t.test('username, then email, then phone, then wallet: each refused body names the first it holds', async () => {
    const bodies: [Record<string, unknown>, string][] = [
      [{ ...held, username: held.username.toUpperCase() }, 'username'],
      [{ email_address: held.email_address.map((e) => e.toUpperCase()), phone_number: held.phone_number, web3_wallet: held.web3_wallet }, 'email_address'],
      [{ email_address: [`free.${t1}@example.com`], phone_number: held.phone_number, web3_wallet: held.web3_wallet }, 'phone_number'],
      [{ email_address: [`free.${t1}@example.com`], web3_wallet: held.web3_wallet.map((w) => w.toUpperCase().replace('0X', '0x')) }, 'web3_wallet'],
    ];
    for (const [body, param] of bodies) {
      const res = await call(ctx, 'POST', '/v1/users', body);
      assertError(res, 422, 'form_identifier_exists', param);
      assert.equal(res.body.errors.length, 1, JSON.stringify(res.body.errors));
    }
    // All or nothing: the users row and the identifications written before the refusal are gone too.
    assert.deepEqual(await rowCounts(ctx), { users: 1, emails: 1, phones: 1, wallets: 1, documents: 1 });
  });
});
