import assert from 'node:assert/strict';
import { createSign, generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createClerkClient, verifyToken, type Session } from '@clerk/backend';
import { TokenVerificationError, TokenVerificationErrorReason } from '@clerk/backend/errors';
import { getSigningPublicKeyPem } from '../../src/keys/service.js';
import type { Clock } from '../../src/lib/clock.js';
import { SECRET_KEY, buildTestApp, uniqueEmail } from '../helper.js';
import { apiError } from './support.js';

// Sessions and session tokens end to end with the official SDK (@clerk/backend 3.25) against the app on
// 127.0.0.1: the SDK's session calls, then the tokens verified the ways an app's backend verifies them
// (verifyToken networked and with a PEM, authenticateRequest with a Bearer header), and the ways a bad
// token must fail. verifyToken checks exp/iat/nbf against the real clock, so the server runs on the
// real clock too, shifted into the past only to mint an already expired token.

process.env.CLERK_TELEMETRY_DISABLED = '1';

/** pk_test_ + base64("<frontend api host>$"), as Clerk's publishable keys are made. */
const PUBLISHABLE_KEY = `pk_test_${Buffer.from('gatehouse.example.com$').toString('base64')}`;

/** The real clock, which the test can shift. */
function shiftableClock(): Clock & { shift(ms: number): void } {
  let offset = 0;
  return { now: () => Date.now() + offset, shift: (ms) => (offset = ms) };
}

function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function parts(jwt: string) {
  const [h = '', p = '', s = ''] = jwt.split('.');
  return {
    h,
    p,
    s,
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>,
  };
}


/**
 * In 3.25 the exported verifyToken throws the first TokenVerificationError (withLegacyReturn) rather
 * than returning { errors }. Returns the error.
 */
async function verifyFails(jwt: string, options: Parameters<typeof verifyToken>[1]): Promise<TokenVerificationError> {
  let result: unknown;
  try {
    result = await verifyToken(jwt, options);
  } catch (error) {
    assert.ok(error instanceof TokenVerificationError, `expected a TokenVerificationError, got ${String(error)}`);
    return error;
  }
  assert.fail(`verifyToken should have thrown, returned ${JSON.stringify(result)}`);
}

function assertSession(value: unknown): asserts value is Session {
  assert.equal(typeof value, 'object');
  assert.match((value as object).constructor.name, /^_?Session$/);
}

