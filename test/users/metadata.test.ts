import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertError, buildTestApp, call, createTestUser, type TestApp } from '../helper.js';

// PATCH /v1/users/{id}/metadata deep-merges (null deletes at any depth, arrays replace);
// PUT /v1/users/{id}/metadata replaces each object given and leaves the others.

type Response = Awaited<ReturnType<typeof call>>;


const merge = (ctx: TestApp, id: string, body: unknown) => call(ctx, 'PATCH', `/v1/users/${id}/metadata`, body);
const replace = (ctx: TestApp, id: string, body: unknown) => call(ctx, 'PUT', `/v1/users/${id}/metadata`, body);
async function get(ctx: TestApp, id: string) {
  const res = await call(ctx, 'GET', `/v1/users/${id}`);
  assert.equal(res.status, 200);
  return res.body;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('/v1/users/{id}/metadata', async (t) => {
  const ctx = await buildTestApp(t);

  await t.test('PATCH /v1/users/{id}/metadata → 200 deep-merges nested objects into each metadata field', async () => {
    const user = await createTestUser(ctx, {
      public_metadata: { plan: 'free', prefs: { theme: 'dark', lang: 'en' } },
      private_metadata: { crm: { id: 7 } },
      unsafe_metadata: { onboarding: { step: 1 } },
    });
    const res = await merge(ctx, user.id, {
      public_metadata: { prefs: { lang: 'fr', font: 'serif' }, seats: 3 },
      private_metadata: { crm: { owner: 'ops' } },
      unsafe_metadata: { onboarding: { step: 2, done: false } },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.public_metadata, { plan: 'free', prefs: { theme: 'dark', lang: 'fr', font: 'serif' }, seats: 3 });
    assert.deepEqual(res.body.private_metadata, { crm: { id: 7, owner: 'ops' } });
    assert.deepEqual(res.body.unsafe_metadata, { onboarding: { step: 2, done: false } });
    const got = await get(ctx, user.id);
    assert.deepEqual(got.public_metadata, res.body.public_metadata);
    assert.deepEqual(got.private_metadata, res.body.private_metadata);
  });

  await t.test('PATCH /v1/users/{id}/metadata → 200 leaves metadata fields that are not given untouched', async () => {
    const user = await createTestUser(ctx, { public_metadata: { a: 1 }, private_metadata: { b: 2 }, unsafe_metadata: { c: 3 } });
    const res = await merge(ctx, user.id, { private_metadata: { d: 4 } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.public_metadata, { a: 1 });
    assert.deepEqual(res.body.private_metadata, { b: 2, d: 4 });
    assert.deepEqual(res.body.unsafe_metadata, { c: 3 });
  });

  await t.test('PATCH /v1/users/{id}/metadata → 200 null removes a key at the top level and at any depth', async () => {
    const user = await createTestUser(ctx, {
      public_metadata: { gone: true, kept: true, deep: { a: { b: 1, c: 2 }, d: 3 } },
    });
    const res = await merge(ctx, user.id, { public_metadata: { gone: null, deep: { a: { b: null } }, never_there: null } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.public_metadata, { kept: true, deep: { a: { c: 2 }, d: 3 } });
    assert.ok(!('never_there' in res.body.public_metadata), 'a null for a missing key does not create it');
  });

  await t.test('PATCH /v1/users/{id}/metadata → 200 replaces arrays instead of merging them', async () => {
    const user = await createTestUser(ctx, { public_metadata: { roles: ['admin', 'editor', 'viewer'], nested: { list: [{ x: 1 }, { y: 2 }] } } });
    const res = await merge(ctx, user.id, { public_metadata: { roles: ['viewer'], nested: { list: [{ z: 3 }] } } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.public_metadata, { roles: ['viewer'], nested: { list: [{ z: 3 }] } });
  });

  await t.test('PATCH /v1/users/{id}/metadata → 200 a scalar replaces an object and an object replaces a scalar', async () => {
    const user = await createTestUser(ctx, { public_metadata: { a: { nested: true }, b: 'text' } });
    const res = await merge(ctx, user.id, { public_metadata: { a: 5, b: { now: 'object' } } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.public_metadata, { a: 5, b: { now: 'object' } });
  });

  await t.test('PATCH /v1/users/{id}/metadata → 200 keeps keys exactly as sent (camelCase, nested, odd characters)', async () => {
    const user = await createTestUser(ctx);
    const given = {
      stripeCustomerId: 'cus_123',
      featureFlags: { betaAccess: true, UPPER_CASE: 1, 'with space': 2, 'kebab-key': 3, 'dotted.key': 4 },
      ünïcødé: 'ok',
    };
    const res = await merge(ctx, user.id, { unsafe_metadata: given });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.unsafe_metadata, given);
    // Names are kept exactly (no snake_casing); order is not, as jsonb and Clerk's Go maps don't keep it.
    assert.deepEqual(Object.keys(res.body.unsafe_metadata.featureFlags).sort(), Object.keys(given.featureFlags).sort());
    assert.ok('stripeCustomerId' in res.body.unsafe_metadata && !('stripe_customer_id' in res.body.unsafe_metadata));
    assert.deepEqual((await get(ctx, user.id)).unsafe_metadata, given);
  });

  await t.test('PATCH /v1/users/{id}/metadata → 200 keeps value types (numbers, booleans, null-free nesting, strings)', async () => {
    const user = await createTestUser(ctx);
    const given = { int: 42, float: 1.5, neg: -3, yes: true, no: false, empty: {}, emptyList: [], str: '0', big: 9007199254740991 };
    const res = await merge(ctx, user.id, { private_metadata: given });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.private_metadata, given);
  });

  await t.test('PATCH /v1/users/{id}/metadata → 200 with an empty body {} changes nothing', async () => {
    const user = await createTestUser(ctx, { public_metadata: { a: 1 }, private_metadata: { b: 2 }, unsafe_metadata: { c: 3 } });
    const before = await get(ctx, user.id);
    await sleep(5);
    const res = await merge(ctx, user.id, {});
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.public_metadata, { a: 1 });
    assert.deepEqual(res.body.private_metadata, { b: 2 });
    assert.deepEqual(res.body.unsafe_metadata, { c: 3 });
    assert.deepEqual(await get(ctx, user.id), before);
  });

  await t.test('PATCH /v1/users/{id}/metadata → 422 form_param_exceeds_allowed_size when the merged result passes 8 KB', async () => {
    const user = await createTestUser(ctx, { public_metadata: { first: 'a'.repeat(5000) } });
    const before = await get(ctx, user.id);
    // Each half is under 8 KB; together they are over.
    const res = await merge(ctx, user.id, { public_metadata: { second: 'b'.repeat(5000) } });
    assertError(res, 422, 'form_param_exceeds_allowed_size', 'public_metadata');
    assert.match(res.body.errors[0].message, /8192 bytes \(8 KB\)/);
    assert.deepEqual(await get(ctx, user.id), before);

    // Removing a key in the same request brings it back under the limit.
    const swap = await merge(ctx, user.id, { public_metadata: { first: null, second: 'b'.repeat(5000) } });
    assert.equal(swap.status, 200, JSON.stringify(swap.body));
    assert.deepEqual(Object.keys(swap.body.public_metadata), ['second']);
  });

  await t.test('PATCH /v1/users/{id}/metadata → 422 over 8 KB in one field changes no other field', async () => {
    const user = await createTestUser(ctx, { private_metadata: { p: 1 } });
    const res = await merge(ctx, user.id, { private_metadata: { q: 2 }, unsafe_metadata: { big: 'x'.repeat(8200) } });
    assertError(res, 422, 'form_param_exceeds_allowed_size', 'unsafe_metadata');
    assert.deepEqual((await get(ctx, user.id)).private_metadata, { p: 1 });
  });

  await t.test('PATCH /v1/users/{id}/metadata → 200 for a merged result just under 8 KB', async () => {
    const user = await createTestUser(ctx);
    // {"k":"…"} is 8 bytes of framing.
    const res = await merge(ctx, user.id, { public_metadata: { k: 'x'.repeat(8192 - 8) } });
    assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 300));
    const over = await merge(ctx, user.id, { public_metadata: { k: 'x'.repeat(8192 - 7) } });
    assertError(over, 422, 'form_param_exceeds_allowed_size', 'public_metadata');
  });

  await t.test('PATCH /v1/users/{id}/metadata → 422 when a metadata field is not an object', async () => {
    const user = await createTestUser(ctx);
    for (const value of ['text', [1, 2], 5]) {
      const res = await merge(ctx, user.id, { public_metadata: value });
      assert.equal(res.status, 422, JSON.stringify(res.body));
      assert.equal(res.body.errors[0].meta?.param_name, 'public_metadata');
    }
  });

  await t.test('PATCH /v1/users/{id}/metadata → 422 form_param_unknown for another field', async () => {
    const user = await createTestUser(ctx);
    const res = await merge(ctx, user.id, { first_name: 'Nope', public_metadata: { a: 1 } });
    assertError(res, 422, 'form_param_unknown', 'first_name');
    const got = await get(ctx, user.id);
    assert.equal(got.first_name, null);
    assert.deepEqual(got.public_metadata, {});
  });

  await t.test('PATCH /v1/users/{id}/metadata → 404 resource_not_found for an unknown user', async () => {
    const res = await merge(ctx, 'user_doesnotexist000000000000000', { public_metadata: { a: 1 } });
    assertError(res, 404, 'resource_not_found');
  });

  await t.test('PUT /v1/users/{id}/metadata → 200 replaces each given object and leaves absent ones', async () => {
    const user = await createTestUser(ctx, {
      public_metadata: { a: 1, nested: { keep: true } },
      private_metadata: { b: 2 },
      unsafe_metadata: { c: 3 },
    });
    const res = await replace(ctx, user.id, { public_metadata: { nested: { fresh: true } }, private_metadata: {} });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.public_metadata, { nested: { fresh: true } });
    assert.deepEqual(res.body.private_metadata, {});
    assert.deepEqual(res.body.unsafe_metadata, { c: 3 });
    assert.deepEqual((await get(ctx, user.id)).public_metadata, { nested: { fresh: true } });
  });

  await t.test('PUT /v1/users/{id}/metadata → 200 with an empty body {} changes nothing', async () => {
    const user = await createTestUser(ctx, { public_metadata: { a: 1 }, private_metadata: { b: 2 } });
    const before = await get(ctx, user.id);
    await sleep(5);
    const res = await replace(ctx, user.id, {});
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(await get(ctx, user.id), before);
  });

  await t.test('PUT /v1/users/{id}/metadata → 200 with null resets that object to {}', async () => {
    const user = await createTestUser(ctx, { public_metadata: { a: 1 }, unsafe_metadata: { c: 3 } });
    const res = await replace(ctx, user.id, { public_metadata: null });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.public_metadata, {});
    assert.deepEqual(res.body.unsafe_metadata, { c: 3 });
  });

  await t.test('PUT /v1/users/{id}/metadata → 422 form_param_exceeds_allowed_size over 8 KB; 404 for an unknown user', async () => {
    const user = await createTestUser(ctx, { public_metadata: { a: 1 } });
    const res = await replace(ctx, user.id, { public_metadata: { big: 'x'.repeat(8200) } });
    assertError(res, 422, 'form_param_exceeds_allowed_size', 'public_metadata');
    assert.deepEqual((await get(ctx, user.id)).public_metadata, { a: 1 });
    assertError(await replace(ctx, 'user_doesnotexist000000000000000', { public_metadata: {} }), 404, 'resource_not_found');
  });
});
