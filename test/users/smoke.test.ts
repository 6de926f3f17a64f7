import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp, call, createTestUser } from '../helper.js';

test('POST /v1/users → 200 with a user, GET returns it', async (t) => {
  const ctx = await buildTestApp(t);
  const user = await createTestUser(ctx, { first_name: 'Ada' });
  assert.equal(user.object, 'user');
  const got = await call(ctx, 'GET', `/v1/users/${user.id}`);
  assert.equal(got.status, 200);
  assert.equal(got.body.first_name, 'Ada');
  assert.equal(got.headers['content-type'], 'application/json');
});
