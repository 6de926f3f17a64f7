import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { buildTestApp, createTestUser } from '../helper.js';

// Every response carries the security headers (README, "Security"), errors and unknown routes included.

test('security headers on every response', async (t) => {
  const ctx = await buildTestApp(t);
  const user = await createTestUser(ctx);
  const json = { ...ctx.auth, 'content-type': 'application/json' };
  const cases: [string, InjectOptions, number][] = [
    ['200 GET /v1/users/{id}', { method: 'GET', url: `/v1/users/${user.id}`, headers: ctx.auth }, 200],
    ['200 /healthz', { method: 'GET', url: '/healthz' }, 200],
    ['401 no key', { method: 'GET', url: '/v1/users' }, 401],
    ['404 unknown route', { method: 'GET', url: '/nope', headers: ctx.auth }, 404],
    ['404 unknown user', { method: 'GET', url: '/v1/users/user_missing', headers: ctx.auth }, 404],
    ['400 bad JSON', { method: 'POST', url: '/v1/users', headers: json, payload: '{' }, 400],
    ['415 text body', { method: 'POST', url: '/v1/users', headers: { ...ctx.auth, 'content-type': 'text/plain' }, payload: 'x' }, 415],
    ['422 validation', { method: 'POST', url: '/v1/users', headers: json, payload: '{"first_name":5}' }, 422],
  ];
  for (const [name, options, status] of cases) {
    await t.test(`${name} → nosniff, no-store, no-referrer`, async () => {
      const res = await ctx.app.inject(options);
      assert.equal(res.statusCode, status, res.body);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
      assert.equal(res.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'");
    });
  }
});
