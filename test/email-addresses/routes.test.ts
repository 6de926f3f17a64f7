import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { assertError, buildTestApp, call, createTestUser, uniqueEmail, type TestApp } from '../helper.js';

// /v1/email_addresses: POST, GET, PATCH, DELETE, and what each does to the owning user.

type Response = Awaited<ReturnType<typeof call>>;


const ADMIN_VERIFICATION = { status: 'verified', strategy: 'admin', attempts: null, expire_at: null };
const UNKNOWN_USER = 'user_doesnotexist000000000000000';
const UNKNOWN_EMAIL = 'idn_doesnotexist0000000000000';

async function get(ctx: TestApp, id: string) {
  const res = await call(ctx, 'GET', `/v1/users/${id}`);
  assert.equal(res.status, 200);
  return res.body;
}
async function create(ctx: TestApp, body: Record<string, unknown>) {
  return call(ctx, 'POST', '/v1/email_addresses', body);
}
async function add(ctx: TestApp, userId: string, extra: Record<string, unknown> = {}) {
  const res = await create(ctx, { user_id: userId, email_address: uniqueEmail('added'), ...extra });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}
const phone = () => `+1646555${String(Math.floor(Math.random() * 10000)).padStart(4, '0')}`;

test('/v1/email_addresses', async (t) => {
  const ctx = await buildTestApp(t);

  // POST

  await t.test('POST /v1/email_addresses → 200 unverified by default, with verification null and not primary', async () => {
    const user = await createTestUser(ctx);
    const email = uniqueEmail('fresh');
    const res = await create(ctx, { user_id: user.id, email_address: email });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.object, 'email_address');
    assert.match(res.body.id, /^idn_/);
    assert.equal(res.body.email_address, email);
    assert.equal(res.body.verification, null);
    assert.equal(res.body.reserved, false);
    assert.deepEqual(res.body.linked_to, []);
    assert.equal(typeof res.body.created_at, 'number');

    const owner = await get(ctx, user.id);
    assert.equal(owner.primary_email_address_id, user.primary_email_address_id);
    assert.equal(owner.email_addresses.length, 2);
    assert.equal(owner.email_addresses[0].id, res.body.id, 'newest first');
    assert.equal(owner.email_addresses[0].verification, null);
  });

  await t.test('POST /v1/email_addresses → 200 with verified:true carries an admin verification', async () => {
    const user = await createTestUser(ctx);
    const res = await create(ctx, { user_id: user.id, email_address: uniqueEmail(), verified: true });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.verification, ADMIN_VERIFICATION);
    assert.equal((await get(ctx, user.id)).primary_email_address_id, user.primary_email_address_id, 'verified alone does not make it primary');
  });

  await t.test("POST /v1/email_addresses → 200 with primary:true on a verified email sets the user's primary", async () => {
    const user = await createTestUser(ctx);
    const res = await create(ctx, { user_id: user.id, email_address: uniqueEmail(), verified: true, primary: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((await get(ctx, user.id)).primary_email_address_id, res.body.id);
  });

  await t.test('POST /v1/email_addresses → 422 form_verification_needed for primary:true on an unverified email', async () => {
    const user = await createTestUser(ctx);
    const email = uniqueEmail();
    const res = await create(ctx, { user_id: user.id, email_address: email, primary: true });
    assertError(res, 422, 'form_verification_needed');
    const owner = await get(ctx, user.id);
    assert.equal(owner.primary_email_address_id, user.primary_email_address_id);
    assert.equal(owner.email_addresses.length, 1, 'nothing was added');
  });

  await t.test('POST /v1/email_addresses → 200 the first email of a user without one becomes primary', async () => {
    const user = await createTestUser(ctx, { email_address: [], phone_number: [phone()] });
    assert.equal(user.primary_email_address_id, null);
    const res = await create(ctx, { user_id: user.id, email_address: uniqueEmail('first'), verified: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const owner = await get(ctx, user.id);
    assert.equal(owner.primary_email_address_id, res.body.id);
    // The second one does not take over.
    const second = await add(ctx, user.id, { verified: true });
    assert.equal((await get(ctx, user.id)).primary_email_address_id, res.body.id);
    assert.notEqual(second.id, res.body.id);
  });

  await t.test('POST /v1/email_addresses → 422 form_param_format_invalid for a malformed email', async () => {
    const user = await createTestUser(ctx);
    for (const bad of ['not-an-email', 'two@@example.com', 'spaces in@example.com', 'nodomain@', 'user@localhost', 'user@example.invalid']) {
      const res = await create(ctx, { user_id: user.id, email_address: bad });
      assertError(res, 422, 'form_param_format_invalid', 'email_address');
      assert.equal(res.body.errors[0].long_message, 'email_address must be a valid email address.');
    }
    assert.equal((await get(ctx, user.id)).email_addresses.length, 1);
  });

  await t.test('POST /v1/email_addresses → 422 form_identifier_exists for a taken email, in any case', async () => {
    const owner = await createTestUser(ctx);
    const taken = owner.email_addresses[0].email_address as string;
    const user = await createTestUser(ctx);
    for (const email of [taken, taken.toUpperCase()]) {
      const res = await create(ctx, { user_id: user.id, email_address: email });
      assertError(res, 422, 'form_identifier_exists', 'email_address');
    }
    // The same user adding its own address again is a duplicate too.
    assertError(await create(ctx, { user_id: owner.id, email_address: taken }), 422, 'form_identifier_exists', 'email_address');
  });

  await t.test('POST /v1/email_addresses → 404 resource_not_found for an unknown user', async () => {
    const res = await create(ctx, { user_id: UNKNOWN_USER, email_address: uniqueEmail() });
    assertError(res, 404, 'resource_not_found');
  });

  await t.test('POST /v1/email_addresses → 422 form_param_missing without user_id or email_address', async () => {
    assertError(await create(ctx, { email_address: uniqueEmail() }), 422, 'form_param_missing', 'user_id');
    const user = await createTestUser(ctx);
    assertError(await create(ctx, { user_id: user.id }), 422, 'form_param_missing', 'email_address');
  });

  await t.test('POST /v1/email_addresses → 422 form_param_unknown for an unknown field', async () => {
    const user = await createTestUser(ctx);
    const res = await create(ctx, { user_id: user.id, email_address: uniqueEmail(), reserved_for_second_factor: true });
    assertError(res, 422, 'form_param_unknown', 'reserved_for_second_factor');
  });

  // GET

  await t.test('GET /v1/email_addresses/{id} → 200 the email address', async () => {
    const user = await createTestUser(ctx);
    const res = await call(ctx, 'GET', `/v1/email_addresses/${user.primary_email_address_id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, user.email_addresses[0]);
    assert.deepEqual(res.body.verification, ADMIN_VERIFICATION);
  });

  await t.test('GET /v1/email_addresses/{id} → 404 resource_not_found for an unknown id', async () => {
    assertError(await call(ctx, 'GET', `/v1/email_addresses/${UNKNOWN_EMAIL}`), 404, 'resource_not_found');
  });

  // PATCH

  await t.test('PATCH /v1/email_addresses/{id} → 200 verified:true gives an admin verification', async () => {
    const user = await createTestUser(ctx);
    const email = await add(ctx, user.id);
    const res = await call(ctx, 'PATCH', `/v1/email_addresses/${email.id}`, { verified: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.verification, ADMIN_VERIFICATION);
    assert.ok(res.body.updated_at >= email.updated_at);
    assert.deepEqual((await call(ctx, 'GET', `/v1/email_addresses/${email.id}`)).body.verification, ADMIN_VERIFICATION);
  });

  await t.test('PATCH /v1/email_addresses/{id} → 200 verified:false removes the verification', async () => {
    const user = await createTestUser(ctx);
    const email = await add(ctx, user.id, { verified: true });
    const res = await call(ctx, 'PATCH', `/v1/email_addresses/${email.id}`, { verified: false });
    assert.equal(res.status, 200);
    assert.equal(res.body.verification, null);
  });

  await t.test("PATCH /v1/email_addresses/{id} → 200 primary:true on a verified email sets the user's primary without reordering", async () => {
    const user = await createTestUser(ctx);
    const email = await add(ctx, user.id, { verified: true });
    const before = await get(ctx, user.id);
    const res = await call(ctx, 'PATCH', `/v1/email_addresses/${email.id}`, { primary: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const after = await get(ctx, user.id);
    assert.equal(after.primary_email_address_id, email.id);
    assert.deepEqual(after.email_addresses.map((e: { id: string }) => e.id), before.email_addresses.map((e: { id: string }) => e.id));
  });

  await t.test('PATCH /v1/email_addresses/{id} → 200 verified and primary together on an unverified email', async () => {
    const user = await createTestUser(ctx);
    const email = await add(ctx, user.id);
    const res = await call(ctx, 'PATCH', `/v1/email_addresses/${email.id}`, { verified: true, primary: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.verification, ADMIN_VERIFICATION);
    assert.equal((await get(ctx, user.id)).primary_email_address_id, email.id);
  });

  await t.test('PATCH /v1/email_addresses/{id} → 422 form_verification_needed for primary:true on an unverified email', async () => {
    const user = await createTestUser(ctx);
    const email = await add(ctx, user.id);
    const res = await call(ctx, 'PATCH', `/v1/email_addresses/${email.id}`, { primary: true });
    assertError(res, 422, 'form_verification_needed');
    assert.equal((await get(ctx, user.id)).primary_email_address_id, user.primary_email_address_id);
    assert.equal((await call(ctx, 'GET', `/v1/email_addresses/${email.id}`)).body.verification, null);
  });

  await t.test('PATCH /v1/email_addresses/{id} → 404 resource_not_found for an unknown id', async () => {
    assertError(await call(ctx, 'PATCH', `/v1/email_addresses/${UNKNOWN_EMAIL}`, { verified: true }), 404, 'resource_not_found');
  });

  await t.test('PATCH /v1/email_addresses/{id} → 422 form_param_unknown for a field it does not take', async () => {
    const user = await createTestUser(ctx);
    const res = await call(ctx, 'PATCH', `/v1/email_addresses/${user.primary_email_address_id}`, { email_address: uniqueEmail() });
    assertError(res, 422, 'form_param_unknown', 'email_address');
  });

  // DELETE

  await t.test('DELETE /v1/email_addresses/{id} → 200 deleted object; the email is gone from the user and free again', async () => {
    const user = await createTestUser(ctx);
    const email = await add(ctx, user.id, { verified: true });
    const res = await call(ctx, 'DELETE', `/v1/email_addresses/${email.id}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { object: 'email_address', id: email.id, deleted: true });
    assertError(await call(ctx, 'GET', `/v1/email_addresses/${email.id}`), 404, 'resource_not_found');
    const owner = await get(ctx, user.id);
    assert.deepEqual(owner.email_addresses.map((e: { id: string }) => e.id), [user.primary_email_address_id]);
    assert.equal(owner.primary_email_address_id, user.primary_email_address_id);
    const other = await createTestUser(ctx);
    assert.equal((await create(ctx, { user_id: other.id, email_address: email.email_address })).status, 200);
  });

  await t.test('DELETE /v1/email_addresses/{id} → 200 accepts an empty JSON body, as @clerk/backend sends it', async () => {
    const user = await createTestUser(ctx);
    const email = await add(ctx, user.id);
    const res = await ctx.app.inject({
      method: 'DELETE',
      url: `/v1/email_addresses/${email.id}`,
      headers: { ...ctx.auth, 'content-type': 'application/json' },
      payload: '',
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(JSON.parse(res.body).deleted, true);
  });

  await t.test('DELETE /v1/email_addresses/{id} → 200 deleting the primary picks another verified email', async () => {
    const user = await createTestUser(ctx);
    const unverified = await add(ctx, user.id);
    const verified = await add(ctx, user.id, { verified: true });
    const res = await call(ctx, 'DELETE', `/v1/email_addresses/${user.primary_email_address_id}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const owner = await get(ctx, user.id);
    assert.equal(owner.primary_email_address_id, verified.id);
    assert.notEqual(owner.primary_email_address_id, unverified.id);
  });

  await t.test('DELETE /v1/email_addresses/{id} → 200 deleting the primary leaves null when no verified email remains', async () => {
    const user = await createTestUser(ctx);
    const unverified = await add(ctx, user.id);
    const res = await call(ctx, 'DELETE', `/v1/email_addresses/${user.primary_email_address_id}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const owner = await get(ctx, user.id);
    assert.equal(owner.primary_email_address_id, null);
    assert.deepEqual(owner.email_addresses.map((e: { id: string }) => e.id), [unverified.id]);
  });

  await t.test("DELETE /v1/email_addresses/{id} → 200 deleting a non-primary email keeps the user's primary", async () => {
    const user = await createTestUser(ctx);
    const extra = await add(ctx, user.id, { verified: true });
    assert.equal((await call(ctx, 'DELETE', `/v1/email_addresses/${extra.id}`)).status, 200);
    assert.equal((await get(ctx, user.id)).primary_email_address_id, user.primary_email_address_id);
  });

  await t.test("DELETE /v1/email_addresses/{id} → 400 identification_deletion_failed for the user's last identification", async () => {
    const user = await createTestUser(ctx);
    const res = await call(ctx, 'DELETE', `/v1/email_addresses/${user.primary_email_address_id}`);
    assertError(res, 400, 'identification_deletion_failed');
    assert.equal(res.body.errors[0].long_message, 'You cannot delete your last identification.');
    const owner = await get(ctx, user.id);
    assert.equal(owner.primary_email_address_id, user.primary_email_address_id);
    assert.equal(owner.email_addresses.length, 1);
  });

  await t.test('DELETE /v1/email_addresses/{id} → 200 for the only email when a username remains', async () => {
    const user = await createTestUser(ctx, { username: `keeper_${randomBytes(4).toString('hex')}` });
    const res = await call(ctx, 'DELETE', `/v1/email_addresses/${user.primary_email_address_id}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const owner = await get(ctx, user.id);
    assert.equal(owner.primary_email_address_id, null);
    assert.deepEqual(owner.email_addresses, []);
  });

  await t.test('DELETE /v1/email_addresses/{id} → 404 resource_not_found for an unknown id', async () => {
    assertError(await call(ctx, 'DELETE', `/v1/email_addresses/${UNKNOWN_EMAIL}`), 404, 'resource_not_found');
  });
});
