import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findEventsAfter } from '../../src/webhooks/store.js';
import { assertError, buildTestApp, call, createTestUser, uniqueEmail, type TestApp } from '../helper.js';

// POST /v1/users/{id}/ban|unban|lock|unlock|verify_password and DELETE /v1/users/{id}.
// @clerk/backend sends body-less calls as `Content-Type: application/json` with an empty body, so
// each action is also driven that way.

type Response = Awaited<ReturnType<typeof call>>;


/** A request exactly as @clerk/backend sends a body-less call: JSON content type, empty payload. */
async function sdkStyle(ctx: TestApp, method: 'POST' | 'DELETE', url: string): Promise<Response> {
  const response = await ctx.app.inject({
    method,
    url,
    headers: { ...ctx.auth, 'content-type': 'application/json' },
    payload: '',
  });
  return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined, headers: response.headers };
}

async function get(ctx: TestApp, id: string) {
  const res = await call(ctx, 'GET', `/v1/users/${id}`);
  assert.equal(res.status, 200);
  return res.body;
}

const get404 = async (ctx: TestApp, id: string) => (await call(ctx, 'GET', `/v1/users/${id}`)).status;

const UNKNOWN = 'user_doesnotexist000000000000000';
const PASSWORD = 'Unlisted-Pass-4711';

