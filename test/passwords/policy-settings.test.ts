import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDeps } from '../../src/deps.js';
import { assertError, buildTestApp, call, createTestUser, uniqueEmail, type TestApp } from '../helper.js';

// The password policy as instance settings (GET/PATCH /v1/gatehouse/settings, a Gatehouse extension),
// enforced on POST /v1/users and PATCH /v1/users/{id}; and the optional online Have I Been Pwned check,
// tested against a local range-API server.

type Response = Awaited<ReturnType<typeof call>>;


const DEFAULTS = {
  object: 'gatehouse_settings',
  password_settings: {
    min_length: 8,
    max_length: 72,
    require_special_char: false,
    require_numbers: false,
    require_uppercase: false,
    require_lowercase: false,
    disable_hibp: false,
    show_zxcvbn: false,
    min_zxcvbn_strength: 0,
    enforce_hibp_on_sign_in: false,
  },
  lockout: { max_attempts: 10, lockout_duration: 3600 },
};

/**
 * The parts of the settings this file owns. Other features add their own groups (e.g. `sessions`), so
 * comparisons look at `object`, `password_settings` and `lockout` only.
 */
function ours(body: { object: unknown; password_settings: unknown; lockout: unknown }) {
  return { object: body.object, password_settings: body.password_settings, lockout: body.lockout };
}
const getSettings = async (ctx: TestApp) => {
  const res = await call(ctx, 'GET', '/v1/gatehouse/settings');
  return res.status === 200 ? { ...res, body: ours(res.body) } : res;
};
const patchSettings = async (ctx: TestApp, body: unknown) => {
  const res = await call(ctx, 'PATCH', '/v1/gatehouse/settings', body);
  return res.status === 200 ? { ...res, body: ours(res.body) } : res;
};
const createWith = (ctx: TestApp, body: Record<string, unknown>) =>
  call(ctx, 'POST', '/v1/users', { email_address: [uniqueEmail('policy')], ...body });

async function setPolicy(ctx: TestApp, password_settings: Record<string, unknown>) {
  const res = await patchSettings(ctx, { password_settings });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

async function resetSettings(ctx: TestApp) {
  const res = await patchSettings(ctx, { password_settings: DEFAULTS.password_settings, lockout: DEFAULTS.lockout });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body, DEFAULTS);
}

/**
 * A rule is enforced on both entry points: POST /v1/users and PATCH /v1/users/{id} refuse `bad` with
 * `code`; `good` passes both; skip_password_checks lets `bad` through.
 */
async function assertRule(ctx: TestApp, bad: string, good: string, code: string, message?: RegExp) {
  const created = await createWith(ctx, { password: bad });
  assertError(created, 422, code, 'password');
  if (message) {
    assert.match(created.body.errors[0].message, message);
    assert.equal(created.body.errors[0].long_message, created.body.errors[0].message);
  }
  const user = await createTestUser(ctx);
  assertError(await call(ctx, 'PATCH', `/v1/users/${user.id}`, { password: bad }), 422, code, 'password');
  const unchanged = await call(ctx, 'GET', `/v1/users/${user.id}`);
  assert.equal(unchanged.body.password_enabled, false, 'a refused password is not stored');

  const ok = await createWith(ctx, { password: good });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.password_enabled, true);
  const patched = await call(ctx, 'PATCH', `/v1/users/${user.id}`, { password: good });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.equal(patched.body.password_enabled, true);

  const skipped = await createWith(ctx, { password: bad, skip_password_checks: true });
  assert.equal(skipped.status, 200, `skip_password_checks bypasses ${code}: ${JSON.stringify(skipped.body)}`);
  assert.deepEqual((await call(ctx, 'POST', `/v1/users/${skipped.body.id}/verify_password`, { password: bad })).body, { verified: true });
}

