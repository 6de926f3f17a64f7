import assert from 'node:assert/strict';
import { createPublicKey, randomBytes, verify, type JsonWebKey } from 'node:crypto';
import { test } from 'node:test';
import { registerSecretKey } from '../../src/secret-keys/service.js';
import { assertError, buildTestApp, call, createTestUser, fixedClock, type TestApp } from '../helper.js';

// /v1/sessions, /v1/sessions/{id}, …/revoke, …/tokens and /v1/jwks through app.inject, plus the effects
// sessions have elsewhere: ban and password change with sign_out_of_other_sessions revoke them, deleting a
// user removes them, and they feed the user's last_sign_in_at / last_active_at. Time comes from a fixed
// clock so that expiry, token claims and day-precision activity are exact.

type Response = Awaited<ReturnType<typeof call>>;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK_MS = 7 * DAY;
/** 2025-06-15T12:00:00Z: a Sunday noon, far from any day boundary. */
const T0 = Date.UTC(2025, 5, 15, 12, 0, 0);
const UNKNOWN_SESSION = 'sess_doesnotexist00000000000000';
const UNKNOWN_USER = 'user_doesnotexist00000000000000';
const PASSWORD = 'Unlisted-Pass-4711';
const LIVE_KEY = 'sk_live_gatehouse_live_key_0123456789';

/** The fields of the spec's Session schema (2025-03-12), all of them, and nothing else. */
const SESSION_FIELDS = [
  'abandon_at',
  'actor',
  'client_id',
  'created_at',
  'expire_at',
  'id',
  'last_active_at',
  'last_active_organization_id',
  'latest_activity',
  'object',
  'status',
  'tasks',
  'updated_at',
  'user_id',
];


function dayOf(ms: number) {
  return ms - (ms % DAY);
}

