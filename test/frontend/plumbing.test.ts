import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getCookieSuffix, parsePublishableKey } from '@clerk/shared/keys';
import { loadConfig } from '../../src/config.js';
import { buildFrontendApp } from '../../src/frontend/app.js';
import { cookieSuffix, publishableKey, publishableKeyUsable } from '../../src/frontend/publishable-key.js';
import { assertError, call } from '../helper.js';
import { APP_ORIGIN, Browser, buildFrontendTestApp, createUserWithPassword, formBody } from './support.js';

// The Frontend API's own plumbing: its listener apart from the Backend API's, clerk-js's transport
// (form bodies, `_method`, its query parameters), credentialed CORS and the origin check, the ways a
// client is carried (cookie, native header, development browser), and the publishable key.

test('Frontend API plumbing', async (t) => {
  const ctx = await buildFrontendTestApp(t);

  await t.test('the Backend API is not reachable on the Frontend API listener, nor the other way round', async () => {
    for (const url of ['/v1/users', '/v1/jwks', '/v1/sessions', '/v1/gatehouse/settings']) {
      const res = await ctx.fapi.inject({ method: 'GET', url, headers: ctx.auth });
      assertError({ status: res.statusCode, body: res.json() }, 404, 'resource_not_found');
    }
    for (const url of ['/v1/environment', '/v1/client', '/v1/me']) {
      const res = await call(ctx, 'GET', url);
      assertError(res, 404, 'resource_not_found');
    }
    const signIn = await call(ctx, 'POST', '/v1/client/sign_ins', { identifier: 'x@example.com' });
    assertError(signIn, 404, 'resource_not_found');
  });

  await t.test('GET /v1/client without a client → 200 { response: null, client: null }, no cookie issued', async () => {
    const browser = new Browser(ctx);
    const res = await browser.request('GET', '/v1/client');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { response: null, client: null });
    assert.equal(browser.cookies.has('__client'), false);
  });

  await t.test('credentialed CORS: an allowed origin is echoed with credentials; another gets no grant', async () => {
    const allowed = await ctx.fapi.inject({ method: 'GET', url: '/v1/environment', headers: { origin: APP_ORIGIN } });
    assert.equal(allowed.statusCode, 200);
    assert.equal(allowed.headers['access-control-allow-origin'], APP_ORIGIN);
    assert.equal(allowed.headers['access-control-allow-credentials'], 'true');
    const other = await ctx.fapi.inject({ method: 'GET', url: '/v1/environment', headers: { origin: 'https://evil.example.com' } });
    assert.equal(other.statusCode, 200);
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    const preflight = await ctx.fapi.inject({
      method: 'OPTIONS',
      url: '/v1/client/sign_ins',
      headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], APP_ORIGIN);
    assert.equal(preflight.headers['access-control-allow-credentials'], 'true');
    const badPreflight = await ctx.fapi.inject({
      method: 'OPTIONS',
      url: '/v1/client/sign_ins',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    });
    assert.equal(badPreflight.headers['access-control-allow-origin'], undefined);
  });

  await t.test('a state-changing request from an origin not allowed → 400 origin_invalid, and nothing is written', async () => {
    const user = await createUserWithPassword(ctx);
    const evil = new Browser(ctx, 'https://evil.example.com');
    const res = await evil.request('POST', '/v1/client/sign_ins', { identifier: user.email, password: 'Kettle-Orbit-Lantern-42', strategy: 'password' });
    assertError(res, 400, 'origin_invalid');
    assert.equal(evil.cookies.size, 0, 'no client was made');
    const sessions = await call(ctx, 'GET', `/v1/sessions?user_id=${user.id}`);
    assert.deepEqual(sessions.body, []);
    // The Frontend API's own origin is always allowed (a page served from it, or a same-origin proxy).
    const own = new Browser(ctx, new URL(ctx.deps.config.frontendUrl).origin);
    assert.equal((await own.request('POST', '/v1/client/sign_ins', { identifier: user.email })).status, 200);
    // No Origin at all (native apps, scripts) is not a browser: allowed.
    const script = new Browser(ctx, undefined);
    assert.equal((await script.request('POST', '/v1/client/sign_ins', { identifier: user.email })).status, 200);
  });

  await t.test('the allowed origins are read per request (a test may set them after listening)', async () => {
    const later = 'http://127.0.0.1:4321';
    const before = await new Browser(ctx, later).request('POST', '/v1/client', {});
    assertError(before, 400, 'origin_invalid');
    ctx.deps.config.frontendOrigins.push(later);
    t.after(() => void ctx.deps.config.frontendOrigins.pop());
    assert.equal((await new Browser(ctx, later).request('POST', '/v1/client', {})).status, 200);
  });

  await t.test('_method=PATCH|PUT|DELETE on a POST is the request method; on a GET it is ignored', async () => {
    const patched = await ctx.fapi.inject({ method: 'POST', url: '/v1/environment?_method=PATCH', headers: { origin: APP_ORIGIN } });
    assert.equal(patched.statusCode, 200);
    assert.equal(patched.json().object, 'environment');
    const put = new Browser(ctx);
    const created = await put.request('PUT', '/v1/client');
    assert.equal(created.status, 200);
    assert.match(created.body.response.id, /^client_/);
    assert.ok(put.cookies.get('__client'));
    const deleted = await put.request('DELETE', '/v1/client');
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.response.id, created.body.response.id, 'DELETE /v1/client keeps the client');
    const get = await ctx.fapi.inject({ method: 'GET', url: '/v1/client?_method=DELETE' });
    assert.deepEqual(get.json(), { response: null, client: null });
    // An unknown override is not a method: the POST route answers (here: none → 404).
    const bogus = await ctx.fapi.inject({ method: 'POST', url: '/v1/environment?_method=TRACE', headers: { origin: APP_ORIGIN } });
    assertError({ status: bogus.statusCode, body: bogus.json() }, 404, 'resource_not_found');
  });

  await t.test('form bodies (clerk-js) and JSON bodies (native SDKs) both work; bad JSON → 400 request_body_invalid', async () => {
    const user = await createUserWithPassword(ctx);
    const json = await ctx.fapi.inject({
      method: 'POST',
      url: '/v1/client/sign_ins',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ identifier: user.email, password: 'Kettle-Orbit-Lantern-42', strategy: 'password' }),
    });
    assert.equal(json.statusCode, 200, json.body);
    assert.equal(json.json().response.status, 'complete');
    const bad = await ctx.fapi.inject({ method: 'POST', url: '/v1/client/sign_ins', headers: { 'content-type': 'application/json' }, payload: '{"identifier":' });
    assertError({ status: bad.statusCode, body: bad.json() }, 400, 'request_body_invalid');
    const poisoned = await ctx.fapi.inject({
      method: 'POST',
      url: '/v1/client/sign_ins',
      headers: { 'content-type': 'application/json' },
      payload: '{"__proto__":{"admin":true},"identifier":"x"}',
    });
    assertError({ status: poisoned.statusCode, body: poisoned.json() }, 400, 'request_body_invalid');
    // A form key that would reach Object.prototype is dropped, not assigned.
    const form = await ctx.fapi.inject({
      method: 'POST',
      url: '/v1/client/sign_ins',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `__proto__=x&constructor=y&${formBody({ identifier: user.email })}`,
    });
    assert.equal(form.statusCode, 200);
    assert.equal(({} as Record<string, unknown>).admin, undefined);
    const text = await ctx.fapi.inject({ method: 'POST', url: '/v1/client/sign_ins', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    assertError({ status: text.statusCode, body: text.json() }, 415, 'unsupported_content_type');
  });

  await t.test('a wrongly typed parameter → 422 with Clerk\'s envelope naming it', async () => {
    const res = await new Browser(ctx).request('POST', '/v1/client/sign_ins', { identifier: 'x'.repeat(400) });
    assertError(res, 422, 'form_param_max_length_exceeded', 'identifier');
  });

  await t.test('the __client cookie: HttpOnly, SameSite=Lax, Path=/, a year; Secure once the Frontend API URL is https', async () => {
    const res = await ctx.fapi.inject({ method: 'PUT', url: '/v1/client', headers: { origin: APP_ORIGIN } });
    const cookie = res.cookies.find((c) => c.name === '__client')!;
    assert.ok(cookie.value.length >= 43);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.path, '/');
    assert.equal(cookie.maxAge, 365 * 24 * 3600);
    assert.equal(cookie.secure, undefined);
    const secure = await buildFrontendTestApp(t, { env: { GATEHOUSE_FRONTEND_URL: 'https://clerk.example.com' } });
    const res2 = await secure.fapi.inject({ method: 'PUT', url: '/v1/client' });
    assert.equal(res2.cookies.find((c) => c.name === '__client')!.secure, true);
    // The token is not stored: only its hash.
    const rows = await ctx.deps.db.selectFrom('clients').select('token_hash').execute();
    assert.ok(rows.every((r) => r.token_hash === null || /^[0-9a-f]{64}$/.test(r.token_hash)));
    assert.ok(!rows.some((r) => r.token_hash === cookie.value));
  });

  await t.test('an unknown __client cookie is no client; the next write issues a new one', async () => {
    const browser = new Browser(ctx);
    browser.cookies.set('__client', 'not-a-real-token');
    assert.deepEqual((await browser.request('GET', '/v1/client')).body, { response: null, client: null });
    const res = await browser.request('PUT', '/v1/client');
    assert.equal(res.status, 200);
    assert.notEqual(browser.cookies.get('__client'), 'not-a-real-token');
  });

  await t.test('native apps: _is_native=1 and the Authorization header carry the client; a new one comes back in Authorization', async () => {
    const first = await ctx.fapi.inject({ method: 'POST', url: '/v1/client?_is_native=1', headers: { authorization: '' } });
    assert.equal(first.statusCode, 200);
    const token = first.headers.authorization as string;
    assert.ok(token && token.length >= 43);
    assert.equal(first.cookies.length > 0 && first.cookies.some((c) => c.name === '__client'), false, 'no cookie for a native app');
    const again = await ctx.fapi.inject({ method: 'GET', url: '/v1/client?_is_native=1', headers: { authorization: `Bearer ${token}` } });
    assert.equal(again.json().response.id, first.json().response.id);
    const bare = await ctx.fapi.inject({ method: 'GET', url: '/v1/client?_is_native=1', headers: { authorization: token } });
    assert.equal(bare.json().response.id, first.json().response.id);
    // Without _is_native the header is not read.
    const notNative = await ctx.fapi.inject({ method: 'GET', url: '/v1/client', headers: { authorization: `Bearer ${token}` } });
    assert.deepEqual(notNative.json(), { response: null, client: null });
  });

  await t.test('development browsers: POST /v1/dev_browser, then __clerk_db_jwt (or __dev_session) names the client', async () => {
    const created = await ctx.fapi.inject({ method: 'POST', url: '/v1/dev_browser' });
    assert.equal(created.statusCode, 200);
    const { id } = created.json();
    assert.equal(typeof id, 'string');
    const browser = new Browser(ctx);
    browser.extraQuery.__clerk_db_jwt = id;
    const user = await createUserWithPassword(ctx);
    await browser.signIn(user.email);
    assert.equal(browser.cookies.has('__client'), false, 'a development browser gets no cookie');
    const client = await browser.request('GET', '/v1/client');
    assert.equal(client.body.response.sessions[0].user.id, user.id);
    const legacy = await ctx.fapi.inject({ method: 'GET', url: `/v1/client?__dev_session=${encodeURIComponent(id)}` });
    assert.equal(legacy.json().response.id, client.body.response.id);
    const unknown = await ctx.fapi.inject({ method: 'GET', url: '/v1/client?__clerk_db_jwt=nope' });
    assertError({ status: unknown.statusCode, body: unknown.json() }, 401, 'dev_browser_unauthenticated');
  });

  await t.test('GET /v1/health → 200', async () => {
    const res = await ctx.fapi.inject({ method: 'GET', url: '/v1/health' });
    assert.equal(res.statusCode, 200);
  });
});

