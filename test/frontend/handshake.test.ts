import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createClerkClient } from '@clerk/backend';
import { publishableKey } from '../../src/frontend/publishable-key.js';
import { SECRET_KEY, assertError } from '../helper.js';
import { APP_ORIGIN, Browser, buildFrontendTestApp, createUserWithPassword } from './support.js';

// The handshake of a server-rendered app: @clerk/backend's authenticateRequest, on a page load whose
// session cookie is missing or stale, redirects the browser to GET /v1/client/handshake; the Frontend API
// answers with a signed list of cookies for the app (in a __clerk_handshake cookie) and sends it back.

process.env.CLERK_TELEMETRY_DISABLED = '1';

test('GET /v1/client/handshake with @clerk/backend authenticateRequest', async (t) => {
  const ctx = await buildFrontendTestApp(t);
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const apiUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  const clerk = createClerkClient({ secretKey: SECRET_KEY, apiUrl, publishableKey: publishableKey(ctx.deps.config), telemetry: { disabled: true } });
  const options = { proxyUrl: ctx.deps.config.frontendUrl, authorizedParties: [APP_ORIGIN] };
  const page = (cookie: string) => new Request(`${APP_ORIGIN}/dashboard`, { headers: { cookie, 'sec-fetch-dest': 'document', accept: 'text/html' } });

  /** Follows the handshake redirect on the Frontend API with the browser's cookies; returns the handshake cookie. */
  async function followHandshake(browser: Browser, location: string) {
    const url = new URL(location);
    assert.equal(url.origin + url.pathname, `${ctx.deps.config.frontendUrl}/v1/client/handshake`);
    const res = await ctx.fapi.inject({ method: 'GET', url: `${url.pathname}${url.search}`, headers: { cookie: `__client=${browser.cookies.get('__client') ?? ''}` } });
    assert.equal(res.statusCode, 307, res.body);
    assert.equal(res.headers.location, `${APP_ORIGIN}/dashboard`);
    assert.equal(res.headers['cache-control'], 'no-store');
    const cookie = res.cookies.find((c) => c.name === '__clerk_handshake');
    assert.ok(cookie?.value);
    assert.equal(cookie.httpOnly, true);
    return cookie.value;
  }

  await t.test('signed in on the Frontend API, no __session on the app → handshake → signed in, with a fresh __session to set', async () => {
    const user = await createUserWithPassword(ctx);
    const browser = new Browser(ctx);
    const sessionId = await browser.signIn(user.email);
    const uat = browser.cookies.get('__client_uat')!;
    const first = await clerk.authenticateRequest(page(`__client_uat=${uat}`), options);
    assert.equal(first.status, 'handshake', String(first.reason));
    const token = await followHandshake(browser, first.headers.get('location')!);
    const resolved = await clerk.authenticateRequest(page(`__client_uat=${uat}; __clerk_handshake=${token}`), options);
    assert.equal(resolved.status, 'signed-in', `${String(resolved.reason)} ${String(resolved.message)}`);
    assert.equal(resolved.toAuth()?.userId, user.id);
    assert.equal(resolved.toAuth()?.sessionId, sessionId);
    const setCookies = resolved.headers.getSetCookie();
    assert.ok(setCookies.some((c) => c.startsWith('__session=ey')), JSON.stringify(setCookies));
    assert.ok(setCookies.some((c) => c.startsWith('__clerk_handshake=;') && c.includes('Max-Age=0')), 'the handshake cookie is removed');
  });

  await t.test('signed out on the Frontend API → the handshake clears __session and the app sees signed out', async () => {
    const browser = new Browser(ctx);
    await browser.request('PUT', '/v1/client');
    const first = await clerk.authenticateRequest(page('__client_uat=1700000000'), options);
    assert.equal(first.status, 'handshake');
    const token = await followHandshake(browser, first.headers.get('location')!);
    const resolved = await clerk.authenticateRequest(page(`__client_uat=1700000000; __clerk_handshake=${token}`), options);
    assert.equal(resolved.status, 'signed-out');
    assert.ok(resolved.headers.getSetCookie().some((c) => c.startsWith('__client_uat=0')));
  });

  await t.test('a redirect_url outside the allowed origins → 422, no token handed out', async () => {
    const res = await ctx.fapi.inject({ method: 'GET', url: `/v1/client/handshake?redirect_url=${encodeURIComponent('https://evil.example.com/steal')}` });
    assertError({ status: res.statusCode, body: res.json() }, 422, 'form_param_value_invalid', 'redirect_url');
    assert.equal(res.cookies.length, 0);
  });
});