async function createSession(ctx: TestApp, userId: string) {
  const res = await call(ctx, 'POST', '/v1/sessions', { user_id: userId });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

async function getSession(ctx: TestApp, id: string) {
  const res = await call(ctx, 'GET', `/v1/sessions/${id}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

async function getUser(ctx: TestApp, id: string) {
  const res = await call(ctx, 'GET', `/v1/users/${id}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** A body-less POST as @clerk/backend sends it: JSON content type, empty payload. */
async function sdkPost(ctx: TestApp, url: string): Promise<Response> {
  const response = await ctx.app.inject({ method: 'POST', url, headers: { ...ctx.auth, 'content-type': 'application/json' }, payload: '' });
  return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined, headers: response.headers };
}

async function mint(ctx: TestApp, sessionId: string, body: Record<string, unknown> = {}) {
  const res = await call(ctx, 'POST', `/v1/sessions/${sessionId}/tokens`, body);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.jwt as string;
}

interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

function decodeJwt(jwt: string): DecodedJwt {
  const parts = jwt.split('.');
  assert.equal(parts.length, 3, 'a compact JWS has three parts');
  const [h, p, s] = parts as [string, string, string];
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')),
    signingInput: `${h}.${p}`,
    signature: Buffer.from(s, 'base64url'),
  };
}

async function jwks(ctx: TestApp): Promise<Array<Record<string, string>>> {
  const res = await call(ctx, 'GET', '/v1/jwks');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.keys;
}

function signatureValid(decoded: DecodedJwt, jwk: Record<string, string>): boolean {
  const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  return verify('RSA-SHA256', Buffer.from(decoded.signingInput), key, decoded.signature);
}

test('sessions API', async (t) => {
  const clock = fixedClock(T0);
  const ctx = await buildTestApp(t, { clock });

  // POST /v1/sessions

  await t.test('POST /v1/sessions → 200 an active Session with every spec field', async () => {
    const user = await createTestUser(ctx);
    const now = clock.now();
    const session = await createSession(ctx, user.id);
    assert.deepEqual(Object.keys(session).sort(), SESSION_FIELDS);
    assert.equal(session.object, 'session');
    assert.match(session.id, /^sess_[0-9A-Za-z]{27}$/);
    assert.match(session.client_id, /^client_[0-9A-Za-z]{27}$/);
    assert.equal(session.user_id, user.id);
    assert.equal(session.status, 'active');
    assert.equal(session.expire_at, now + WEEK_MS, 'default lifetime 7 days');
    assert.equal(typeof session.abandon_at, 'number');
    assert.ok(session.abandon_at >= session.expire_at, 'abandonment never comes before expiry');
    assert.equal(session.last_active_at, now);
    assert.equal(session.created_at, now);
    assert.equal(session.updated_at, now);
    assert.equal(session.actor, null);
    assert.equal(session.latest_activity, null);
    assert.equal(session.last_active_organization_id, null);
    assert.equal(session.tasks, null);
    // The same thing comes back from GET.
    assert.deepEqual(await getSession(ctx, session.id), session);
  });

  await t.test('POST /v1/sessions twice → two sessions, each on its own client', async () => {
    const user = await createTestUser(ctx);
    const a = await createSession(ctx, user.id);
    const b = await createSession(ctx, user.id);
    assert.notEqual(a.id, b.id);
    assert.notEqual(a.client_id, b.client_id);
  });

  await t.test('POST /v1/sessions → 404 resource_not_found for an unknown user', async () => {
    const res = await call(ctx, 'POST', '/v1/sessions', { user_id: UNKNOWN_USER });
    assertError(res, 404, 'resource_not_found');
    assert.match(res.body.errors[0].long_message, new RegExp(UNKNOWN_USER));
  });

  await t.test('POST /v1/sessions → 422 form_param_missing without user_id', async () => {
    assertError(await call(ctx, 'POST', '/v1/sessions', {}), 422, 'form_param_missing', 'user_id');
  });

  await t.test('POST /v1/sessions → 422 form_param_missing for an empty JSON body (SDK style)', async () => {
    const res = await sdkPost(ctx, '/v1/sessions');
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.errors[0].code, 'form_param_missing');
  });

  await t.test('POST /v1/sessions → 422 form_param_unknown for an unknown field', async () => {
    const user = await createTestUser(ctx);
    assertError(await call(ctx, 'POST', '/v1/sessions', { user_id: user.id, colour: 'red' }), 422, 'form_param_unknown', 'colour');
  });

  await t.test('POST /v1/sessions with an sk_live_ key → 400 request_invalid_for_environment; other calls work', async () => {
    await registerSecretKey(ctx.deps.db, LIVE_KEY, Date.now());
    await ctx.deps.keys.reload();
    const live: TestApp = { ...ctx, auth: { authorization: `Bearer ${LIVE_KEY}` } };
    const user = await createTestUser(ctx);
    const res = await call(live, 'POST', '/v1/sessions', { user_id: user.id });
    assertError(res, 400, 'request_invalid_for_environment');
    assert.equal(res.body.errors[0].message, 'Invalid request for environment');
    // Nothing was created.
    assert.deepEqual((await call(ctx, 'GET', `/v1/sessions?user_id=${user.id}`)).body, []);
    assert.equal((await getUser(ctx, user.id)).last_sign_in_at, null);
    // Reading, revoking and minting are not restricted to development instances.
    const session = await createSession(ctx, user.id);
    assert.equal((await call(live, 'GET', `/v1/sessions/${session.id}`)).status, 200);
    assert.equal((await call(live, 'GET', `/v1/sessions?user_id=${user.id}`)).body.length, 1);
    assert.equal((await call(live, 'POST', `/v1/sessions/${session.id}/tokens`, {})).status, 200);
    assert.equal((await call(live, 'GET', '/v1/jwks')).status, 200);
  });

  await t.test('POST /v1/sessions → 403 user_banned for a banned user', async () => {
    const user = await createTestUser(ctx);
    assert.equal((await sdkPost(ctx, `/v1/users/${user.id}/ban`)).status, 200);
    const res = await call(ctx, 'POST', '/v1/sessions', { user_id: user.id });
    assertError(res, 403, 'user_banned');
    assert.deepEqual((await call(ctx, 'GET', `/v1/sessions?user_id=${user.id}`)).body, []);
    // Unbanned, the user can sign in again.
    assert.equal((await sdkPost(ctx, `/v1/users/${user.id}/unban`)).status, 200);
    assert.equal((await createSession(ctx, user.id)).status, 'active');
  });

  await t.test('POST /v1/sessions → 403 user_locked for a locked user', async () => {
    const user = await createTestUser(ctx);
    assert.equal((await sdkPost(ctx, `/v1/users/${user.id}/lock`)).status, 200);
    const res = await call(ctx, 'POST', '/v1/sessions', { user_id: user.id });
    assertError(res, 403, 'user_locked');
    assert.deepEqual((await call(ctx, 'GET', `/v1/sessions?user_id=${user.id}`)).body, []);
    assert.equal(Object.hasOwn(res.body.errors[0].meta ?? {}, 'lockout_expires_in_seconds'), true);
    assert.equal((await sdkPost(ctx, `/v1/users/${user.id}/unlock`)).status, 200);
    assert.equal((await createSession(ctx, user.id)).status, 'active');
  });

  // The user's last_sign_in_at / last_active_at

  await t.test('POST /v1/sessions sets the user last_sign_in_at (ms) and last_active_at (day precision)', async () => {
    const user = await createTestUser(ctx);
    assert.equal(user.last_sign_in_at, null);
    assert.equal(user.last_active_at, null);
    const now = clock.now();
    await createSession(ctx, user.id);
    const after = await getUser(ctx, user.id);
    assert.equal(after.last_sign_in_at, now);
    assert.equal(after.last_active_at, dayOf(now), 'midnight UTC of the sign-in day');
    assert.equal(after.last_active_at % DAY, 0);
  });

  await t.test('GET /v1/users last_active_at_after/before and order_by last_sign_in_at/last_active_at see sessions', async () => {
    const day1 = clock.now();
    const a = await createTestUser(ctx);
    const b = await createTestUser(ctx);
    const c = await createTestUser(ctx); // never signs in
    await createSession(ctx, a.id);
    clock.advance(DAY);
    const day2 = clock.now();
    await createSession(ctx, b.id);
    const ids = `user_id=${a.id}&user_id=${b.id}&user_id=${c.id}`;
    const list = async (query: string) => {
      const res = await call(ctx, 'GET', `/v1/users?${ids}&${query}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.map((u: { id: string }) => u.id);
    };
    assert.deepEqual(await list(`last_active_at_after=${dayOf(day1) + 12 * HOUR}`), [b.id]);
    assert.deepEqual(await list(`last_active_at_before=${dayOf(day1) + 12 * HOUR}`), [a.id]);
    assert.deepEqual(new Set(await list(`last_active_at_after=${dayOf(day1) - HOUR}`)), new Set([a.id, b.id]));
    assert.deepEqual(await list(`last_active_at_after=${dayOf(day2) + HOUR}`), []);
    assert.deepEqual(await list('order_by=-last_sign_in_at'), [b.id, a.id, c.id]);
    assert.deepEqual(await list('order_by=%2Blast_sign_in_at'), [a.id, b.id, c.id]);
    assert.deepEqual(await list('order_by=last_active_at'), [a.id, b.id, c.id]);
    assert.deepEqual(await list('order_by=-last_active_at'), [b.id, a.id, c.id]);
    const count = await call(ctx, 'GET', `/v1/users/count?${ids}&last_active_at_after=${dayOf(day1) - HOUR}`);
    assert.equal(count.body.total_count, 2);
  });

  // GET /v1/sessions

  await t.test('GET /v1/sessions → a bare array by default, {data,total_count} with paginated=true', async () => {
    const user = await createTestUser(ctx);
    const first = await createSession(ctx, user.id);
    clock.advance(SECOND);
    const second = await createSession(ctx, user.id);
    clock.advance(SECOND);
    const third = await createSession(ctx, user.id);

    const bare = await call(ctx, 'GET', `/v1/sessions?user_id=${user.id}`);
    assert.equal(bare.status, 200);
    assert.ok(Array.isArray(bare.body));
    assert.deepEqual(bare.body.map((s: { id: string }) => s.id), [third.id, second.id, first.id], 'newest first');
    assert.deepEqual(bare.body[0], third);

    const notPaginated = await call(ctx, 'GET', `/v1/sessions?user_id=${user.id}&paginated=false`);
    assert.ok(Array.isArray(notPaginated.body));

    const paged = await call(ctx, 'GET', `/v1/sessions?user_id=${user.id}&paginated=true`);
    assert.equal(paged.status, 200);
    assert.deepEqual(Object.keys(paged.body).sort(), ['data', 'total_count']);
    assert.equal(paged.body.total_count, 3);
    assert.deepEqual(paged.body.data.map((s: { id: string }) => s.id), [third.id, second.id, first.id]);
  });

  await t.test('GET /v1/sessions limit/offset page through, total_count ignores them', async () => {
    const user = await createTestUser(ctx);
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(SECOND);
      created.unshift((await createSession(ctx, user.id)).id);
    }
    const page = async (q: string) => (await call(ctx, 'GET', `/v1/sessions?user_id=${user.id}&${q}`)).body;
    assert.deepEqual((await page('limit=2')).map((s: { id: string }) => s.id), created.slice(0, 2));
    assert.deepEqual((await page('limit=2&offset=2')).map((s: { id: string }) => s.id), created.slice(2, 4));
    assert.deepEqual((await page('limit=2&offset=4')).map((s: { id: string }) => s.id), created.slice(4));
    assert.deepEqual(await page('offset=5'), []);
    const paged = await page('limit=2&offset=1&paginated=true');
    assert.equal(paged.total_count, 5);
    assert.deepEqual(paged.data.map((s: { id: string }) => s.id), created.slice(1, 3));
  });

  await t.test('GET /v1/sessions filters by user_id, client_id and status', async () => {
    const u1 = await createTestUser(ctx);
    const u2 = await createTestUser(ctx);
    const s1 = await createSession(ctx, u1.id);
    const s2 = await createSession(ctx, u1.id);
    const s3 = await createSession(ctx, u2.id);
    assert.equal((await sdkPost(ctx, `/v1/sessions/${s2.id}/revoke`)).status, 200);
    const ids = async (q: string) => {
      const res = await call(ctx, 'GET', `/v1/sessions?${q}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return new Set(res.body.map((s: { id: string }) => s.id));
    };
    assert.deepEqual(await ids(`user_id=${u1.id}`), new Set([s1.id, s2.id]));
    assert.deepEqual(await ids(`user_id=${u2.id}`), new Set([s3.id]));
    assert.deepEqual(await ids(`client_id=${s1.client_id}`), new Set([s1.id]));
    assert.deepEqual(await ids(`client_id=${s1.client_id}&user_id=${u2.id}`), new Set());
    assert.deepEqual(await ids(`user_id=${u1.id}&status=active`), new Set([s1.id]));
    assert.deepEqual(await ids(`user_id=${u1.id}&status=revoked`), new Set([s2.id]));
    assert.deepEqual(await ids(`user_id=${u1.id}&status=ended`), new Set());
    assert.deepEqual(await ids(`user_id=${UNKNOWN_USER}`), new Set());
    const paged = await call(ctx, 'GET', `/v1/sessions?user_id=${u1.id}&status=revoked&paginated=true`);
    assert.equal(paged.body.total_count, 1);
  });

  await t.test('GET /v1/sessions → 422 for an invalid status, limit or offset', async () => {
    assertError(await call(ctx, 'GET', '/v1/sessions?status=sleeping'), 422, 'form_param_value_invalid', 'status');
    assertError(await call(ctx, 'GET', '/v1/sessions?limit=0'), 422, 'form_param_value_invalid', 'limit');
    assertError(await call(ctx, 'GET', '/v1/sessions?limit=501'), 422, 'form_param_value_invalid', 'limit');
    assertError(await call(ctx, 'GET', '/v1/sessions?offset=-1'), 422, 'form_param_value_invalid', 'offset');
  });

  // GET /v1/sessions/{id}

  await t.test('GET /v1/sessions/{id} → 404 resource_not_found "Session not found"', async () => {
    const res = await call(ctx, 'GET', `/v1/sessions/${UNKNOWN_SESSION}`);
    assertError(res, 404, 'resource_not_found');
    assert.equal(res.body.errors[0].message, 'Session not found');
    assert.equal(res.body.errors[0].long_message, `No session was found with id ${UNKNOWN_SESSION}`);
  });

  // POST /v1/sessions/{id}/revoke

  await t.test('POST /v1/sessions/{id}/revoke → 200 status revoked; again → unchanged', async () => {
    const user = await createTestUser(ctx);
    const session = await createSession(ctx, user.id);
    clock.advance(MINUTE);
    const revokedAt = clock.now();
    const res = await sdkPost(ctx, `/v1/sessions/${session.id}/revoke`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.object, 'session');
    assert.equal(res.body.id, session.id);
    assert.equal(res.body.status, 'revoked');
    assert.equal(res.body.updated_at, revokedAt);
    assert.equal(res.body.created_at, session.created_at);
    assert.equal(res.body.expire_at, session.expire_at);
    assert.equal((await getSession(ctx, session.id)).status, 'revoked');

    clock.advance(MINUTE);
    const again = await sdkPost(ctx, `/v1/sessions/${session.id}/revoke`);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, res.body, 'a second revoke changes nothing');
  });

  await t.test('POST /v1/sessions/{id}/revoke → 404 for an unknown session', async () => {
    const res = await sdkPost(ctx, `/v1/sessions/${UNKNOWN_SESSION}/revoke`);
    assertError(res, 404, 'resource_not_found');
    assert.equal(res.body.errors[0].message, 'Session not found');
  });

  // POST /v1/sessions/{id}/tokens

  await t.test('POST /v1/sessions/{id}/tokens → 200 {object:token, jwt}: RS256, kid in the JWKS, Clerk claims', async () => {
    const user = await createTestUser(ctx);
    const session = await createSession(ctx, user.id);
    clock.advance(5 * MINUTE + 30 * SECOND);
    const now = clock.now();
    const res = await sdkPost(ctx, `/v1/sessions/${session.id}/tokens`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(Object.keys(res.body).sort(), ['jwt', 'object']);
    assert.equal(res.body.object, 'token');
    const decoded = decodeJwt(res.body.jwt);
    assert.equal(decoded.header.alg, 'RS256');
    assert.equal(decoded.header.typ, 'JWT');
    assert.equal(typeof decoded.header.kid, 'string');
    const keys = await jwks(ctx);
    const jwk = keys.find((k) => k.kid === decoded.header.kid);
    assert.ok(jwk, `kid ${String(decoded.header.kid)} is in the JWKS`);
    assert.equal(signatureValid(decoded, jwk), true, 'the signature verifies with the published key');

    const iat = Math.floor(now / 1000);
    // The 2025-03-12 era's (v1) claims: no `v`; org_* only with an active organization.
    assert.deepEqual(Object.keys(decoded.payload).sort(), ['exp', 'fva', 'iat', 'iss', 'nbf', 'sid', 'sub']);
    assert.equal(decoded.payload.sub, user.id);
    assert.equal(decoded.payload.sid, session.id);
    assert.equal(decoded.payload.iss, ctx.deps.config.issuer);
    assert.equal(decoded.payload.iat, iat);
    assert.equal(decoded.payload.nbf, iat - 10);
    assert.equal(decoded.payload.exp, iat + 60, 'default lifetime 60 s');
    assert.deepEqual(decoded.payload.fva, [5, -1], 'minutes since the first factor, no second factor');
  });

  await t.test('POST /v1/sessions/{id}/tokens honours expires_in_seconds within 30..315360000', async () => {
    const user = await createTestUser(ctx);
    const session = await createSession(ctx, user.id);
    const iat = Math.floor(clock.now() / 1000);
    assert.equal(decodeJwt(await mint(ctx, session.id, { expires_in_seconds: 120 })).payload.exp, iat + 120);
    assert.equal(decodeJwt(await mint(ctx, session.id, { expires_in_seconds: 30 })).payload.exp, iat + 30);
    assert.equal(decodeJwt(await mint(ctx, session.id, { expires_in_seconds: 315_360_000 })).payload.exp, iat + 315_360_000);
    assert.equal(decodeJwt(await mint(ctx, session.id, { expires_in_seconds: null })).payload.exp, iat + 60);
    const tooShort = await call(ctx, 'POST', `/v1/sessions/${session.id}/tokens`, { expires_in_seconds: 29 });
    assertError(tooShort, 422, 'form_param_value_invalid', 'expires_in_seconds');
    const tooLong = await call(ctx, 'POST', `/v1/sessions/${session.id}/tokens`, { expires_in_seconds: 315_360_001 });
    assertError(tooLong, 422, 'form_param_value_invalid', 'expires_in_seconds');
    const notInt = await call(ctx, 'POST', `/v1/sessions/${session.id}/tokens`, { expires_in_seconds: '120' });
    assert.equal(notInt.status, 422, JSON.stringify(notInt.body));
  });

  await t.test('POST /v1/sessions/{id}/tokens → 404 for a revoked or unknown session', async () => {
    const user = await createTestUser(ctx);
    const session = await createSession(ctx, user.id);
    assert.equal((await sdkPost(ctx, `/v1/sessions/${session.id}/revoke`)).status, 200);
    const revoked = await sdkPost(ctx, `/v1/sessions/${session.id}/tokens`);
    assertError(revoked, 404, 'resource_not_found');
    assert.equal(revoked.body.errors[0].message, 'Session not found');
    assertError(await sdkPost(ctx, `/v1/sessions/${UNKNOWN_SESSION}/tokens`), 404, 'resource_not_found');
  });

  await t.test('POST /v1/sessions/{id}/tokens moves the session last_active_at and the user last_active_at day', async () => {
    const user = await createTestUser(ctx);
    const session = await createSession(ctx, user.id);
    const signInDay = dayOf(clock.now());
    clock.advance(DAY + 3 * HOUR);
    const now = clock.now();
    await mint(ctx, session.id);
    const after = await getSession(ctx, session.id);
    assert.equal(after.last_active_at, now);
    const u = await getUser(ctx, user.id);
    assert.equal(u.last_active_at, dayOf(now), 'activity on a later day moves the user last_active_at');
    assert.notEqual(u.last_active_at, signInDay);
    assert.equal(u.last_sign_in_at, session.created_at, 'minting is not a sign-in');
  });

  // GET /v1/jwks

  await t.test('GET /v1/jwks → the public RSA-2048 key: kid, alg RS256, use sig, n/e, no private parts', async () => {
    const res = await call(ctx, 'GET', '/v1/jwks');
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), ['keys']);
    assert.equal(res.body.keys.length, 1);
    const [key] = res.body.keys;
    assert.deepEqual(Object.keys(key).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
    assert.equal(key.kty, 'RSA');
    assert.equal(key.alg, 'RS256');
    assert.equal(key.use, 'sig');
    assert.equal(typeof key.kid, 'string');
    assert.ok(key.kid.length > 0);
    assert.equal(key.e, 'AQAB');
    assert.equal(Buffer.from(key.n, 'base64url').length, 256, '2048-bit modulus');
    const parsed = createPublicKey({ key, format: 'jwk' });
    assert.equal(parsed.asymmetricKeyDetails?.modulusLength, 2048);
    for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
      assert.ok(!res.body.keys.some((k: object) => Object.hasOwn(k, part)), `no "${part}" in the JWKS`);
    }
    assert.doesNotMatch(JSON.stringify(res.body), /"(d|p|q|dp|dq|qi)":/);
    assert.doesNotMatch(JSON.stringify(res.body), /PRIVATE KEY/);
  });

  await t.test('GET /v1/jwks → 401 without a secret key', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/jwks' });
    assert.equal(res.statusCode, 401);
    assert.equal(JSON.parse(res.body).errors[0].code, 'clerk_key_invalid');
  });

  // Effects of user actions on sessions

  await t.test('POST /v1/users/{id}/ban revokes every active session of the user, and only those', async () => {
    const user = await createTestUser(ctx);
    const other = await createTestUser(ctx);
    const a = await createSession(ctx, user.id);
    const b = await createSession(ctx, user.id);
    const c = await createSession(ctx, user.id);
    const theirs = await createSession(ctx, other.id);
    assert.equal((await sdkPost(ctx, `/v1/sessions/${c.id}/revoke`)).status, 200);
    const cBefore = await getSession(ctx, c.id);
    clock.advance(MINUTE);
    assert.equal((await sdkPost(ctx, `/v1/users/${user.id}/ban`)).status, 200);
    assert.equal((await getSession(ctx, a.id)).status, 'revoked');
    assert.equal((await getSession(ctx, b.id)).status, 'revoked');
    assert.deepEqual(await getSession(ctx, c.id), cBefore, 'an already revoked session is left as it was');
    assert.equal((await getSession(ctx, theirs.id)).status, 'active', "another user's session is untouched");
    assertError(await sdkPost(ctx, `/v1/sessions/${a.id}/tokens`), 404, 'resource_not_found');
  });

  await t.test('PATCH /v1/users/{id} with password + sign_out_of_other_sessions:true revokes all active sessions', async () => {
    const user = await createTestUser(ctx);
    const a = await createSession(ctx, user.id);
    const b = await createSession(ctx, user.id);
    const res = await call(ctx, 'PATCH', `/v1/users/${user.id}`, { password: PASSWORD, sign_out_of_other_sessions: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((await getSession(ctx, a.id)).status, 'revoked');
    assert.equal((await getSession(ctx, b.id)).status, 'revoked');
  });

  await t.test('PATCH /v1/users/{id} with a password alone (or sign_out_of_other_sessions:false) keeps sessions active', async () => {
    const user = await createTestUser(ctx);
    const a = await createSession(ctx, user.id);
    assert.equal((await call(ctx, 'PATCH', `/v1/users/${user.id}`, { password: PASSWORD })).status, 200);
    assert.equal((await getSession(ctx, a.id)).status, 'active');
    const res = await call(ctx, 'PATCH', `/v1/users/${user.id}`, { password: `${PASSWORD}-2`, sign_out_of_other_sessions: false });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((await getSession(ctx, a.id)).status, 'active');
  });

  await t.test('PATCH /v1/users/{id} sign_out_of_other_sessions without password → 422, sessions stay', async () => {
    const user = await createTestUser(ctx);
    const a = await createSession(ctx, user.id);
    const res = await call(ctx, 'PATCH', `/v1/users/${user.id}`, { sign_out_of_other_sessions: true });
    assertError(res, 422, 'form_conditional_param_missing', 'password');
    assert.equal((await getSession(ctx, a.id)).status, 'active');
  });

  await t.test('DELETE /v1/users/{id} removes its sessions → GET /v1/sessions/{id} 404', async () => {
    const user = await createTestUser(ctx);
    const other = await createTestUser(ctx);
    const a = await createSession(ctx, user.id);
    const b = await createSession(ctx, user.id);
    const theirs = await createSession(ctx, other.id);
    const del = await ctx.app.inject({ method: 'DELETE', url: `/v1/users/${user.id}`, headers: ctx.auth });
    assert.equal(del.statusCode, 200, del.body);
    for (const s of [a, b]) {
      const res = await call(ctx, 'GET', `/v1/sessions/${s.id}`);
      assertError(res, 404, 'resource_not_found');
      assert.equal(res.body.errors[0].message, 'Session not found');
    }
    assert.deepEqual((await call(ctx, 'GET', `/v1/sessions?user_id=${user.id}`)).body, []);
    assert.deepEqual((await call(ctx, 'GET', `/v1/sessions?client_id=${a.client_id}`)).body, []);
    assert.equal((await getSession(ctx, theirs.id)).status, 'active');
  });
});

