import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildFrontendApp } from '../../src/frontend/app.js';
import { RATE_LIMITS } from '../../src/frontend/rate-limits/service.js';
import { assertError, fixedClock } from '../helper.js';
import { APP_ORIGIN, buildFrontendTestApp, createUserWithPassword, formBody, PASSWORD } from './support.js';

// Clerk's per-IP limits on the Frontend API (5 sign-in or sign-up creations, 3 factor attempts, per 10 s),
// counted in the database: every server process on it shares one count.

test('Frontend API rate limits', async (t) => {
  const clock = fixedClock(Date.now());
  const ctx = await buildFrontendTestApp(t, { clock, env: { GATEHOUSE_RATE_LIMITS: 'on' } });
  const post = (url: string, body: Record<string, string>, ip: string, app = ctx.fapi) =>
    app.inject({ method: 'POST', url, remoteAddress: ip, headers: { origin: APP_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, payload: formBody(body) });

  await t.test('the sixth sign-in creation within 10 s from one IP → 429 too_many_requests with Retry-After; other IPs are not affected', async () => {
    assert.equal(RATE_LIMITS.sign_in_create.limit, 5);
    const ip = '203.0.113.1';
    for (let i = 0; i < 5; i++) assert.equal((await post('/v1/client/sign_ins', {}, ip)).statusCode, 200);
    clock.advance(4_000);
    const limited = await post('/v1/client/sign_ins', {}, ip);
    assertError({ status: limited.statusCode, body: limited.json() }, 429, 'too_many_requests');
    assert.equal(limited.headers['retry-after'], '6');
    assert.equal((await post('/v1/client/sign_ins', {}, '203.0.113.2')).statusCode, 200);
    clock.advance(6_000);
    assert.equal((await post('/v1/client/sign_ins', {}, ip)).statusCode, 200, 'a new window');
  });

  await t.test('sign-ups have their own count; factor attempts allow 3 per 10 s', async () => {
    const ip = '203.0.113.3';
    for (let i = 0; i < 5; i++) assert.equal((await post('/v1/client/sign_ins', {}, ip)).statusCode, 200);
    assert.equal((await post('/v1/client/sign_ups', {}, ip)).statusCode, 200, 'sign-ups are counted apart');
    const user = await createUserWithPassword(ctx);
    const attemptIp = '203.0.113.4';
    const created = await post('/v1/client/sign_ins', { identifier: user.email }, attemptIp);
    const cookie = created.cookies.find((c) => c.name === '__client')!;
    const attempt = () =>
      ctx.fapi.inject({
        method: 'POST',
        url: `/v1/client/sign_ins/${created.json().response.id}/attempt_first_factor`,
        remoteAddress: attemptIp,
        headers: { origin: APP_ORIGIN, cookie: `__client=${cookie.value}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: formBody({ strategy: 'password', password: 'wrong-password-1' }),
      });
    for (let i = 0; i < 3; i++) assert.equal((await attempt()).statusCode, 422);
    const limited = await attempt();
    assert.equal(limited.statusCode, 429);
    assert.ok(Number(limited.headers['retry-after']) >= 1);
  });

  await t.test('50 concurrent creations from one IP, through two apps on one database: exactly 5 pass', async (st) => {
    clock.advance(60_000);
    const second = await buildFrontendApp(ctx.deps, { logger: false });
    st.after(() => second.close());
    const ip = '203.0.113.5';
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => post('/v1/client/sign_ups', {}, ip, i % 2 ? second : ctx.fapi)));
    assert.equal(results.filter((r) => r.statusCode === 200).length, 5, JSON.stringify(results.map((r) => r.statusCode)));
    assert.equal(results.filter((r) => r.statusCode === 429).length, 45);
  });

  await t.test('GATEHOUSE_RATE_LIMITS=off: no limit', async () => {
    const off = await buildFrontendTestApp(t);
    const user = await createUserWithPassword(off);
    for (let i = 0; i < 8; i++) {
      const res = await off.fapi.inject({
        method: 'POST',
        url: '/v1/client/sign_ins',
        remoteAddress: '203.0.113.6',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: formBody({ identifier: user.email, password: PASSWORD, strategy: 'password' }),
      });
      assert.equal(res.statusCode, 200);
    }
  });
});

test('behind a proxy (GATEHOUSE_TRUST_PROXY=1) the limit counts the forwarded client address, not the proxy\'s', async (t) => {
  const ctx = await buildFrontendTestApp(t, { env: { GATEHOUSE_RATE_LIMITS: 'on', GATEHOUSE_TRUST_PROXY: '1' } });
  const post = (client: string) =>
    ctx.fapi.inject({ method: 'POST', url: '/v1/client/sign_ups', remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': client } });
  for (let i = 0; i < 5; i++) assert.equal((await post('198.51.100.1')).statusCode, 200);
  assert.equal((await post('198.51.100.1')).statusCode, 429);
  assert.equal((await post('198.51.100.2')).statusCode, 200, 'another client behind the same proxy');
});