test('publishable key: pk_live_ + base64("<host[:port]>$") of GATEHOUSE_FRONTEND_URL, as @clerk/shared reads it', async () => {
  const config = loadConfig({ GATEHOUSE_FRONTEND_URL: 'http://127.0.0.1:3001' });
  const key = publishableKey(config);
  assert.equal(key, `pk_live_${Buffer.from('127.0.0.1:3001$').toString('base64')}`);
  assert.deepEqual(parsePublishableKey(key), { instanceType: 'production', frontendApi: '127.0.0.1:3001' });
  assert.equal(publishableKeyUsable(config), true);
  const https = publishableKey(loadConfig({ GATEHOUSE_FRONTEND_URL: 'https://clerk.example.com/__clerk' }));
  assert.deepEqual(parsePublishableKey(https), { instanceType: 'production', frontendApi: 'clerk.example.com' });
  // localhost has no dot: @clerk/shared refuses the key, and startup says so.
  const local = loadConfig({ GATEHOUSE_FRONTEND_URL: 'http://localhost:3001' });
  assert.equal(parsePublishableKey(publishableKey(local)), null);
  assert.equal(publishableKeyUsable(local), false);
  // The cookie suffix of @clerk/shared's getCookieSuffix (base64url of SHA-1, 8 characters).
  assert.equal(cookieSuffix(key), await getCookieSuffix(key));
  assert.equal(cookieSuffix(https), await getCookieSuffix(https));
});

test('buildFrontendApp builds without listening', async (t) => {
  const ctx = await buildFrontendTestApp(t);
  const app = await buildFrontendApp(ctx.deps, { logger: false });
  t.after(() => app.close());
  await app.ready();
  assert.equal(app.server.listening, false);
});