test('@clerk/backend 3.25 sessions and session tokens against a running Gatehouse', async (t) => {
  const clock = shiftableClock();
  const ctx = await buildTestApp(t, { clock });
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = ctx.app.server.address() as AddressInfo;
  const apiUrl = `http://127.0.0.1:${port}`;
  const clerk = createClerkClient({ secretKey: SECRET_KEY, apiUrl, telemetry: { disabled: true } });
  const networked = { secretKey: SECRET_KEY, apiUrl };

  const user = await clerk.users.createUser({ emailAddress: [uniqueEmail('sdk-sess')] });
  const other = await clerk.users.createUser({ emailAddress: [uniqueEmail('sdk-sess-other')] });
  let session!: Session;
  let jwt = '';

  await t.test('sessions.createSession({ userId }) → an active Session', async () => {
    session = await clerk.sessions.createSession({ userId: user.id });
    assertSession(session);
    assert.match(session.id, /^sess_/);
    assert.match(session.clientId, /^client_/);
    assert.equal(session.userId, user.id);
    assert.equal(session.status, 'active');
    assert.equal(typeof session.expireAt, 'number');
    assert.ok(session.expireAt > Date.now() + 6 * 24 * 3600 * 1000);
    assert.ok(session.abandonAt >= session.expireAt);
    assert.equal(session.lastActiveOrganizationId, null);
    assert.equal(session.actor, null);
  });

  await t.test('sessions.createSession for an unknown user → 404; for a banned user → 403 user_banned', async () => {
    const missing = await apiError(() => clerk.sessions.createSession({ userId: 'user_doesnotexist00000000000000' }));
    assert.equal(missing.status, 404);
    assert.equal(missing.errors[0]?.code, 'resource_not_found');
    const banned = await clerk.users.createUser({ emailAddress: [uniqueEmail('sdk-banned')] });
    await clerk.users.banUser(banned.id);
    const error = await apiError(() => clerk.sessions.createSession({ userId: banned.id }));
    assert.equal(error.status, 403);
    assert.equal(error.errors[0]?.code, 'user_banned');
  });

  await t.test('sessions.getSession(id) → the same Session', async () => {
    const got = await clerk.sessions.getSession(session.id);
    assertSession(got);
    assert.equal(got.id, session.id);
    assert.equal(got.userId, user.id);
    assert.equal(got.status, 'active');
    assert.equal(got.createdAt, session.createdAt);
    const missing = await apiError(() => clerk.sessions.getSession('sess_doesnotexist00000000000000'));
    assert.equal(missing.status, 404);
    assert.equal(missing.errors[0]?.message, 'Session not found');
  });

  await t.test('sessions.getSessionList({ userId }) → { data: Session[], totalCount }', async () => {
    const second = await clerk.sessions.createSession({ userId: user.id });
    const list = await clerk.sessions.getSessionList({ userId: user.id });
    assert.equal(list.totalCount, 2);
    assert.equal(list.data.length, 2);
    list.data.forEach((s) => assertSession(s));
    assert.deepEqual(new Set(list.data.map((s) => s.id)), new Set([session.id, second.id]));
    const page = await clerk.sessions.getSessionList({ userId: user.id, limit: 1, offset: 1 });
    assert.equal(page.totalCount, 2);
    assert.equal(page.data.length, 1);
    await clerk.sessions.revokeSession(second.id);
    const active = await clerk.sessions.getSessionList({ userId: user.id, status: 'active' });
    assert.deepEqual(active.data.map((s) => s.id), [session.id]);
    assert.equal(active.totalCount, 1);
  });

  await t.test('sessions.getToken(sessionId) → a Token whose jwt carries sub and sid', async () => {
    const token = await clerk.sessions.getToken(session.id);
    assert.match(token.constructor.name, /^_?Token$/);
    jwt = token.jwt;
    assert.equal(typeof jwt, 'string');
    const { header, payload } = parts(jwt);
    assert.equal(header.alg, 'RS256');
    assert.equal(payload.sub, user.id);
    assert.equal(payload.sid, session.id);
    assert.equal((payload.exp as number) - (payload.iat as number), 60);
    const longer = await clerk.sessions.getToken(session.id, undefined, 120);
    const p = parts(longer.jwt).payload;
    assert.equal((p.exp as number) - (p.iat as number), 120, 'expiresInSeconds is honoured');
  });

  await t.test('verifyToken(jwt, { secretKey, apiUrl }) fetches /v1/jwks and accepts the token', async () => {
    const claims = await verifyToken(jwt, networked);
    assert.equal(claims.sub, user.id);
    assert.equal(claims.sid, session.id);
    assert.equal(claims.iss, ctx.deps.config.issuer);
    // An issuer check the app may configure passes too.
    const withIssuer = await verifyToken(jwt, { ...networked, issuer: ctx.deps.config.issuer });
    assert.equal(withIssuer.sub, user.id);
  });

  await t.test('verifyToken(jwt, { jwtKey: PEM }) (networkless) accepts the token', async () => {
    const pem = await getSigningPublicKeyPem(ctx.deps);
    const claims = await verifyToken(jwt, { jwtKey: pem });
    assert.equal(claims.sub, user.id);
    assert.equal(claims.sid, session.id);
  });

  await t.test('authenticateRequest with the token as a Bearer header → signed in as the user', async () => {
    const request = new Request('http://localhost/', { headers: { authorization: `Bearer ${jwt}` } });
    const state = await clerk.authenticateRequest(request, { publishableKey: PUBLISHABLE_KEY });
    assert.equal(state.isAuthenticated, true, `reason: ${String(state.reason)} ${String(state.message)}`);
    assert.equal(state.status, 'signed-in');
    const auth = state.toAuth();
    assert.equal(auth?.userId, user.id);
    assert.equal(auth?.sessionId, session.id);
    assert.equal(state.token, jwt);
  });

  await t.test('authenticateRequest with the jwtKey option (networkless) → signed in', async () => {
    const request = new Request('http://localhost/', { headers: { authorization: `Bearer ${jwt}` } });
    const state = await clerk.authenticateRequest(request, { publishableKey: PUBLISHABLE_KEY, jwtKey: await getSigningPublicKeyPem(ctx.deps) });
    assert.equal(state.isAuthenticated, true, `reason: ${String(state.reason)}`);
    assert.equal(state.toAuth()?.userId, user.id);
  });

  await t.test('a token for a revoked session still verifies as a JWT, but getSession says revoked', async () => {
    const doomed = await clerk.sessions.createSession({ userId: user.id });
    const token = (await clerk.sessions.getToken(doomed.id)).jwt;
    const revoked = await clerk.sessions.revokeSession(doomed.id);
    assertSession(revoked);
    assert.equal(revoked.status, 'revoked');
    const claims = await verifyToken(token, networked);
    assert.equal(claims.sid, doomed.id, 'session tokens are stateless');
    assert.equal((await clerk.sessions.getSession(doomed.id)).status, 'revoked');
    // And no new token for it.
    const error = await apiError(() => clerk.sessions.getToken(doomed.id));
    assert.equal(error.status, 404);
    assert.equal(error.errors[0]?.code, 'resource_not_found');
  });

  await t.test('sessions.revokeSession(id) twice → the revoked Session both times', async () => {
    const s = await clerk.sessions.createSession({ userId: other.id });
    const first = await clerk.sessions.revokeSession(s.id);
    const again = await clerk.sessions.revokeSession(s.id);
    assert.equal(first.status, 'revoked');
    assert.equal(again.status, 'revoked');
    assert.equal(again.updatedAt, first.updatedAt);
  });

  // Failure cases: every one must be rejected by verifyToken and by authenticateRequest.

  await t.test('a tampered payload (sub changed, signature kept) fails verification', async () => {
    const { h, s, payload } = parts(jwt);
    const forged = `${h}.${b64json({ ...payload, sub: other.id })}.${s}`;
    const error = await verifyFails(forged, networked);
    assert.equal(error.reason, TokenVerificationErrorReason.TokenInvalidSignature);
    const offline = await verifyFails(forged, { jwtKey: await getSigningPublicKeyPem(ctx.deps) });
    assert.equal(offline.reason, TokenVerificationErrorReason.TokenInvalidSignature);
    const request = new Request('http://localhost/', { headers: { authorization: `Bearer ${forged}` } });
    const state = await clerk.authenticateRequest(request, { publishableKey: PUBLISHABLE_KEY });
    assert.equal(state.isAuthenticated, false);
    assert.equal(state.toAuth()?.userId ?? null, null);
  });

  await t.test('a payload with one character flipped fails verification', async () => {
    const { h, p, s } = parts(jwt);
    // Flip a character in the middle of the payload (it may no longer even decode: either way it fails).
    const i = Math.floor(p.length / 2);
    const flipped = p.slice(0, i) + (p[i] === 'A' ? 'B' : 'A') + p.slice(i + 1);
    await verifyFails(`${h}.${flipped}.${s}`, networked);
  });

  await t.test('an expired token (minted with the server clock 1 hour behind) fails with token-expired', async () => {
    clock.shift(-3600 * 1000);
    let expired: string;
    try {
      const s = await clerk.sessions.createSession({ userId: other.id });
      expired = (await clerk.sessions.getToken(s.id)).jwt;
    } finally {
      clock.shift(0);
    }
    const { payload } = parts(expired);
    assert.ok((payload.exp as number) * 1000 < Date.now() - 3000 * 1000, 'exp lies an hour back');
    const error = await verifyFails(expired, networked);
    assert.equal(error.reason, TokenVerificationErrorReason.TokenExpired);
    const offline = await verifyFails(expired, { jwtKey: await getSigningPublicKeyPem(ctx.deps) });
    assert.equal(offline.reason, TokenVerificationErrorReason.TokenExpired);
    const request = new Request('http://localhost/', { headers: { authorization: `Bearer ${expired}` } });
    const state = await clerk.authenticateRequest(request, { publishableKey: PUBLISHABLE_KEY });
    assert.equal(state.isAuthenticated, false);
  });

  await t.test('a token signed by another RSA key under the same kid fails with token-invalid-signature', async () => {
    const { header, payload } = parts(jwt);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
    const nowS = Math.floor(Date.now() / 1000);
    const signingInput = `${b64json({ alg: 'RS256', kid: header.kid, typ: 'JWT' })}.${b64json({ ...payload, iat: nowS, nbf: nowS - 10, exp: nowS + 60 })}`;
    const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKey).toString('base64url');
    const foreign = `${signingInput}.${signature}`;
    const error = await verifyFails(foreign, networked);
    assert.equal(error.reason, TokenVerificationErrorReason.TokenInvalidSignature);
    const offline = await verifyFails(foreign, { jwtKey: await getSigningPublicKeyPem(ctx.deps) });
    assert.equal(offline.reason, TokenVerificationErrorReason.TokenInvalidSignature);
    const request = new Request('http://localhost/', { headers: { authorization: `Bearer ${foreign}` } });
    const state = await clerk.authenticateRequest(request, { publishableKey: PUBLISHABLE_KEY });
    assert.equal(state.isAuthenticated, false);
  });

  await t.test('a token with an unknown kid fails with jwk-kid-mismatch', async () => {
    const { p, s } = parts(jwt);
    const unknownKid = `${b64json({ alg: 'RS256', kid: 'jwk_unknown', typ: 'JWT' })}.${p}.${s}`;
    const error = await verifyFails(unknownKid, networked);
    assert.equal(error.reason, TokenVerificationErrorReason.JWKKidMismatch);
  });

  await t.test('verifyToken with a wrong secret key cannot load the JWKS', async () => {
    const error = await verifyFails(jwt, { secretKey: 'sk_test_not_a_registered_key_000000', apiUrl, skipJwksCache: true });
    assert.equal(error.reason, TokenVerificationErrorReason.InvalidSecretKey);
  });
});
