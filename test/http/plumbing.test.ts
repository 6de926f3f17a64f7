import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { buildApp } from '../../src/app.js';
import { assertErrorEnvelope, SECRET_KEY, buildTestApp, call, createTestUser, uniqueEmail, type TestApp } from '../helper.js';

// The HTTP contract every endpoint shares: secret-key auth, JSON in and out exactly as @clerk/backend
// needs it (it parses a body only when Content-Type is exactly application/json), and Clerk's error envelope.



async function raw(ctx: TestApp, options: InjectOptions) {
  const response = await ctx.app.inject(options);
  return {
    status: response.statusCode,
    headers: response.headers,
    text: response.body,
    body: response.body ? JSON.parse(response.body) : undefined,
  };
}

/** Clerk's envelope and nothing else, with `code` first. */
function assertEnvelope(body: any, code: string) {
  assertErrorEnvelope(body);
  assert.equal(body.errors[0].code, code);
}

test('HTTP plumbing', async (t) => {
  const ctx = await buildTestApp(t);
  const user = await createTestUser(ctx, { first_name: 'Plumb' });

  await t.test('GET /v1/users without Authorization → 401 clerk_key_invalid', async () => {
    const res = await raw(ctx, { method: 'GET', url: '/v1/users' });
    assert.equal(res.status, 401);
    assertEnvelope(res.body, 'clerk_key_invalid');
  });

  await t.test('GET /v1/users with an unknown Bearer key → 401 clerk_key_invalid', async () => {
    const res = await raw(ctx, { method: 'GET', url: '/v1/users', headers: { authorization: `Bearer ${SECRET_KEY}x` } });
    assert.equal(res.status, 401);
    assertEnvelope(res.body, 'clerk_key_invalid');
  });

  await t.test('GET /v1/users with "Authorization: Basic x" → 401 authorization_header_format_invalid', async () => {
    const res = await raw(ctx, { method: 'GET', url: '/v1/users', headers: { authorization: 'Basic x' } });
    assert.equal(res.status, 401);
    assertEnvelope(res.body, 'authorization_header_format_invalid');
  });

  await t.test('an auth failure on a route with a body does not run the handler', async () => {
    const email = uniqueEmail('noauth');
    const res = await raw(ctx, {
      method: 'POST',
      url: '/v1/users',
      headers: { authorization: 'Bearer sk_test_wrong_key_0000000000', 'content-type': 'application/json' },
      payload: JSON.stringify({ email_address: [email] }),
    });
    assert.equal(res.status, 401);
    const list = await call(ctx, 'GET', `/v1/users?email_address=${encodeURIComponent(email)}`);
    assert.deepEqual(list.body, []);
  });

  await t.test('Clerk-API-Version: 2026-05-12 is accepted and ignored (a 2025-03-12 metadata PATCH still works)', async () => {
    const res = await raw(ctx, {
      method: 'PATCH',
      url: `/v1/users/${user.id}`,
      headers: { ...ctx.auth, 'clerk-api-version': '2026-05-12', 'content-type': 'application/json' },
      payload: JSON.stringify({ public_metadata: { plan: 'pro' }, last_name: 'Versioned' }),
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.public_metadata, { plan: 'pro' });
    assert.equal(res.body.last_name, 'Versioned');
    const get = await raw(ctx, { method: 'GET', url: `/v1/users/${user.id}`, headers: { ...ctx.auth, 'clerk-api-version': '2026-05-12' } });
    assert.equal(get.status, 200);
  });

  await t.test('Content-Type is exactly application/json (no charset) on 200, 401, 404 and 422', async () => {
    const ok = await raw(ctx, { method: 'GET', url: `/v1/users/${user.id}`, headers: ctx.auth });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['content-type'], 'application/json');

    const list = await raw(ctx, { method: 'GET', url: '/v1/users', headers: ctx.auth });
    assert.equal(list.status, 200);
    assert.equal(list.headers['content-type'], 'application/json');

    const unauthorized = await raw(ctx, { method: 'GET', url: '/v1/users' });
    assert.equal(unauthorized.status, 401);
    assert.equal(unauthorized.headers['content-type'], 'application/json');

    const missing = await raw(ctx, { method: 'GET', url: '/v1/users/user_missing', headers: ctx.auth });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['content-type'], 'application/json');

    const invalid = await raw(ctx, {
      method: 'POST',
      url: '/v1/users',
      headers: { ...ctx.auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ email_address: ['not-an-email'] }),
    });
    assert.equal(invalid.status, 422);
    assert.equal(invalid.headers['content-type'], 'application/json');
  });

  await t.test('POST /v1/users/{id}/ban with Content-Type: application/json and an empty body → 200', async () => {
    const target = await createTestUser(ctx);
    const res = await raw(ctx, {
      method: 'POST',
      url: `/v1/users/${target.id}/ban`,
      headers: { ...ctx.auth, 'content-type': 'application/json' },
      payload: '',
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.banned, true);
  });

  await t.test('DELETE /v1/users/{id} with Content-Type: application/json and an empty body → 200 deleted', async () => {
    const target = await createTestUser(ctx);
    const res = await raw(ctx, {
      method: 'DELETE',
      url: `/v1/users/${target.id}`,
      headers: { ...ctx.auth, 'content-type': 'application/json' },
      payload: '',
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { object: 'user', id: target.id, deleted: true });
  });

  await t.test('POST /v1/users with malformed JSON → 400 request_body_invalid', async () => {
    const res = await raw(ctx, {
      method: 'POST',
      url: '/v1/users',
      headers: { ...ctx.auth, 'content-type': 'application/json' },
      payload: '{"email_address": [',
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers['content-type'], 'application/json');
    assertEnvelope(res.body, 'request_body_invalid');
  });

  await t.test('POST /v1/users with a text/plain body → 415 unsupported_content_type', async () => {
    const res = await raw(ctx, {
      method: 'POST',
      url: '/v1/users',
      headers: { ...ctx.auth, 'content-type': 'text/plain' },
      payload: JSON.stringify({ email_address: [uniqueEmail()] }),
    });
    assert.equal(res.status, 415, res.text);
    assertEnvelope(res.body, 'unsupported_content_type');
  });

  await t.test('POST /v1/users with a form-urlencoded body → 415 unsupported_content_type', async () => {
    const res = await raw(ctx, {
      method: 'POST',
      url: '/v1/users',
      headers: { ...ctx.auth, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'email_address=a%40example.com',
    });
    assert.equal(res.status, 415, res.text);
    assertEnvelope(res.body, 'unsupported_content_type');
  });

  await t.test('GET an unknown route → 404 resource_not_found envelope', async () => {
    const res = await raw(ctx, { method: 'GET', url: '/v1/no_such_thing?x=1', headers: ctx.auth });
    assert.equal(res.status, 404);
    assert.equal(res.headers['content-type'], 'application/json');
    assertEnvelope(res.body, 'resource_not_found');
    assert.equal('meta' in res.body.errors[0], false, 'resource_not_found carries no meta');
  });

  await t.test('GET /v1/users/{unknown} → 404 envelope naming the id, without meta', async () => {
    const res = await raw(ctx, { method: 'GET', url: '/v1/users/user_missing', headers: ctx.auth });
    assert.equal(res.status, 404);
    assertEnvelope(res.body, 'resource_not_found');
    assert.match(res.body.errors[0].long_message, /user_missing/);
    assert.equal('meta' in res.body.errors[0], false);
  });

  await t.test('422 envelope: form errors carry meta.param_name, and each response has a fresh trace id', async () => {
    const body = JSON.stringify({ email_address: ['not-an-email'] });
    const headers = { ...ctx.auth, 'content-type': 'application/json' };
    const a = await raw(ctx, { method: 'POST', url: '/v1/users', headers, payload: body });
    const b = await raw(ctx, { method: 'POST', url: '/v1/users', headers, payload: body });
    assert.equal(a.status, 422);
    assertEnvelope(a.body, 'form_param_format_invalid');
    assert.equal(a.body.errors[0].meta.param_name, 'email_address');
    assert.notEqual(a.body.clerk_trace_id, b.body.clerk_trace_id);
  });

  await t.test('POST /v1/users with a top-level __proto__ key → 400, and Object.prototype is untouched', async () => {
    const res = await raw(ctx, {
      method: 'POST',
      url: '/v1/users',
      headers: { ...ctx.auth, 'content-type': 'application/json' },
      payload: `{"email_address":["${uniqueEmail('proto')}"],"__proto__":{"polluted":"yes"}}`,
    });
    assert.equal(res.status, 400, res.text);
    assertEnvelope(res.body, 'request_body_invalid');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  await t.test('PATCH /v1/users/{id}/metadata with __proto__ nested in metadata → 400, the user unchanged', async () => {
    const before = await call(ctx, 'GET', `/v1/users/${user.id}`);
    const res = await raw(ctx, {
      method: 'PATCH',
      url: `/v1/users/${user.id}/metadata`,
      headers: { ...ctx.auth, 'content-type': 'application/json' },
      payload: '{"public_metadata":{"nested":{"__proto__":{"isAdmin":true}}}}',
    });
    assert.equal(res.status, 400, res.text);
    assertEnvelope(res.body, 'request_body_invalid');
    assert.equal(({} as Record<string, unknown>).isAdmin, undefined);
    const after = await call(ctx, 'GET', `/v1/users/${user.id}`);
    assert.deepEqual(after.body.public_metadata, before.body.public_metadata);
  });

  await t.test('POST /v1/users with constructor.prototype in a body → 400', async () => {
    const res = await raw(ctx, {
      method: 'POST',
      url: '/v1/users',
      headers: { ...ctx.auth, 'content-type': 'application/json' },
      payload: `{"email_address":["${uniqueEmail('ctor')}"],"public_metadata":{"constructor":{"prototype":{"bad":1}}}}`,
    });
    assert.equal(res.status, 400, res.text);
    assertEnvelope(res.body, 'request_body_invalid');
  });

  await t.test('GET /healthz and /readyz → 200 without a secret key', async () => {
    for (const url of ['/healthz', '/readyz']) {
      const res = await raw(ctx, { method: 'GET', url });
      assert.equal(res.status, 200, url);
      assert.deepEqual(res.body, { status: 'ok' });
      assert.equal(res.headers['content-type'], 'application/json');
    }
  });

  await t.test('a plain Error thrown by a route → 500 internal_clerk_error, generic message, cause not leaked', async (t) => {
    const app = await buildApp(ctx.deps, { logger: false });
    t.after(() => app.close());
    app.get('/boom', async () => {
      throw new Error('db password is hunter2 at /srv/secret');
    });
    app.get('/boom-typed', async () => {
      throw new TypeError('cannot read secret_column of undefined');
    });
    const res = await app.inject({ method: 'GET', url: '/boom' });
    assert.equal(res.statusCode, 500);
    assert.equal(res.headers['content-type'], 'application/json');
    const body = JSON.parse(res.body);
    assertEnvelope(body, 'internal_clerk_error');
    assert.equal(body.errors.length, 1);
    assert.doesNotMatch(res.body, /hunter2|\/srv\/secret|db password/);
    assert.doesNotMatch(res.body, /stack|at Object\./i);

    const typed = await app.inject({ method: 'GET', url: '/boom-typed' });
    assert.equal(typed.statusCode, 500);
    assert.equal(JSON.parse(typed.body).errors[0].code, 'internal_clerk_error');
    assert.doesNotMatch(typed.body, /secret_column/);
  });
});