test('password policy settings', async (t) => {
  const ctx = await buildTestApp(t);

  await t.test("GET /v1/gatehouse/settings → 200 with Clerk's defaults", async () => {
    const res = await getSettings(ctx);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, DEFAULTS);
  });

  await t.test('GET and PATCH /v1/gatehouse/settings without a secret key → 401', async () => {
    const get = await ctx.app.inject({ method: 'GET', url: '/v1/gatehouse/settings' });
    assert.equal(get.statusCode, 401);
    const patch = await ctx.app.inject({
      method: 'PATCH',
      url: '/v1/gatehouse/settings',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ password_settings: { min_length: 30 } }),
    });
    assert.equal(patch.statusCode, 401);
    assert.deepEqual((await getSettings(ctx)).body, DEFAULTS, 'an unauthenticated PATCH changes nothing');
  });

  await t.test('with the default policy: POST /v1/users → 422 form_password_length_too_short "8", form_password_pwned for a common password', async () => {
    const short = await createWith(ctx, { password: 'Ab-3xyz' });
    assertError(short, 422, 'form_password_length_too_short', 'password');
    assert.equal(short.body.errors[0].message, 'Passwords must be 8 characters or more.');
    assertError(await createWith(ctx, { password: 'password1' }), 422, 'form_password_pwned', 'password');
    assert.equal((await createWith(ctx, { password: 'lower-only-no-digits' })).status, 200, 'no character classes are required by default');
  });

  await t.test('PATCH /v1/gatehouse/settings → 200 with the merged settings, and a fresh GET returns them', async () => {
    const res = await patchSettings(ctx, { password_settings: { min_length: 10, require_numbers: true }, lockout: { max_attempts: 5 } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const expected = {
      ...DEFAULTS,
      password_settings: { ...DEFAULTS.password_settings, min_length: 10, require_numbers: true },
      lockout: { max_attempts: 5, lockout_duration: 3600 },
    };
    assert.deepEqual(res.body, expected);
    assert.deepEqual((await getSettings(ctx)).body, expected);

    // Persisted in the database: another process (its own Deps over the same database) reads them.
    const config = loadConfig({ LOG_LEVEL: 'silent', GATEHOUSE_DATA_DIR: '/nonexistent-gatehouse-test' });
    const deps = await createDeps(config, { db: ctx.deps.db, encryptionKey: ctx.encryptionKey });
    const app = await buildApp(deps, { logger: false });
    try {
      assert.deepEqual((await getSettings({ app, deps, auth: ctx.auth })).body, expected);
    } finally {
      await app.close();
    }
    await resetSettings(ctx);
  });

  await t.test('PATCH /v1/gatehouse/settings with only lockout keeps the password settings, and the other way round', async () => {
    await setPolicy(ctx, { require_lowercase: true });
    const res = await patchSettings(ctx, { lockout: { lockout_duration: null } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.password_settings.require_lowercase, true);
    assert.equal(res.body.lockout.lockout_duration, null);
    assert.equal(res.body.lockout.max_attempts, 10);
    const back = await setPolicy(ctx, { require_lowercase: false });
    assert.equal(back.lockout.lockout_duration, null, 'a password_settings PATCH keeps the lockout');
    await resetSettings(ctx);
  });

  await t.test('require_uppercase → POST and PATCH /v1/users 422 form_password_no_uppercase', async () => {
    await setPolicy(ctx, { require_uppercase: true });
    await assertRule(ctx, 'all-lower-case-words-7', 'One-Upper-Case-Word-7', 'form_password_no_uppercase', /uppercase/);
    await resetSettings(ctx);
  });

  await t.test('require_lowercase → POST and PATCH /v1/users 422 form_password_no_lowercase', async () => {
    await setPolicy(ctx, { require_lowercase: true });
    await assertRule(ctx, 'ALL-UPPER-CASE-WORDS-7', 'ALL-UPPER-BUT-ONe-7', 'form_password_no_lowercase', /lowercase/);
    await resetSettings(ctx);
  });

  await t.test('require_numbers → POST and PATCH /v1/users 422 form_password_no_number', async () => {
    await setPolicy(ctx, { require_numbers: true });
    await assertRule(ctx, 'Granite-Meadow-Hollow', 'Granite-Meadow-Hollow-4', 'form_password_no_number', /number/);
    await resetSettings(ctx);
  });

  await t.test('require_special_char → POST and PATCH /v1/users 422 form_password_no_special_char', async () => {
    await setPolicy(ctx, { require_special_char: true });
    await assertRule(ctx, 'GraniteMeadowHollow42', 'GraniteMeadowHollow42!', 'form_password_no_special_char', /special characters/);
    await resetSettings(ctx);
  });

  await t.test('min_length 12 → POST and PATCH /v1/users 422 form_password_length_too_short, "12" in the message', async () => {
    await setPolicy(ctx, { min_length: 12 });
    await assertRule(ctx, 'Eleven-Ch-1', 'Twelve-Chr-1', 'form_password_length_too_short', /\b12\b/);
    const res = await createWith(ctx, { password: 'Eleven-Ch-1' });
    assert.equal(res.body.errors[0].message, 'Passwords must be 12 characters or more.');
    await resetSettings(ctx);
    assert.equal((await createWith(ctx, { password: 'Eleven-Ch-1' })).status, 200, 'back to the default minimum of 8');
  });

  await t.test('max_length 20 → POST /v1/users 422 form_password_length_too_long for 21 characters', async () => {
    await setPolicy(ctx, { max_length: 20 });
    await assertRule(ctx, 'Twenty-One-Chars-X-1!', 'Exactly-Twenty-Chr-1', 'form_password_length_too_long', /\b20\b/);
    await resetSettings(ctx);
  });

  await t.test('POST and PATCH /v1/users with a 73-byte password of 72 characters → 422 form_password_size_in_bytes_exceeded', async () => {
    const password = `ä${'Kx7-'.repeat(17)}abc`; // 72 characters, 73 UTF-8 bytes
    assert.equal([...password].length, 72);
    assert.equal(Buffer.byteLength(password), 73);
    const seventyTwo = `a${'Kx7-'.repeat(17)}abc`;
    assert.equal(Buffer.byteLength(seventyTwo), 72);
    assertError(await createWith(ctx, { password }), 422, 'form_password_size_in_bytes_exceeded', 'password');
    const user = await createTestUser(ctx);
    assertError(await call(ctx, 'PATCH', `/v1/users/${user.id}`, { password }), 422, 'form_password_size_in_bytes_exceeded', 'password');
    assert.equal((await createWith(ctx, { password: seventyTwo })).status, 200, '72 bytes is allowed');
  });

  await t.test('disable_hibp → POST /v1/users accepts "password1"; turned back on, it is refused again', async () => {
    assertError(await createWith(ctx, { password: 'password1' }), 422, 'form_password_pwned', 'password');
    await setPolicy(ctx, { disable_hibp: true });
    const res = await createWith(ctx, { password: 'password1' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const user = await createTestUser(ctx);
    assert.equal((await call(ctx, 'PATCH', `/v1/users/${user.id}`, { password: 'password1' })).status, 200);
    await resetSettings(ctx);
    assertError(await createWith(ctx, { password: 'password1' }), 422, 'form_password_pwned', 'password');
  });

  await t.test('skip_password_checks → POST and PATCH /v1/users accept a password that breaks every rule', async () => {
    await setPolicy(ctx, { min_length: 12, require_uppercase: true, require_numbers: true, require_special_char: true, require_lowercase: true });
    const user = await createWith(ctx, { password: 'password', skip_password_checks: true });
    assert.equal(user.status, 200, JSON.stringify(user.body));
    assert.deepEqual((await call(ctx, 'POST', `/v1/users/${user.body.id}/verify_password`, { password: 'password' })).body, { verified: true });
    const patched = await call(ctx, 'PATCH', `/v1/users/${user.body.id}`, { password: 'qwerty', skip_password_checks: true });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.deepEqual((await call(ctx, 'POST', `/v1/users/${user.body.id}/verify_password`, { password: 'qwerty' })).body, { verified: true });
    assertError(await call(ctx, 'PATCH', `/v1/users/${user.body.id}`, { password: 'qwerty' }), 422, 'form_password_length_too_short', 'password');
    await resetSettings(ctx);
  });

  await t.test('PATCH /v1/gatehouse/settings with invalid values → 422, nothing changes', async () => {
    const cases: { body: unknown; code: string }[] = [
      { body: { password_settings: { min_length: 4 } }, code: 'form_param_value_invalid' },
      { body: { password_settings: { max_length: 73 } }, code: 'form_param_value_invalid' },
      { body: { password_settings: { min_length: 20, max_length: 10 } }, code: 'form_param_value_invalid' },
      { body: { password_settings: { max_length: 7 } }, code: 'form_param_value_invalid' },
      { body: { password_settings: { min_zxcvbn_strength: 5 } }, code: 'form_param_value_invalid' },
      { body: { password_settings: { require_numbers: 'yes' } }, code: 'form_param_type_invalid' },
      { body: { password_settings: { min_length: 12.5 } }, code: 'form_param_type_invalid' },
      { body: { password_settings: { no_such_rule: true } }, code: 'form_param_unknown' },
      { body: { no_such_group: {} }, code: 'form_param_unknown' },
      { body: { lockout: { max_attempts: -1 } }, code: 'form_param_value_invalid' },
      { body: { lockout: { lockout_duration: 0 } }, code: 'form_param_value_invalid' },
      { body: { lockout: { unknown: 1 } }, code: 'form_param_unknown' },
    ];
    for (const { body, code } of cases) {
      const res = await patchSettings(ctx, body);
      assert.equal(res.status, 422, `${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.errors[0].code, code, `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`);
    }
    // max_length below a stored min_length is refused too.
    await setPolicy(ctx, { min_length: 30 });
    const below = await patchSettings(ctx, { password_settings: { max_length: 20 } });
    assertError(below, 422, 'form_param_value_invalid');
    assert.equal((await getSettings(ctx)).body.password_settings.max_length, 72);
    await resetSettings(ctx);
    assert.deepEqual((await getSettings(ctx)).body, DEFAULTS);
  });
});

/** A local stand-in for https://api.pwnedpasswords.com/range/{prefix}. */
async function startRangeServer(pwned: Map<string, number>) {
  const seen: { url: string; body: string; headers: IncomingMessage['headers'] }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', body, headers: req.headers });
      const match = /^\/range\/([0-9A-F]{5})$/.exec(req.url ?? '');
      if (req.method !== 'GET' || !match) {
        res.writeHead(404).end();
        return;
      }
      const lines: string[] = [];
      for (const [sha1, count] of pwned) if (sha1.startsWith(match[1]!)) lines.push(`${sha1.slice(5)}:${count}`);
      // Unrelated suffixes, as the real API always returns hundreds of them.
      for (let i = 0; i < 20; i++) lines.push(`${randomBytes(18).toString('hex').slice(0, 35).toUpperCase()}:${i + 1}`);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(lines.join('\r\n'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, seen, url: `http://127.0.0.1:${port}/range/` };
}

const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex').toUpperCase();

test('online Have I Been Pwned range check (GATEHOUSE_HIBP_ONLINE)', async (t) => {
  const ctx = await buildTestApp(t);
  // Passwords the offline list does not know, so any refusal comes from the range server.
  const PWNED = `Breached-Online-${randomBytes(3).toString('hex')}-Zq`;
  const PADDING_ONLY = `Padding-Entry-${randomBytes(3).toString('hex')}-Zq`;
  const CLEAN = `Never-Breached-${randomBytes(3).toString('hex')}-Zq`;
  const range = await startRangeServer(new Map([[sha1(PWNED), 42], [sha1(PADDING_ONLY), 0]]));
  let serverOpen = true;
  t.after(() => {
    if (serverOpen) range.server.close();
  });

  const config = loadConfig({
    LOG_LEVEL: 'silent',
    GATEHOUSE_DATA_DIR: '/nonexistent-gatehouse-test',
    GATEHOUSE_HIBP_ONLINE: 'true',
    GATEHOUSE_HIBP_URL: range.url,
  });
  assert.equal(config.hibpOnline, true);
  const deps = await createDeps(config, { db: ctx.deps.db, clock: ctx.deps.clock, encryptionKey: ctx.encryptionKey });
  assert.ok(deps.hibp, 'GATEHOUSE_HIBP_ONLINE=true gives an online check');
  const app = await buildApp(deps, { logger: false });
  const online: TestApp = { app, deps, auth: ctx.auth };

  try {
    await t.test('without GATEHOUSE_HIBP_ONLINE the app never calls the range API', async () => {
      assert.equal(ctx.deps.hibp, undefined);
      const res = await createWith(ctx, { password: PWNED });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(range.seen.length, 0);
    });

    await t.test('POST /v1/users with a password the range API lists → 422 form_password_pwned', async () => {
      const res = await createWith(online, { password: PWNED });
      assertError(res, 422, 'form_password_pwned', 'password');
      assert.equal(
        res.body.errors[0].message,
        'Password has been found in an online data breach. For account safety, please use a different password.',
      );
      assert.equal(range.seen.length, 1);
    });

    await t.test('PATCH /v1/users/{id} with a password the range API lists → 422 form_password_pwned', async () => {
      const user = await createTestUser(online);
      assertError(await call(online, 'PATCH', `/v1/users/${user.id}`, { password: PWNED }), 422, 'form_password_pwned', 'password');
    });

    await t.test('POST /v1/users with a password that is not listed → 200; a padding entry (count 0) does not count', async () => {
      const clean = await createWith(online, { password: CLEAN });
      assert.equal(clean.status, 200, JSON.stringify(clean.body));
      const padded = await createWith(online, { password: PADDING_ONLY });
      assert.equal(padded.status, 200, JSON.stringify(padded.body));
    });

    await t.test('the range API saw only 5-character SHA-1 prefixes, never the password or the full hash', async () => {
      assert.ok(range.seen.length >= 4, `${range.seen.length} requests`);
      const secrets = [PWNED, CLEAN, PADDING_ONLY];
      for (const request of range.seen) {
        assert.match(request.url, /^\/range\/[0-9A-F]{5}$/);
        assert.equal(request.body, '');
        const everything = `${request.url} ${request.body} ${JSON.stringify(request.headers)}`.toUpperCase();
        for (const secret of secrets) {
          assert.ok(!everything.includes(secret.toUpperCase()), 'the password left the server');
          assert.ok(!everything.includes(sha1(secret).slice(5)), 'the hash suffix left the server');
          assert.ok(!everything.includes(sha1(secret).slice(0, 6)), 'more than 5 hash characters left the server');
        }
      }
      const prefixes = new Set(range.seen.map((r) => r.url.slice('/range/'.length)));
      assert.ok(prefixes.has(sha1(PWNED).slice(0, 5)));
      assert.ok(prefixes.has(sha1(CLEAN).slice(0, 5)));
    });

    await t.test('skip_password_checks and disable_hibp skip the online check', async () => {
      const before = range.seen.length;
      const skipped = await createWith(online, { password: PWNED, skip_password_checks: true });
      assert.equal(skipped.status, 200, JSON.stringify(skipped.body));
      await setPolicy(online, { disable_hibp: true });
      const disabled = await createWith(online, { password: PWNED });
      assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
      assert.equal(range.seen.length, before, 'no request was made');
      await resetSettings(online);
    });

    await t.test('a policy violation is reported before any call to the range API', async () => {
      const before = range.seen.length;
      assertError(await createWith(online, { password: 'Sh0rt!' }), 422, 'form_password_length_too_short', 'password');
      assert.equal(range.seen.length, before);
    });

    await t.test('POST /v1/users while the range API hangs → 200 after the timeout (fails open)', async () => {
      const hanging = createServer(() => {}); // accepts, never answers
      await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
      const hangingConfig = loadConfig({
        LOG_LEVEL: 'silent',
        GATEHOUSE_DATA_DIR: '/nonexistent-gatehouse-test',
        GATEHOUSE_HIBP_ONLINE: 'true',
        GATEHOUSE_HIBP_URL: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/range`,
      });
      const hangingDeps = await createDeps(hangingConfig, { db: ctx.deps.db, clock: ctx.deps.clock, encryptionKey: ctx.encryptionKey });
      const hangingApp = await buildApp(hangingDeps, { logger: false });
      try {
        const started = performance.now();
        const res = await createWith({ app: hangingApp, deps: hangingDeps, auth: ctx.auth }, { password: PWNED });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.ok(performance.now() - started < 10_000, 'the check gives up after its timeout');
      } finally {
        await hangingApp.close();
        hanging.closeAllConnections();
        await new Promise<void>((resolve) => hanging.close(() => resolve()));
      }
    });

    await t.test('POST /v1/users while the range API is down → 200 (fails open)', async () => {
      await new Promise<void>((resolve) => range.server.close(() => resolve()));
      serverOpen = false;
      const res = await createWith(online, { password: PWNED });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.password_enabled, true);
      assert.deepEqual((await call(online, 'POST', `/v1/users/${res.body.id}/verify_password`, { password: PWNED })).body, { verified: true });
      // The offline list still applies while the online check is unavailable.
      assertError(await createWith(online, { password: 'password1' }), 422, 'form_password_pwned', 'password');
    });
  } finally {
    await app.close();
  }
});
