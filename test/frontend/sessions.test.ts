import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createClerkClient, verifyToken } from '@clerk/backend';
import { cookieSuffix, publishableKey } from '../../src/frontend/publishable-key.js';
import { getSigningPublicKeyPem } from '../../src/keys/service.js';
import { SECRET_KEY, assertError, call } from '../helper.js';
import { APP_ORIGIN, Browser, buildFrontendTestApp, createUserWithPassword, eventTypes } from './support.js';

// The client's sessions through the Frontend API (touch, end, remove, sign out), and their tokens: minted
// only for the client holding the session, with `azp` = the calling origin, and accepted by @clerk/backend
// (verifyToken, and authenticateRequest on the cookies a browser would send to the app's backend).

process.env.CLERK_TELEMETRY_DISABLED = '1';

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
}

test('Frontend API sessions and tokens', async (t) => {
  const ctx = await buildFrontendTestApp(t);
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const apiUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  const pk = publishableKey(ctx.deps.config);
  const clerk = createClerkClient({ secretKey: SECRET_KEY, apiUrl, publishableKey: pk, telemetry: { disabled: true } });

  await t.test('POST /v1/client/sessions/{id}/tokens → a bare Token: RS256, azp = the calling origin, accepted by verifyToken', async () => {
    const user = await createUserWithPassword(ctx);
    const browser = new Browser(ctx);
    const sessionId = await browser.signIn(user.email);
    const res = await browser.request('POST', `/v1/client/sessions/${sessionId}/tokens`, { organization_id: null });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ['jwt', 'object']);
    assert.equal(res.body.object, 'token');
    const c = claims(res.body.jwt);
    assert.equal(c.sub, user.id);
    assert.equal(c.sid, sessionId);
    assert.equal(c.azp, APP_ORIGIN);
    assert.equal(c.iss, ctx.deps.config.frontendUrl);
    assert.deepEqual(c.fva, [0, -1]);
    const verified = await verifyToken(res.body.jwt, { secretKey: SECRET_KEY, apiUrl, authorizedParties: [APP_ORIGIN] });
    assert.equal(verified.sub, user.id);
    const pem = await getSigningPublicKeyPem(ctx.deps);
    const networkless = await verifyToken(res.body.jwt, { jwtKey: pem, authorizedParties: [APP_ORIGIN] });
    assert.equal(networkless.sid, sessionId);
    await assert.rejects(() => verifyToken(res.body.jwt, { jwtKey: pem, authorizedParties: ['https://elsewhere.example.com'] }));
    // Without an Origin (a native app) the token has no azp.
    const native = await ctx.fapi.inject({ method: 'POST', url: `/v1/client/sessions/${sessionId}/tokens`, headers: { cookie: `__client=${browser.cookies.get('__client')}` } });
    assert.equal(native.statusCode, 200, native.body);
    assert.equal(claims(native.json().jwt).azp, undefined);
  });

  await t.test('a session\'s token only for the client holding it: another client, or none → 404', async () => {
    const user = await createUserWithPassword(ctx);
    const owner = new Browser(ctx);
    const sessionId = await owner.signIn(user.email);
    const thief = new Browser(ctx);
    await thief.request('PUT', '/v1/client');
    assertError(await thief.request('POST', `/v1/client/sessions/${sessionId}/tokens`), 404, 'resource_not_found');
    assertError(await new Browser(ctx).request('POST', `/v1/client/sessions/${sessionId}/tokens`), 404, 'resource_not_found');
    assertError(await owner.request('POST', `/v1/client/sessions/${sessionId}/tokens/my-template`), 404, 'resource_not_found');
  });

  await t.test('authenticateRequest on the cookies the browser holds (__session from clerk-js, __client_uat from the Frontend API) → signed in', async () => {
    const user = await createUserWithPassword(ctx);
    const browser = new Browser(ctx);
    const sessionId = await browser.signIn(user.email);
    const uat = browser.cookies.get('__client_uat');
    assert.match(uat!, /^\d+$/);
    assert.notEqual(uat, '0');
    assert.equal(browser.cookies.get(`__client_uat_${cookieSuffix(pk)}`), uat, 'the suffixed cookie too');
    const client = (await browser.request('GET', '/v1/client')).body.response;
    assert.equal(String(Math.floor(client.updated_at / 1000)), browser.cookies.get('__client_uat'));
    // What clerk-js writes into __session: the client's last_active_token, or a fresh one.
    const jwt = client.sessions[0].last_active_token.jwt as string;
    assert.equal(claims(jwt).sid, sessionId);
    const request = new Request(`${APP_ORIGIN}/api/me`, { headers: { cookie: `__session=${jwt}; __client_uat=${browser.cookies.get('__client_uat')}` } });
    const state = await clerk.authenticateRequest(request, { authorizedParties: [APP_ORIGIN] });
    assert.equal(state.isAuthenticated, true, `${String(state.reason)} ${String(state.message)}`);
    assert.equal(state.toAuth()?.userId, user.id);
    assert.equal(state.toAuth()?.sessionId, sessionId);
    const wrongParty = await clerk.authenticateRequest(request, { authorizedParties: ['https://elsewhere.example.com'] });
    assert.equal(wrongParty.isAuthenticated, false);
    // Bearer too (what a native app or an API client sends).
    const bearer = await clerk.authenticateRequest(new Request(`${APP_ORIGIN}/api/me`, { headers: { authorization: `Bearer ${jwt}` } }));
    assert.equal(bearer.toAuth()?.userId, user.id);
  });

  await t.test('touch → the client\'s last active session; an organization (none exist yet) → 404; an empty one is the personal workspace', async () => {
    const user = await createUserWithPassword(ctx);
    const browser = new Browser(ctx);
    const sessionId = await browser.signIn(user.email);
    const touched = await browser.request('POST', `/v1/client/sessions/${sessionId}/touch`, { active_organization_id: null });
    assert.equal(touched.status, 200);
    assert.equal(touched.body.response.id, sessionId);
    assert.equal(touched.body.response.last_active_organization_id, null);
    assert.equal(touched.body.client.last_active_session_id, sessionId);
    assertError(await browser.request('POST', `/v1/client/sessions/${sessionId}/touch`, { active_organization_id: 'org_nope' }), 404, 'resource_not_found');
    const read = await browser.request('GET', `/v1/client/sessions/${sessionId}`);
    assert.equal(read.body.response.user.id, user.id);
    assertError(await new Browser(ctx).request('POST', `/v1/client/sessions/${sessionId}/touch`), 404, 'resource_not_found');
  });

  await t.test('end → `ended` (kept on the client, session.ended); no more tokens for it', async () => {
    const user = await createUserWithPassword(ctx);
    const browser = new Browser(ctx);
    const sessionId = await browser.signIn(user.email);
    const before = await eventTypes(ctx);
    const ended = await browser.request('POST', `/v1/client/sessions/${sessionId}/end`);
    assert.equal(ended.status, 200);
    assert.equal(ended.body.response.status, 'ended');
    assert.deepEqual(ended.body.client.sessions.map((s: { id: string; status: string }) => [s.id, s.status]), [[sessionId, 'ended']]);
    assert.equal(ended.body.client.sessions[0].last_active_token, null);
    assert.equal(ended.body.client.last_active_session_id, null);
    assert.equal(browser.cookies.get('__client_uat'), '0');
    assert.deepEqual((await eventTypes(ctx)).slice(before.length), ['session.ended']);
    assertError(await browser.request('POST', `/v1/client/sessions/${sessionId}/tokens`), 404, 'resource_not_found');
    assert.equal((await call(ctx, 'GET', `/v1/sessions/${sessionId}`)).body.status, 'ended');
  });

  await t.test('remove → `removed` (off the client, session.removed)', async () => {
    const user = await createUserWithPassword(ctx);
    const browser = new Browser(ctx);
    const sessionId = await browser.signIn(user.email);
    const before = await eventTypes(ctx);
    const removed = await browser.request('POST', `/v1/client/sessions/${sessionId}/remove`);
    assert.equal(removed.body.response.status, 'removed');
    assert.deepEqual(removed.body.client.sessions, []);
    assert.deepEqual((await eventTypes(ctx)).slice(before.length), ['session.removed']);
  });

  await t.test('sign out (DELETE /v1/client/sessions) → every session removed, __client_uat 0, authenticateRequest signed out', async () => {
    const user = await createUserWithPassword(ctx);
    const browser = new Browser(ctx);
    const sessionId = await browser.signIn(user.email);
    const jwt = (await browser.request('GET', '/v1/client')).body.response.sessions[0].last_active_token.jwt;
    const out = await browser.request('DELETE', '/v1/client/sessions');
    assert.equal(out.status, 200);
    assert.deepEqual(out.body.response.sessions, []);
    assert.equal(browser.cookies.get('__client_uat'), '0');
    assert.equal((await clerk.sessions.getSession(sessionId)).status, 'removed');
    // clerk-js drops __session; the app's backend then sees no session.
    const state = await clerk.authenticateRequest(new Request(`${APP_ORIGIN}/api/me`, { headers: { cookie: '__client_uat=0' } }));
    assert.equal(state.isAuthenticated, false);
    assert.ok(jwt);
    // Signing in again on the same client works.
    await browser.signIn(user.email);
  });

  await t.test('DELETE /v1/client → every session ended and the sign-in in progress dropped; the client stays', async () => {
    const user = await createUserWithPassword(ctx);
    const browser = new Browser(ctx);
    const sessionId = await browser.signIn(user.email);
    const clientId = (await browser.request('GET', '/v1/client')).body.response.id;
    const res = await browser.request('DELETE', '/v1/client');
    assert.equal(res.body.response.id, clientId);
    assert.equal((await clerk.sessions.getSession(sessionId)).status, 'ended');
    assert.equal(res.body.response.sign_in, null);
  });

  await t.test('a Backend API revoke shows on the client; the token endpoint refuses it', async () => {
    const user = await createUserWithPassword(ctx);
    const browser = new Browser(ctx);
    const sessionId = await browser.signIn(user.email);
    await clerk.sessions.revokeSession(sessionId);
    const client = (await browser.request('GET', '/v1/client')).body.response;
    assert.deepEqual(client.sessions, []);
    assert.equal(client.last_active_session_id, null);
    assertError(await browser.request('POST', `/v1/client/sessions/${sessionId}/tokens`), 404, 'resource_not_found');
  });

  await t.test('sessions.token_lifetime applies to Frontend API tokens', async () => {
    await call(ctx, 'PATCH', '/v1/gatehouse/settings', { sessions: { token_lifetime: 30 } });
    const user = await createUserWithPassword(ctx);
    const browser = new Browser(ctx);
    const sessionId = await browser.signIn(user.email);
    const c = claims((await browser.request('POST', `/v1/client/sessions/${sessionId}/tokens`)).body.jwt);
    assert.equal((c.exp as number) - (c.iat as number), 30);
  });
});
