import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertError, buildTestApp, call, createTestUser, type TestApp } from '../helper.js';

// /v1/phone_numbers: POST, GET, PATCH, DELETE, E.164, and reserved_for_second_factor.

type Response = Awaited<ReturnType<typeof call>>;


const ADMIN_VERIFICATION = { status: 'verified', strategy: 'admin', attempts: null, expire_at: null };
const UNKNOWN_USER = 'user_doesnotexist000000000000000';
const UNKNOWN_PHONE = 'idn_doesnotexist0000000000000';

let counter = 0;
const base = 2000 + Math.floor(Math.random() * 7000);
/** A unique, valid E.164 number. */
function uniquePhone(): string {
  counter += 1;
  return `+1${base}55${String(counter).padStart(4, '0')}`;
}

async function get(ctx: TestApp, id: string) {
  const res = await call(ctx, 'GET', `/v1/users/${id}`);
  assert.equal(res.status, 200);
  return res.body;
}
const create = (ctx: TestApp, body: Record<string, unknown>) => call(ctx, 'POST', '/v1/phone_numbers', body);
async function add(ctx: TestApp, userId: string, extra: Record<string, unknown> = {}) {
  const res = await create(ctx, { user_id: userId, phone_number: uniquePhone(), ...extra });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}
const update = (ctx: TestApp, id: string, body: Record<string, unknown>) => call(ctx, 'PATCH', `/v1/phone_numbers/${id}`, body);
const ids = (list: { id: string }[]) => list.map((x) => x.id);

