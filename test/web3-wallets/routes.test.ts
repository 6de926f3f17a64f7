import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { assertError, buildTestApp, call, createTestUser, type TestApp } from '../helper.js';

// DELETE /v1/users/{user_id}/web3_wallets/{web3_wallet_identification_id} (UserWeb3WalletDelete).

type Response = Awaited<ReturnType<typeof call>>;


const wallet = () => `0x${randomBytes(20).toString('hex')}`;
const ids = (list: { id: string }[]) => list.map((x) => x.id);

async function get(ctx: TestApp, id: string) {
  const res = await call(ctx, 'GET', `/v1/users/${id}`);
  assert.equal(res.status, 200);
  return res.body;
}
const remove = (ctx: TestApp, userId: string, walletId: string) =>
  call(ctx, 'DELETE', `/v1/users/${userId}/web3_wallets/${walletId}`);

test('/v1/users/{user_id}/web3_wallets', async (t) => {
  const ctx = await buildTestApp(t);

  await t.test('POST /v1/users → 200 with web3_wallet: verified wallets, the first one primary', async () => {
    const [a, b] = [wallet(), wallet()];
    const user = await createTestUser(ctx, { web3_wallet: [a, b] });
    assert.equal(user.web3_wallets.length, 2);
    const first = user.web3_wallets.find((w: { web3_wallet: string }) => w.web3_wallet === a);
    assert.equal(user.primary_web3_wallet_id, first.id);
    assert.equal(first.object, 'web3_wallet');
    assert.equal(first.verification.status, 'verified');
    assert.equal(first.verification.strategy, 'admin');
  });

  await t.test('DELETE /v1/users/{user_id}/web3_wallets/{id} → 200 deleted object; the wallet is gone from the user', async () => {
    const user = await createTestUser(ctx, { web3_wallet: [wallet(), wallet()] });
    const extra = user.web3_wallets.find((w: { id: string }) => w.id !== user.primary_web3_wallet_id);
    const res = await remove(ctx, user.id, extra.id);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { object: 'web3_wallet', id: extra.id, deleted: true });
    const owner = await get(ctx, user.id);
    assert.deepEqual(ids(owner.web3_wallets), [user.primary_web3_wallet_id]);
    assert.equal(owner.primary_web3_wallet_id, user.primary_web3_wallet_id);
    assertError(await remove(ctx, user.id, extra.id), 404, 'resource_not_found');
  });

  await t.test('DELETE /v1/users/{user_id}/web3_wallets/{id} → 200 accepts an empty JSON body, as @clerk/backend sends it', async () => {
    const user = await createTestUser(ctx, { web3_wallet: [wallet()] });
    const res = await ctx.app.inject({
      method: 'DELETE',
      url: `/v1/users/${user.id}/web3_wallets/${user.primary_web3_wallet_id}`,
      headers: { ...ctx.auth, 'content-type': 'application/json' },
      payload: '',
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(JSON.parse(res.body).deleted, true);
  });

  await t.test('DELETE /v1/users/{user_id}/web3_wallets/{id} → 200 deleting the primary makes the remaining wallet primary', async () => {
    const user = await createTestUser(ctx, { web3_wallet: [wallet(), wallet()] });
    const other = user.web3_wallets.find((w: { id: string }) => w.id !== user.primary_web3_wallet_id);
    const res = await remove(ctx, user.id, user.primary_web3_wallet_id);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const owner = await get(ctx, user.id);
    assert.equal(owner.primary_web3_wallet_id, other.id);
    assert.deepEqual(ids(owner.web3_wallets), [other.id]);
  });

  await t.test('DELETE /v1/users/{user_id}/web3_wallets/{id} → 200 deleting the only wallet leaves primary_web3_wallet_id null', async () => {
    const user = await createTestUser(ctx, { web3_wallet: [wallet()] });
    assert.equal((await remove(ctx, user.id, user.primary_web3_wallet_id)).status, 200);
    const owner = await get(ctx, user.id);
    assert.equal(owner.primary_web3_wallet_id, null);
    assert.deepEqual(owner.web3_wallets, []);
    assert.equal(owner.primary_email_address_id, user.primary_email_address_id, 'other primaries are untouched');
  });

  await t.test('DELETE /v1/users/{user_id}/web3_wallets/{id} → 200 the deleted address is free to use again', async () => {
    const address = wallet();
    const user = await createTestUser(ctx, { web3_wallet: [address] });
    const clash = await call(ctx, 'POST', '/v1/users', { web3_wallet: [address] });
    assertError(clash, 422, 'form_identifier_exists', 'web3_wallet');
    assert.equal((await remove(ctx, user.id, user.primary_web3_wallet_id)).status, 200);
    const reused = await call(ctx, 'POST', '/v1/users', { web3_wallet: [address] });
    assert.equal(reused.status, 200, JSON.stringify(reused.body));
  });

  await t.test("DELETE /v1/users/{user_id}/web3_wallets/{id} → 404 resource_not_found for another user's wallet, which stays", async () => {
    const owner = await createTestUser(ctx, { web3_wallet: [wallet()] });
    const intruder = await createTestUser(ctx, { web3_wallet: [wallet()] });
    const res = await remove(ctx, intruder.id, owner.primary_web3_wallet_id);
    assertError(res, 404, 'resource_not_found');
    const after = await get(ctx, owner.id);
    assert.equal(after.primary_web3_wallet_id, owner.primary_web3_wallet_id);
    assert.equal(after.web3_wallets.length, 1);
    assert.equal((await get(ctx, intruder.id)).web3_wallets.length, 1);
  });

  await t.test('DELETE /v1/users/{user_id}/web3_wallets/{id} → 404 resource_not_found for an unknown wallet or user', async () => {
    const user = await createTestUser(ctx, { web3_wallet: [wallet()] });
    assertError(await remove(ctx, user.id, 'idn_doesnotexist0000000000000'), 404, 'resource_not_found');
    assertError(await remove(ctx, 'user_doesnotexist000000000000000', user.primary_web3_wallet_id), 404, 'resource_not_found');
    assert.equal((await get(ctx, user.id)).web3_wallets.length, 1);
  });

  await t.test('DELETE /v1/users/{user_id}/web3_wallets/{id} → 404 for an email id given as a wallet id', async () => {
    const user = await createTestUser(ctx, { web3_wallet: [wallet()] });
    assertError(await remove(ctx, user.id, user.primary_email_address_id), 404, 'resource_not_found');
    assert.equal((await get(ctx, user.id)).email_addresses.length, 1);
  });

  await t.test("DELETE /v1/users/{user_id}/web3_wallets/{id} → 400 identification_deletion_failed for the user's last identification", async () => {
    const user = await createTestUser(ctx, { email_address: [], web3_wallet: [wallet()] });
    const res = await remove(ctx, user.id, user.primary_web3_wallet_id);
    assertError(res, 400, 'identification_deletion_failed');
    const owner = await get(ctx, user.id);
    assert.equal(owner.primary_web3_wallet_id, user.primary_web3_wallet_id);
    assert.equal(owner.web3_wallets.length, 1);
  });

  await t.test('POST /v1/users → 422 form_param_format_invalid for a wallet that is not 0x + 40 hex', async () => {
    for (const bad of ['0x123', `0x${'g'.repeat(40)}`, randomBytes(20).toString('hex'), `0x${randomBytes(21).toString('hex')}`]) {
      const res = await call(ctx, 'POST', '/v1/users', { web3_wallet: [bad] });
      assertError(res, 422, 'form_param_format_invalid', 'web3_wallet');
    }
  });
});