test('concurrent ban and POST /v1/sessions never leave a banned user with an active session', async (t) => {
  // On PostgreSQL the two requests really overlap (a pool of connections); PGlite runs them one after
  // the other. Either order is fine: the session is refused (403), or created and then revoked by the ban.
  const ctx = await buildTestApp(t);
  const outcomes = new Map<string, number>();
  for (let i = 0; i < 25; i++) {
    const user = await createTestUser(ctx);
    const [ban, created] = await Promise.all([
      sdkPost(ctx, `/v1/users/${user.id}/ban`),
      call(ctx, 'POST', '/v1/sessions', { user_id: user.id }),
    ]);
    assert.equal(ban.status, 200, JSON.stringify(ban.body));
    assert.ok(created.status === 200 || created.status === 403, JSON.stringify(created.body));
    const active = await call(ctx, 'GET', `/v1/sessions?user_id=${user.id}&status=active`);
    assert.deepEqual(active.body, [], `run ${i}: session ${created.status}, but the banned user still has an active session`);
    outcomes.set(String(created.status), (outcomes.get(String(created.status)) ?? 0) + 1);
  }
  t.diagnostic(`session outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`);
});

test('sessions expire with time', async (t) => {
  const clock = fixedClock(T0);
  const ctx = await buildTestApp(t, { clock });

  await t.test('past expire_at: GET shows expired, list filters agree, no token, revoke leaves it expired', async () => {
    const user = await createTestUser(ctx);
    const old = await createSession(ctx, user.id);
    clock.advance(DAY);
    const fresh = await createSession(ctx, user.id);
    clock.set(old.expire_at - 1);
    assert.equal((await getSession(ctx, old.id)).status, 'active', 'still active 1 ms before expire_at');
    clock.set(old.expire_at);
    assert.equal((await getSession(ctx, old.id)).status, 'expired');
    assert.equal((await getSession(ctx, fresh.id)).status, 'active');

    const ids = async (status: string) =>
      (await call(ctx, 'GET', `/v1/sessions?user_id=${user.id}&status=${status}`)).body.map((s: { id: string }) => s.id);
    assert.deepEqual(await ids('expired'), [old.id]);
    assert.deepEqual(await ids('active'), [fresh.id]);
    const all = (await call(ctx, 'GET', `/v1/sessions?user_id=${user.id}&paginated=true`)).body;
    assert.equal(all.total_count, 2);
    assert.deepEqual(all.data.map((s: { status: string }) => s.status), ['active', 'expired']);
    const expiredCount = (await call(ctx, 'GET', `/v1/sessions?user_id=${user.id}&status=expired&paginated=true`)).body;
    assert.equal(expiredCount.total_count, 1);

    const token = await sdkPost(ctx, `/v1/sessions/${old.id}/tokens`);
    assertError(token, 404, 'resource_not_found');
    assert.equal(token.body.errors[0].message, 'Session not found');

    const revoke = await sdkPost(ctx, `/v1/sessions/${old.id}/revoke`);
    assert.equal(revoke.status, 200);
    assert.equal(revoke.body.status, 'expired', 'an expired session is not turned into a revoked one');
    assert.equal(revoke.body.updated_at, old.updated_at);
    assert.equal((await getSession(ctx, old.id)).status, 'expired');
  });

  await t.test('a ban after expiry does not rewrite expired sessions', async () => {
    const user = await createTestUser(ctx);
    const session = await createSession(ctx, user.id);
    clock.set(session.expire_at + HOUR);
    assert.equal((await sdkPost(ctx, `/v1/users/${user.id}/ban`)).status, 200);
    assert.equal((await getSession(ctx, session.id)).status, 'expired');
  });

  await t.test('an expired session stays expired after abandon_at (the first deadline reached wins)', async () => {
    const user = await createTestUser(ctx);
    const session = await createSession(ctx, user.id);
    assert.ok(session.abandon_at > session.expire_at, 'default: expiry (7 days) comes before abandonment');
    clock.set(session.abandon_at + DAY);
    assert.equal((await getSession(ctx, session.id)).status, 'expired');
    const ids = async (status: string) =>
      (await call(ctx, 'GET', `/v1/sessions?user_id=${user.id}&status=${status}`)).body.map((s: { id: string }) => s.id);
    assert.deepEqual(await ids('expired'), [session.id]);
    assert.deepEqual(await ids('abandoned'), []);
  });

  await t.test('a session abandoned before its expiry reads abandoned, and list filters agree', async () => {
    const user = await createTestUser(ctx);
    const session = await createSession(ctx, user.id);
    // Not reachable through the API today (abandon_at >= expire_at at creation): set it in the store,
    // as an inactivity timeout would.
    const abandonAt = session.created_at + DAY;
    await ctx.deps.db.updateTable('sessions').set({ abandon_at: abandonAt }).where('id', '=', session.id).execute();
    clock.set(abandonAt - 1);
    assert.equal((await getSession(ctx, session.id)).status, 'active');
    clock.set(abandonAt);
    assert.equal((await getSession(ctx, session.id)).status, 'abandoned');
    clock.set(session.expire_at + DAY);
    assert.equal((await getSession(ctx, session.id)).status, 'abandoned', 'still abandoned after expire_at');
    const ids = async (status: string) =>
      (await call(ctx, 'GET', `/v1/sessions?user_id=${user.id}&status=${status}`)).body.map((s: { id: string }) => s.id);
    assert.deepEqual(await ids('abandoned'), [session.id]);
    assert.deepEqual(await ids('expired'), []);
    assert.deepEqual(await ids('active'), []);
    assertError(await sdkPost(ctx, `/v1/sessions/${session.id}/tokens`), 404, 'resource_not_found');
  });

  await t.test('a token minted just before expiry; none at expiry', async () => {
    const user = await createTestUser(ctx);
    const session = await createSession(ctx, user.id);
    clock.set(session.expire_at - SECOND);
    assert.equal((await sdkPost(ctx, `/v1/sessions/${session.id}/tokens`)).status, 200);
    clock.set(session.expire_at);
    assertError(await sdkPost(ctx, `/v1/sessions/${session.id}/tokens`), 404, 'resource_not_found');
  });
});

