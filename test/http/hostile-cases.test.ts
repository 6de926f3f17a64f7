import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { deepMerge, type JsonObject } from '../../src/lib/deep-merge.js';
import { findUnsafeValue } from '../../src/lib/json-inspect.js';
import { assertError, assertErrorEnvelope, buildTestApp, call, createTestUser, type TestApp } from '../helper.js';

// Each kind of hostile input by name (the property test in hostile-input.test.ts throws generated ones at
// every route): a 4xx Clerk envelope naming the parameter, never a 500, never a silent U+FFFD.

async function send(ctx: TestApp, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: string | Buffer) {
  const res = await ctx.app.inject({
    method,
    url,
    headers: { ...ctx.auth, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(payload !== undefined ? { payload } : {}),
  });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
}

test('hostile input', async (t) => {
  const ctx = await buildTestApp(t);
  const user = await createTestUser(ctx, { first_name: 'Before' });
  const patch = (payload: string | Buffer) => send(ctx, 'PATCH', `/v1/users/${user.id}`, payload);

  await t.test('NUL in a body field, a metadata key, a metadata value → 422 naming the parameter', async () => {
    assertError(await patch('{"first_name":"a\\u0000b"}'), 422, 'form_param_format_invalid', 'first_name');
    assertError(await patch('{"public_metadata":{"k\\u0000":1}}'), 422, 'form_param_format_invalid', 'public_metadata');
    assertError(await patch('{"private_metadata":{"k":["ok","v\\u0000"]}}'), 422, 'form_param_format_invalid', 'private_metadata');
    assertError(await send(ctx, 'POST', '/v1/users', '{"email_address":["a\\u0000@example.com"]}'), 422, 'form_param_format_invalid', 'email_address');
  });

  await t.test('NUL in a query string or a path id → 422 naming the parameter', async () => {
    assertError(await call(ctx, 'GET', '/v1/users?email_address=a%00b'), 422, 'form_param_value_invalid', 'email_address');
    assertError(await call(ctx, 'GET', '/v1/users?query=%00'), 422, 'form_param_value_invalid', 'query');
    assertError(await call(ctx, 'GET', '/v1/users/user_%00x'), 422, 'form_param_value_invalid', 'user_id');
    assertError(await call(ctx, 'POST', '/v1/users/%00/ban'), 422, 'form_param_value_invalid', 'user_id');
  });

  await t.test('a lone surrogate in a body field or a metadata key → 422, nothing stored as U+FFFD', async () => {
    assertError(await patch('{"first_name":"a\\ud800b"}'), 422, 'form_param_format_invalid', 'first_name');
    assertError(await patch('{"unsafe_metadata":{"\\udfff":1}}'), 422, 'form_param_format_invalid', 'unsafe_metadata');
    assertError(await call(ctx, 'GET', '/v1/users?username=%ED%A0%80'), 422, 'form_param_value_invalid', 'username');
    assert.equal((await call(ctx, 'GET', `/v1/users/${user.id}`)).body.first_name, 'Before');
  });

  await t.test('invalid UTF-8 in a body or a query string → 4xx naming the parameter, nothing stored as U+FFFD', async () => {
    const bytes = Buffer.concat([Buffer.from('{"last_name":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('b"}')]);
    assertError(await patch(bytes), 422, 'form_param_format_invalid', 'last_name');
    assertError(await patch(Buffer.from([0x7b, 0xff, 0x7d])), 400, 'request_body_invalid');
    assertError(await call(ctx, 'GET', '/v1/users?email_address=%FF'), 422, 'form_param_value_invalid', 'email_address');
    assertError(await call(ctx, 'GET', '/v1/users?last_name=%C3%28'), 422, 'form_param_value_invalid', 'last_name');
    assert.equal((await call(ctx, 'GET', `/v1/users/${user.id}`)).body.last_name, null);
  });

  await t.test('an undecodable path id → 404 in the envelope (no id is spelt so)', async () => {
    assertError(await call(ctx, 'GET', '/v1/users/%FF'), 404, 'resource_not_found');
  });

  await t.test('metadata nested 50 000 levels deep → 422 naming it (no stack overflow in the merge or the encoder)', async () => {
    const deep = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
    assertError(await send(ctx, 'PATCH', `/v1/users/${user.id}/metadata`, `{"public_metadata":${deep}}`), 422, 'form_param_format_invalid', 'public_metadata');
    assertError(await patch(`{"private_metadata":${deep}}`), 422, 'form_param_format_invalid', 'private_metadata');
    // 100 levels is allowed, and merges.
    const ok = `${'{"a":'.repeat(99)}1${'}'.repeat(99)}`;
    const res = await send(ctx, 'PATCH', `/v1/users/${user.id}/metadata`, `{"public_metadata":${ok}}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
  });

  await t.test('integers beyond 64 bits (or 2^53) in offset, limit and the time filters → 422 naming each', async () => {
    const big = '99999999999999999999999';
    for (const param of ['offset', 'limit', 'created_at_before', 'created_at_after', 'last_active_at_since', 'last_active_at_before', 'last_active_at_after']) {
      assertError(await call(ctx, 'GET', `/v1/users?${param}=${big}`), 422, 'form_param_value_invalid', param);
    }
    assertError(await call(ctx, 'GET', '/v1/users?offset=1e400'), 422, 'form_param_value_invalid', 'offset');
    assertError(await call(ctx, 'GET', `/v1/users/count?created_at_after=-${big}`), 422, 'form_param_value_invalid', 'created_at_after');
    assertError(await call(ctx, 'GET', `/v1/sessions?offset=${big}`), 422, 'form_param_value_invalid', 'offset');
    assertError(await patch(`{"create_organizations_limit":${big}}`), 422, 'form_param_format_invalid', 'create_organizations_limit');
    assertError(await patch('{"public_metadata":{"n":1e400}}'), 422, 'form_param_format_invalid', 'public_metadata');
    assert.equal((await call(ctx, 'GET', '/v1/users?offset=9007199254740991')).status, 200, 'the largest exact integer is fine');
  });

  await t.test('a path parameter past maxParamLength → 414 in the envelope', async () => {
    const res = await call(ctx, 'GET', `/v1/users/${'a'.repeat(300)}`);
    assertError(res, 414, 'request_uri_too_long');
  });
});

test('414 and 431 from the HTTP parser come in the envelope, with the security headers', async (t) => {
  const ctx = await buildTestApp(t);
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = ctx.app.server.address() as AddressInfo;
  const rawRequest = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.end(text));
      let out = '';
      socket.on('data', (chunk) => (out += String(chunk)));
      socket.on('close', () => resolve(out));
      socket.on('error', reject);
    });
  const parse = (response: string) => {
    const [head, body] = response.split('\r\n\r\n');
    return { statusLine: head!.split('\r\n')[0], head: head!.toLowerCase(), body: JSON.parse(body!) };
  };

  await t.test('a URI longer than the header limit → 414 request_uri_too_long', async () => {
    const res = parse(await rawRequest(`GET /v1/users?q=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`));
    assert.equal(res.statusLine, 'HTTP/1.1 414 URI Too Long');
    assertErrorEnvelope(res.body);
    assert.equal(res.body.errors[0].code, 'request_uri_too_long');
    assert.match(res.head, /x-content-type-options: nosniff/);
    assert.match(res.head, /cache-control: no-store/);
  });

  await t.test('headers larger than the limit → 431 request_header_fields_too_large', async () => {
    const res = parse(await rawRequest(`GET /v1/users HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`));
    assert.equal(res.statusLine, 'HTTP/1.1 431 Request Header Fields Too Large');
    assertErrorEnvelope(res.body);
    assert.equal(res.body.errors[0].code, 'request_header_fields_too_large');
  });

  await t.test('a request that is not HTTP → 400 malformed_request', async () => {
    const res = parse(await rawRequest('NOT HTTP AT ALL\r\n\r\n'));
    assert.match(res.statusLine!, /^HTTP\/1.1 400 /);
    assert.equal(res.body.errors[0].code, 'malformed_request');
  });
});

test('deepMerge: 100 000 levels without a stack overflow; null deletes, arrays replace, inputs untouched', () => {
  let deep: JsonObject = { leaf: 1 };
  for (let i = 0; i < 100_000; i++) deep = { a: deep };
  const merged = deepMerge({ a: { keep: true } }, deep);
  assert.equal((merged.a as JsonObject).keep, true);
  const target = { x: { y: 1, z: [1, 2] }, gone: 'soon' };
  const out = deepMerge(target, { x: { z: [3], w: 2 }, gone: null });
  assert.deepEqual(out, { x: { y: 1, z: [3], w: 2 } });
  assert.deepEqual(target, { x: { y: 1, z: [1, 2] }, gone: 'soon' });
});

test('findUnsafeValue names the path and the reason', () => {
  assert.deepEqual(findUnsafeValue({ a: [1, { b: 'x\u0000' }] }), { path: ['a', '1', 'b'], reason: 'nul' });
  assert.deepEqual(findUnsafeValue({ ok: 'fine 😀', n: 1.5 }), undefined);
  assert.equal(findUnsafeValue({ k: '\udc00' })?.reason, 'lone_surrogate');
  assert.equal(findUnsafeValue({ k: Number.POSITIVE_INFINITY })?.reason, 'not_finite');
});