test('user actions', async (t) => {
  const ctx = await buildTestApp(t);

  // ban / unban

  await t.test('POST /v1/users/{id}/ban → 200 returns the User with banned true (empty JSON body)', async () => {
    const user = await createTestUser(ctx);
    assert.equal(user.banned, false);
    const res = await sdkStyle(ctx, 'POST', `/v1/users/${user.id}/ban`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.object, 'user');
    assert.equal(res.body.id, user.id);
    assert.equal(res.body.banned, true);
    assert.equal((await get(ctx, user.id)).banned, true);
    // Banning twice is harmless.
    const again = await sdkStyle(ctx, 'POST', `/v1/users/${user.id}/ban`);
    assert.equal(again.status, 200);
    assert.equal(again.body.banned, true);
  });

  await t.test('POST /v1/users/{id}/unban → 200 returns the User with banned false (empty JSON body)', async () => {
    const user = await createTestUser(ctx);
    assert.equal((await sdkStyle(ctx, 'POST', `/v1/users/${user.id}/ban`)).body.banned, true);
    const res = await sdkStyle(ctx, 'POST', `/v1/users/${user.id}/unban`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.object, 'user');
    assert.equal(res.body.banned, false);
    assert.equal((await get(ctx, user.id)).banned, false);
  });

  await t.test('GET /v1/users?banned=true → lists the banned user after POST /ban', async () => {
    const user = await createTestUser(ctx);
    await sdkStyle(ctx, 'POST', `/v1/users/${user.id}/ban`);
    const list = await call(ctx, 'GET', `/v1/users?banned=true&user_id=${user.id}`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.map((u: { id: string }) => u.id), [user.id]);
    await sdkStyle(ctx, 'POST', `/v1/users/${user.id}/unban`);
    const after = await call(ctx, 'GET', `/v1/users?banned=true&user_id=${user.id}`);
    assert.deepEqual(after.body, []);
  });

  await t.test('POST /v1/users/{id}/ban and /unban → 404 resource_not_found for an unknown user', async () => {
    assertError(await sdkStyle(ctx, 'POST', `/v1/users/${UNKNOWN}/ban`), 404, 'resource_not_found');
    assertError(await sdkStyle(ctx, 'POST', `/v1/users/${UNKNOWN}/unban`), 404, 'resource_not_found');
  });

  await t.test('POST /v1/users/{id}/ban → also works without any Content-Type or body', async () => {
    const user = await createTestUser(ctx);
    const res = await ctx.app.inject({ method: 'POST', url: `/v1/users/${user.id}/ban`, headers: ctx.auth });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(JSON.parse(res.body).banned, true);
  });

  // lock / unlock

  await t.test('POST /v1/users/{id}/lock → 200 with locked true and lockout_expires_in_seconds ≈ 3600 (empty JSON body)', async () => {
    const user = await createTestUser(ctx);
    assert.equal(user.locked, false);
    assert.equal(user.lockout_expires_in_seconds, null);
    const res = await sdkStyle(ctx, 'POST', `/v1/users/${user.id}/lock`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.object, 'user');
    assert.equal(res.body.locked, true);
    assert.ok(res.body.lockout_expires_in_seconds > 3590 && res.body.lockout_expires_in_seconds <= 3600, String(res.body.lockout_expires_in_seconds));
    const got = await get(ctx, user.id);
    assert.equal(got.locked, true);
    assert.ok(got.lockout_expires_in_seconds > 3590 && got.lockout_expires_in_seconds <= 3600);
  });

  await t.test('POST /v1/users/{id}/unlock → 200 with locked false and lockout_expires_in_seconds null (empty JSON body)', async () => {
    const user = await createTestUser(ctx);
    await sdkStyle(ctx, 'POST', `/v1/users/${user.id}/lock`);
    // Simulate failed attempts so that unlock has a counter to reset.
    await ctx.deps.db.updateTable('users').set({ failed_verification_attempts: 4 }).where('id', '=', user.id).execute();
    const locked = await get(ctx, user.id);
    assert.equal(locked.locked, true);
    assert.equal(locked.verification_attempts_remaining, user.verification_attempts_remaining - 4);

    const res = await sdkStyle(ctx, 'POST', `/v1/users/${user.id}/unlock`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.locked, false);
    assert.equal(res.body.lockout_expires_in_seconds, null);
    assert.equal(res.body.verification_attempts_remaining, user.verification_attempts_remaining);
    assert.equal((await get(ctx, user.id)).locked, false);
  });

  await t.test('GET /v1/users/{id} → locked false once an admin lock has expired', async () => {
    const user = await createTestUser(ctx);
    await sdkStyle(ctx, 'POST', `/v1/users/${user.id}/lock`);
    await ctx.deps.db.updateTable('users').set({ lockout_expires_at: Date.now() - 1000 }).where('id', '=', user.id).execute();
    const got = await get(ctx, user.id);
    assert.equal(got.locked, false);
    assert.equal(got.lockout_expires_in_seconds, null);
  });

  await t.test('POST /v1/users/{id}/lock and /unlock → 404 resource_not_found for an unknown user', async () => {
    assertError(await sdkStyle(ctx, 'POST', `/v1/users/${UNKNOWN}/lock`), 404, 'resource_not_found');
    assertError(await sdkStyle(ctx, 'POST', `/v1/users/${UNKNOWN}/unlock`), 404, 'resource_not_found');
  });

  await t.test('POST /v1/users/{id}/lock → 200 does not ban, and /ban does not lock', async () => {
    const user = await createTestUser(ctx);
    const locked = await sdkStyle(ctx, 'POST', `/v1/users/${user.id}/lock`);
    assert.equal(locked.body.banned, false);
    await sdkStyle(ctx, 'POST', `/v1/users/${user.id}/unlock`);
    const banned = await sdkStyle(ctx, 'POST', `/v1/users/${user.id}/ban`);
    assert.equal(banned.body.locked, false);
  });

  // delete

  await t.test('DELETE /v1/users/{id} → 200 deleted object, then GET → 404 (empty JSON body)', async () => {
    const user = await createTestUser(ctx);
    const res = await sdkStyle(ctx, 'DELETE', `/v1/users/${user.id}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { object: 'user', id: user.id, deleted: true });
    assertError(await call(ctx, 'GET', `/v1/users/${user.id}`), 404, 'resource_not_found');
    assertError(await sdkStyle(ctx, 'DELETE', `/v1/users/${user.id}`), 404, 'resource_not_found');
  });

  await t.test("DELETE /v1/users/{id} → 200 frees the user's email, phone and username for reuse", async () => {
    const email = uniqueEmail('reuse');
    const phone = `+1415555${String(Math.floor(Math.random() * 10000)).padStart(4, '0')}`;
    const username = `reuse_${Date.now().toString(36)}`;
    const user = await createTestUser(ctx, { email_address: [email], phone_number: [phone], username });
    const clash = await call(ctx, 'POST', '/v1/users', { email_address: [email] });
    assertError(clash, 422, 'form_identifier_exists', 'email_address');

    assert.equal((await call(ctx, 'DELETE', `/v1/users/${user.id}`)).status, 200);
    const reused = await call(ctx, 'POST', '/v1/users', { email_address: [email.toUpperCase()], phone_number: [phone], username });
    assert.equal(reused.status, 200, JSON.stringify(reused.body));
    assert.notEqual(reused.body.id, user.id);
    assert.equal(reused.body.email_addresses[0].email_address, email.toUpperCase());
    // The old identification ids are gone too.
    assertError(await call(ctx, 'GET', `/v1/email_addresses/${user.primary_email_address_id}`), 404, 'resource_not_found');
  });

  await t.test('DELETE /v1/users/{id} → 200 for a user who was just sent an email (its email.created event stays: history)', async () => {
    const user = await createTestUser(ctx);
    const second = await call(ctx, 'POST', '/v1/email_addresses', { user_id: user.id, email_address: uniqueEmail(), verified: true });
    const changed = await call(ctx, 'PATCH', `/v1/users/${user.id}`, {
      primary_email_address_id: second.body.id,
      notify_primary_email_address_changed: true,
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    const emails = async () =>
      (await findEventsAfter(ctx.deps.db, null, 10_000, 'email.created')).filter((e) => (e.payload.data as { user_id: string }).user_id === user.id);
    assert.equal((await emails()).length, 1);
    const res = await call(ctx, 'DELETE', `/v1/users/${user.id}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((await emails()).length, 1);
    assert.equal((await get404(ctx, user.id)), 404);
  });

  await t.test('DELETE /v1/users/{id} → 404 resource_not_found for an unknown user', async () => {
    assertError(await call(ctx, 'DELETE', `/v1/users/${UNKNOWN}`), 404, 'resource_not_found');
  });

  await t.test("DELETE /v1/users/{id} → 200 leaves other users alone", async () => {
    const keep = await createTestUser(ctx);
    const gone = await createTestUser(ctx);
    assert.equal((await call(ctx, 'DELETE', `/v1/users/${gone.id}`)).status, 200);
    const got = await get(ctx, keep.id);
    assert.equal(got.primary_email_address_id, keep.primary_email_address_id);
    assert.equal(got.email_addresses.length, 1);
  });

  // verify_password

  await t.test('POST /v1/users/{id}/verify_password → 200 {verified:true} for the right password', async () => {
    const user = await createTestUser(ctx, { password: PASSWORD });
    const res = await call(ctx, 'POST', `/v1/users/${user.id}/verify_password`, { password: PASSWORD });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { verified: true });
  });

  await t.test('POST /v1/users/{id}/verify_password → 422 incorrect_password for a wrong password', async () => {
    const user = await createTestUser(ctx, { password: PASSWORD });
    for (const wrong of [PASSWORD.toLowerCase(), `${PASSWORD} `, '', 'x']) {
      const res = await call(ctx, 'POST', `/v1/users/${user.id}/verify_password`, { password: wrong });
      assertError(res, 422, 'incorrect_password');
      assert.equal(res.body.errors[0].long_message, 'The provided password is not the one the user has set');
    }
  });

  await t.test('POST /v1/users/{id}/verify_password → 400 no_password_set for a passwordless user', async () => {
    const user = await createTestUser(ctx);
    assert.equal(user.password_enabled, false);
    const res = await call(ctx, 'POST', `/v1/users/${user.id}/verify_password`, { password: PASSWORD });
    assertError(res, 400, 'no_password_set');
  });

  await t.test('POST /v1/users/{id}/verify_password → 404 resource_not_found for an unknown user', async () => {
    const res = await call(ctx, 'POST', `/v1/users/${UNKNOWN}/verify_password`, { password: PASSWORD });
    assertError(res, 404, 'resource_not_found');
  });

  await t.test('POST /v1/users/{id}/verify_password → 422 form_param_missing without a password', async () => {
    const user = await createTestUser(ctx, { password: PASSWORD });
    assertError(await call(ctx, 'POST', `/v1/users/${user.id}/verify_password`, {}), 422, 'form_param_missing', 'password');
    assertError(await sdkStyle(ctx, 'POST', `/v1/users/${user.id}/verify_password`), 422, 'form_param_missing', 'password');
  });
});