test('session settings: max_lifetime and token_lifetime', async (t) => {
  const clock = fixedClock(T0);
  const ctx = await buildTestApp(t, { clock });

  await t.test('PATCH /v1/gatehouse/settings sessions.max_lifetime changes expire_at of new sessions only', async () => {
    const user = await createTestUser(ctx);
    const before = await createSession(ctx, user.id);
    assert.equal(before.expire_at, T0 + WEEK_MS);
    const res = await call(ctx, 'PATCH', '/v1/gatehouse/settings', { sessions: { max_lifetime: 3600 } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.sessions.max_lifetime, 3600);
    assert.equal(res.body.sessions.token_lifetime, 60, 'the other session setting keeps its value');
    clock.advance(MINUTE);
    const after = await createSession(ctx, user.id);
    assert.equal(after.expire_at, clock.now() + HOUR);
    assert.ok(after.abandon_at >= after.expire_at);
    assert.equal((await getSession(ctx, before.id)).expire_at, T0 + WEEK_MS, 'existing sessions keep their expiry');
    clock.set(after.expire_at);
    assert.equal((await getSession(ctx, after.id)).status, 'expired');
    assert.equal((await getSession(ctx, before.id)).status, 'active');
  });

  await t.test('max_lifetime over 30 days: at expire_at the session reads expired, not abandoned', async () => {
    const res = await call(ctx, 'PATCH', '/v1/gatehouse/settings', { sessions: { max_lifetime: 60 * 24 * 3600 } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const user = await createTestUser(ctx);
    const session = await createSession(ctx, user.id);
    assert.equal(session.expire_at, clock.now() + 60 * DAY);
    assert.ok(session.abandon_at >= session.expire_at);
    clock.set(session.expire_at - 1);
    assert.equal((await getSession(ctx, session.id)).status, 'active');
    clock.set(session.expire_at);
    assert.equal((await getSession(ctx, session.id)).status, 'expired', 'it reached its maximum lifetime');
    const expired = (await call(ctx, 'GET', `/v1/sessions?user_id=${user.id}&status=expired`)).body;
    assert.deepEqual(expired.map((s: { id: string }) => s.id), [session.id]);
    assert.equal((await call(ctx, 'PATCH', '/v1/gatehouse/settings', { sessions: { max_lifetime: 7 * 24 * 3600 } })).status, 200);
  });

  await t.test('PATCH /v1/gatehouse/settings sessions.token_lifetime changes the default token exp', async () => {
    const user = await createTestUser(ctx);
    const session = await createSession(ctx, user.id);
    const res = await call(ctx, 'PATCH', '/v1/gatehouse/settings', { sessions: { token_lifetime: 300 } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const iat = Math.floor(clock.now() / 1000);
    assert.equal(decodeJwt(await mint(ctx, session.id)).payload.exp, iat + 300);
    assert.equal(decodeJwt(await mint(ctx, session.id, { expires_in_seconds: 45 })).payload.exp, iat + 45, 'the request still wins');
  });

  await t.test('PATCH /v1/gatehouse/settings rejects out-of-range session settings', async () => {
    assert.equal((await call(ctx, 'PATCH', '/v1/gatehouse/settings', { sessions: { token_lifetime: 29 } })).status, 422);
    assert.equal((await call(ctx, 'PATCH', '/v1/gatehouse/settings', { sessions: { max_lifetime: 0 } })).status, 422);
    const current = await call(ctx, 'GET', '/v1/gatehouse/settings');
    assert.equal(current.body.sessions.token_lifetime, 300);
  });
});
