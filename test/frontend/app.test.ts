import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { buildFrontendApp } from '../../src/frontend/app.js';
import { buildTestApp, captureLogLines } from '../helper.js';
import { APP_ORIGIN, Browser, createUserWithPassword, type FrontendTestApp } from './support.js';

// The Frontend API listener's own plumbing, as on the Backend API's (README, "Security"): the security
// headers on every answer, errors included, and one log line per request without query-string values
// (clerk-js puts `__clerk_db_jwt` and session ids there) and without bodies (passwords).

test('Frontend API listener', async (t) => {
  const capture = captureLogLines();
  const ctx = await buildTestApp(t, { env: { GATEHOUSE_FRONTEND_ORIGINS: APP_ORIGIN, GATEHOUSE_RATE_LIMITS: 'off' } });
  const fapi = await buildFrontendApp(ctx.deps, { loggerInstance: capture.log });
  t.after(() => fapi.close());
  const app: FrontendTestApp = { ...ctx, fapi };

  await t.test('security headers on answers and errors (200, 401, 404, 422, 400 origin)', async () => {
    const form = { origin: APP_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' };
    const cases: [string, InjectOptions, number][] = [
      ['GET /v1/environment', { method: 'GET', url: '/v1/environment' }, 200],
      ['GET /v1/me without a session', { method: 'GET', url: '/v1/me' }, 401],
      ['unknown route', { method: 'GET', url: '/v1/nope' }, 404],
      ['a NUL in a field', { method: 'POST', url: '/v1/client/sign_ins', headers: form, payload: 'identifier=a%00b' }, 422],
      ['another origin', { method: 'POST', url: '/v1/client/sign_ins', headers: { ...form, origin: 'https://evil.example' }, payload: '' }, 400],
    ];
    for (const [name, options, status] of cases) {
      const res = await fapi.inject(options);
      assert.equal(res.statusCode, status, `${name}: ${res.body}`);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', name);
      assert.equal(res.headers['cache-control'], 'no-store', name);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', name);
      if (status >= 400) assert.ok(Array.isArray(JSON.parse(res.body).errors), name);
    }
  });

  await t.test('one line per request: the path and its query keys, never their values, the password or the cookie', async () => {
    const { email } = await createUserWithPassword(app);
    const browser = new Browser(app);
    const devBrowser = (await fapi.inject({ method: 'POST', url: '/v1/dev_browser' })).json().id as string;
    browser.extraQuery.__clerk_db_jwt = devBrowser;
    const before = capture.lines.length;
    const wrong = await browser.request('POST', '/v1/client/sign_ins', { identifier: email, strategy: 'password', password: 'Wrong-Secret-Passw0rd' });
    assert.equal(wrong.status, 422);
    const lines = capture.lines.slice(before).filter((l) => l.msg === 'request' || l.msg === 'request failed');
    assert.equal(lines.length, 1, JSON.stringify(capture.lines.slice(before)));
    assert.equal(lines[0]!.status, 422);
    assert.equal(lines[0]!.code, 'form_password_incorrect');
    assert.match(lines[0]!.url, /^\/v1\/client\/sign_ins\?.*__clerk_db_jwt=…/);
    const text = JSON.stringify(capture.lines.slice(before));
    for (const secret of [devBrowser, 'Wrong-Secret', email]) {
      assert.ok(!text.includes(secret), `the log contains ${secret}: ${text}`);
    }
  });
});