test('/v1/phone_numbers', async (t) => {
  const ctx = await buildTestApp(t);

  // POST

  await t.test('POST /v1/phone_numbers → 200 unverified by default, with verification null and the phone object fields', async () => {
    const user = await createTestUser(ctx, { phone_number: [uniquePhone()] });
    const number = uniquePhone();
    const res = await create(ctx, { user_id: user.id, phone_number: number });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.object, 'phone_number');
    assert.match(res.body.id, /^idn_/);
    assert.equal(res.body.phone_number, number);
    assert.equal(res.body.verification, null);
    assert.equal(res.body.reserved_for_second_factor, false);
    assert.equal(res.body.default_second_factor, false);
    assert.equal(res.body.reserved, false);
    assert.deepEqual(res.body.linked_to, []);
    assert.equal(res.body.backup_codes, null);
    const owner = await get(ctx, user.id);
    assert.equal(owner.primary_phone_number_id, user.primary_phone_number_id);
    assert.equal(owner.phone_numbers[0].id, res.body.id, 'newest first');
  });

  await t.test('POST /v1/phone_numbers → 200 with verified:true carries an admin verification', async () => {
    const user = await createTestUser(ctx);
    const res = await create(ctx, { user_id: user.id, phone_number: uniquePhone(), verified: true });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.verification, ADMIN_VERIFICATION);
  });

  await t.test('POST /v1/phone_numbers → 200 the first verified phone of a user without one becomes primary', async () => {
    const user = await createTestUser(ctx);
    assert.equal(user.primary_phone_number_id, null);
    const first = await add(ctx, user.id, { verified: true });
    assert.equal((await get(ctx, user.id)).primary_phone_number_id, first.id);
    const second = await add(ctx, user.id, { verified: true });
    assert.equal((await get(ctx, user.id)).primary_phone_number_id, first.id, 'the second does not take over');
    assert.notEqual(second.id, first.id);
  });

  await t.test("POST /v1/phone_numbers → 200 with primary:true on a verified phone sets the user's primary", async () => {
    const user = await createTestUser(ctx, { phone_number: [uniquePhone()] });
    const res = await create(ctx, { user_id: user.id, phone_number: uniquePhone(), verified: true, primary: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((await get(ctx, user.id)).primary_phone_number_id, res.body.id);
  });

  await t.test('POST /v1/phone_numbers → 422 form_verification_needed for primary:true on an unverified phone', async () => {
    const user = await createTestUser(ctx, { phone_number: [uniquePhone()] });
    const res = await create(ctx, { user_id: user.id, phone_number: uniquePhone(), primary: true });
    assertError(res, 422, 'form_verification_needed');
    const owner = await get(ctx, user.id);
    assert.equal(owner.primary_phone_number_id, user.primary_phone_number_id);
    assert.equal(owner.phone_numbers.length, 1);
  });

  await t.test('POST /v1/phone_numbers → 422 form_param_format_invalid for a number that is not E.164', async () => {
    const user = await createTestUser(ctx);
    for (const bad of ['5555550100', '+1 555 555 0100', '+0155555501', '+1234567890123456', '+1-555-555-0100', 'phone', '+']) {
      const res = await create(ctx, { user_id: user.id, phone_number: bad });
      assertError(res, 422, 'form_param_format_invalid', 'phone_number');
      assert.equal(res.body.errors[0].long_message, 'phone_number must be a valid phone number according to E.164 international standard.');
    }
    assert.deepEqual((await get(ctx, user.id)).phone_numbers, []);
  });

  await t.test('POST /v1/phone_numbers → 422 form_identifier_exists for a taken number', async () => {
    const number = uniquePhone();
    const owner = await createTestUser(ctx, { phone_number: [number] });
    const user = await createTestUser(ctx);
    assertError(await create(ctx, { user_id: user.id, phone_number: number }), 422, 'form_identifier_exists', 'phone_number');
    assertError(await create(ctx, { user_id: owner.id, phone_number: number }), 422, 'form_identifier_exists', 'phone_number');
  });

  await t.test('POST /v1/phone_numbers → 404 resource_not_found for an unknown user', async () => {
    assertError(await create(ctx, { user_id: UNKNOWN_USER, phone_number: uniquePhone() }), 404, 'resource_not_found');
  });

  await t.test('POST /v1/phone_numbers → 422 form_param_missing without user_id or phone_number', async () => {
    assertError(await create(ctx, { phone_number: uniquePhone() }), 422, 'form_param_missing', 'user_id');
    const user = await createTestUser(ctx);
    assertError(await create(ctx, { user_id: user.id }), 422, 'form_param_missing', 'phone_number');
  });

  // reserved_for_second_factor

  await t.test('POST /v1/phone_numbers → 200 the first reserved_for_second_factor phone becomes default_second_factor and turns two_factor_enabled on', async () => {
    const user = await createTestUser(ctx);
    assert.equal(user.two_factor_enabled, false);
    const first = await add(ctx, user.id, { verified: true, reserved_for_second_factor: true });
    assert.equal(first.reserved_for_second_factor, true);
    assert.equal(first.default_second_factor, true);
    assert.equal((await get(ctx, user.id)).two_factor_enabled, true);

    const second = await add(ctx, user.id, { verified: true, reserved_for_second_factor: true });
    assert.equal(second.reserved_for_second_factor, true);
    assert.equal(second.default_second_factor, false, 'the user already has a default second factor');
    const owner = await get(ctx, user.id);
    const byId = new Map(owner.phone_numbers.map((p: { id: string; default_second_factor: boolean }) => [p.id, p.default_second_factor]));
    assert.equal(byId.get(first.id), true);
    assert.equal(byId.get(second.id), false);
  });

  await t.test('POST /v1/phone_numbers → 422 form_verification_needed for reserved_for_second_factor on an unverified phone', async () => {
    const user = await createTestUser(ctx);
    const res = await create(ctx, { user_id: user.id, phone_number: uniquePhone(), reserved_for_second_factor: true });
    assertError(res, 422, 'form_verification_needed', 'reserved_for_second_factor');
    const owner = await get(ctx, user.id);
    assert.deepEqual(owner.phone_numbers, []);
    assert.equal(owner.two_factor_enabled, false);
  });

  await t.test('PATCH /v1/phone_numbers/{id} → 200 reserved_for_second_factor on a verified phone makes it the default second factor', async () => {
    const user = await createTestUser(ctx);
    const phone = await add(ctx, user.id, { verified: true });
    assert.equal(phone.reserved_for_second_factor, false);
    const res = await update(ctx, phone.id, { reserved_for_second_factor: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.reserved_for_second_factor, true);
    assert.equal(res.body.default_second_factor, true);
    assert.equal((await get(ctx, user.id)).two_factor_enabled, true);

    const off = await update(ctx, phone.id, { reserved_for_second_factor: false });
    assert.equal(off.status, 200);
    assert.equal(off.body.reserved_for_second_factor, false);
    assert.equal(off.body.default_second_factor, false);
    assert.equal((await get(ctx, user.id)).two_factor_enabled, false);
  });

  await t.test('PATCH /v1/phone_numbers/{id} → 200 a second reserved phone does not take the default from the first', async () => {
    const user = await createTestUser(ctx);
    const first = await add(ctx, user.id, { verified: true, reserved_for_second_factor: true });
    const second = await add(ctx, user.id, { verified: true });
    const res = await update(ctx, second.id, { reserved_for_second_factor: true });
    assert.equal(res.status, 200);
    assert.equal(res.body.default_second_factor, false);
    assert.equal((await call(ctx, 'GET', `/v1/phone_numbers/${first.id}`)).body.default_second_factor, true);
  });

  await t.test('PATCH /v1/phone_numbers/{id} → 422 form_verification_needed for reserved_for_second_factor on an unverified phone', async () => {
    const user = await createTestUser(ctx);
    const phone = await add(ctx, user.id);
    const res = await update(ctx, phone.id, { reserved_for_second_factor: true });
    assertError(res, 422, 'form_verification_needed', 'reserved_for_second_factor');
    const after = await call(ctx, 'GET', `/v1/phone_numbers/${phone.id}`);
    assert.equal(after.body.reserved_for_second_factor, false);
    assert.equal((await get(ctx, user.id)).two_factor_enabled, false);
  });

  // GET

  await t.test('GET /v1/phone_numbers/{id} → 200 the phone number', async () => {
    const user = await createTestUser(ctx, { phone_number: [uniquePhone()] });
    const res = await call(ctx, 'GET', `/v1/phone_numbers/${user.primary_phone_number_id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, user.phone_numbers[0]);
    assert.deepEqual(res.body.verification, ADMIN_VERIFICATION);
  });

  await t.test('GET /v1/phone_numbers/{id} → 404 resource_not_found for an unknown id', async () => {
    assertError(await call(ctx, 'GET', `/v1/phone_numbers/${UNKNOWN_PHONE}`), 404, 'resource_not_found');
  });

  // PATCH

  await t.test('PATCH /v1/phone_numbers/{id} → 200 verified:true gives an admin verification', async () => {
    const user = await createTestUser(ctx);
    const phone = await add(ctx, user.id);
    const res = await update(ctx, phone.id, { verified: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.verification, ADMIN_VERIFICATION);
  });

  await t.test("PATCH /v1/phone_numbers/{id} → 200 primary:true on a verified phone sets the user's primary without reordering", async () => {
    const user = await createTestUser(ctx, { phone_number: [uniquePhone()] });
    const phone = await add(ctx, user.id, { verified: true });
    const before = await get(ctx, user.id);
    const res = await update(ctx, phone.id, { primary: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const after = await get(ctx, user.id);
    assert.equal(after.primary_phone_number_id, phone.id);
    assert.deepEqual(ids(after.phone_numbers), ids(before.phone_numbers));
  });

  await t.test('PATCH /v1/phone_numbers/{id} → 422 form_verification_needed for primary:true on an unverified phone', async () => {
    const user = await createTestUser(ctx, { phone_number: [uniquePhone()] });
    const phone = await add(ctx, user.id);
    const res = await update(ctx, phone.id, { primary: true });
    assertError(res, 422, 'form_verification_needed');
    assert.equal((await get(ctx, user.id)).primary_phone_number_id, user.primary_phone_number_id);
  });

  await t.test('PATCH /v1/phone_numbers/{id} → 404 resource_not_found for an unknown id', async () => {
    assertError(await update(ctx, UNKNOWN_PHONE, { verified: true }), 404, 'resource_not_found');
  });

  // DELETE

  await t.test('DELETE /v1/phone_numbers/{id} → 200 deleted object; the number is gone and free again', async () => {
    const user = await createTestUser(ctx);
    const phone = await add(ctx, user.id, { verified: true });
    const res = await call(ctx, 'DELETE', `/v1/phone_numbers/${phone.id}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { object: 'phone_number', id: phone.id, deleted: true });
    assertError(await call(ctx, 'GET', `/v1/phone_numbers/${phone.id}`), 404, 'resource_not_found');
    assert.deepEqual((await get(ctx, user.id)).phone_numbers, []);
    const other = await createTestUser(ctx);
    assert.equal((await create(ctx, { user_id: other.id, phone_number: phone.phone_number })).status, 200);
  });

  await t.test('DELETE /v1/phone_numbers/{id} → 200 deleting the primary picks another verified phone, or null', async () => {
    const user = await createTestUser(ctx, { phone_number: [uniquePhone()] });
    const unverified = await add(ctx, user.id);
    const verified = await add(ctx, user.id, { verified: true });
    assert.equal((await call(ctx, 'DELETE', `/v1/phone_numbers/${user.primary_phone_number_id}`)).status, 200);
    assert.equal((await get(ctx, user.id)).primary_phone_number_id, verified.id);
    assert.equal((await call(ctx, 'DELETE', `/v1/phone_numbers/${verified.id}`)).status, 200);
    const owner = await get(ctx, user.id);
    assert.equal(owner.primary_phone_number_id, null);
    assert.deepEqual(ids(owner.phone_numbers), [unverified.id]);
  });

  await t.test('DELETE /v1/phone_numbers/{id} → 200 deleting the reserved second factor turns two_factor_enabled off', async () => {
    const user = await createTestUser(ctx);
    const phone = await add(ctx, user.id, { verified: true, reserved_for_second_factor: true });
    assert.equal((await get(ctx, user.id)).two_factor_enabled, true);
    assert.equal((await call(ctx, 'DELETE', `/v1/phone_numbers/${phone.id}`)).status, 200);
    assert.equal((await get(ctx, user.id)).two_factor_enabled, false);
  });

  await t.test("DELETE /v1/phone_numbers/{id} → 400 identification_deletion_failed for the user's last identification", async () => {
    const user = await createTestUser(ctx, { email_address: [], phone_number: [uniquePhone()] });
    const res = await call(ctx, 'DELETE', `/v1/phone_numbers/${user.primary_phone_number_id}`);
    assertError(res, 400, 'identification_deletion_failed');
    const owner = await get(ctx, user.id);
    assert.equal(owner.primary_phone_number_id, user.primary_phone_number_id);
    assert.equal(owner.phone_numbers.length, 1);
  });

  await t.test('DELETE /v1/phone_numbers/{id} → 404 resource_not_found for an unknown id', async () => {
    assertError(await call(ctx, 'DELETE', `/v1/phone_numbers/${UNKNOWN_PHONE}`), 404, 'resource_not_found');
  });
});
