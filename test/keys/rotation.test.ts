import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { verifyToken } from '@clerk/backend';
import { TokenVerificationError, TokenVerificationErrorReason } from '@clerk/backend/errors';
import { openDatabase } from '../../src/db/database.js';
import { getJwks, getSigningPublicKeyPem, RETIRED_KEY_GRACE_MS, rotateSigningKey } from '../../src/keys/service.js';
import { runCli } from '../processes.js';
import { SECRET_KEY, buildTestApp, call, createTestUser, fixedClock, type TestApp } from '../helper.js';

// Signing-key rotation (src/keys): a new key signs from the next token on; a retired key stays in the
// JWKS exactly as long as a token it signed is unexpired, so that no valid token stops verifying.
// The JWKS is read both directly and the way @clerk/backend's networked verifyToken reads it.

process.env.CLERK_TELEMETRY_DISABLED = '1';

const SECOND = 1000;
const HOUR = 3600 * SECOND;

function kidOf(jwt: string): string {
  const header = JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString('utf8'));
  return header.kid;
}

function expOf(jwt: string): number {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')).exp;
}

async function kids(ctx: TestApp): Promise<string[]> {
  const res = await call(ctx, 'GET', '/v1/jwks');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.keys.map((k: { kid: string }) => k.kid);
}

async function newSession(ctx: TestApp) {
  const user = await createTestUser(ctx);
  const res = await call(ctx, 'POST', '/v1/sessions', { user_id: user.id });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as { id: string; user_id: string };
}

async function mint(ctx: TestApp, sessionId: string, expires_in_seconds?: number) {
  const res = await call(ctx, 'POST', `/v1/sessions/${sessionId}/tokens`, expires_in_seconds === undefined ? {} : { expires_in_seconds });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.jwt as string;
}

/** verifyToken must reject `jwt`; returns the TokenVerificationError. */
async function rejected(jwt: string, options: Parameters<typeof verifyToken>[1]): Promise<TokenVerificationError> {
  try {
    await verifyToken(jwt, options);
  } catch (error) {
    assert.ok(error instanceof TokenVerificationError, `expected a TokenVerificationError, got ${String(error)}`);
    return error;
  }
  assert.fail('verifyToken should have thrown');
}

test('rotateSigningKey', async (t) => {
  // Frozen at the real time, so that tokens are valid for verifyToken (which uses the real clock)
  // while the server's idea of "now" moves only when the test moves it.
  const clock = fixedClock(Date.now());
  const ctx = await buildTestApp(t, { clock });
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = ctx.app.server.address() as AddressInfo;
  const apiUrl = `http://127.0.0.1:${port}`;
  // skipJwksCache: the SDK caches a JWKS for 5 minutes per apiUrl; every check here must see the live one.
  const networked = { secretKey: SECRET_KEY, apiUrl, skipJwksCache: true };
  clock.set(Date.now()); // starting the app took a while: tokens must not be near their real-time exp

  const session = await newSession(ctx);
  const [firstKid] = await kids(ctx);
  assert.ok(firstKid);
  const before = await mint(ctx, session.id);
  assert.equal(kidOf(before), firstKid);
  const firstPem = await getSigningPublicKeyPem(ctx.deps);

  await t.test('the private key is sealed at rest', async () => {
    const rows = await ctx.deps.db.selectFrom('signing_keys').selectAll().execute();
    assert.equal(rows.length, 1);
    assert.doesNotMatch(rows[0]?.private_key_sealed ?? '', /PRIVATE KEY|MII/);
    assert.match(rows[0]?.public_key_pem ?? '', /BEGIN PUBLIC KEY/);
  });

  let secondKid = '';

  await t.test('a new kid signs new tokens; the old key no longer signs', async () => {
    secondKid = await rotateSigningKey(ctx.deps);
    assert.notEqual(secondKid, firstKid);
    for (let i = 0; i < 3; i++) assert.equal(kidOf(await mint(ctx, session.id)), secondKid);
    const pem = await getSigningPublicKeyPem(ctx.deps);
    assert.notEqual(pem, firstPem);
    const jwks = (await call(ctx, 'GET', '/v1/jwks')).body.keys as Array<{ kid: string; n: string }>;
    const published = jwks.find((k) => k.kid === secondKid);
    assert.equal((createPublicKey(pem).export({ format: 'jwk' }) as { n: string }).n, published?.n, 'the PEM is the new kid');
  });

  await t.test('the old key stays in the JWKS while a token it signed is unexpired', async () => {
    assert.deepEqual(new Set(await kids(ctx)), new Set([firstKid, secondKid]));
    assert.deepEqual(new Set((await getJwks(ctx.deps)).keys.map((k) => k.kid)), new Set([firstKid, secondKid]));
  });

  await t.test('verifyToken (networked, fetches /v1/jwks) accepts a token signed before the rotation', async () => {
    const claims = await verifyToken(before, networked);
    assert.equal(claims.sub, session.user_id);
    assert.equal(claims.sid, session.id);
    const after = await mint(ctx, session.id);
    const newClaims = await verifyToken(after, networked);
    assert.equal(newClaims.sid, session.id);
    // The old PEM verifies the old token networklessly; the new PEM does not.
    assert.equal((await verifyToken(before, { jwtKey: firstPem })).sid, session.id);
    const wrong = await rejected(before, { jwtKey: await getSigningPublicKeyPem(ctx.deps) });
    assert.equal(wrong.reason, TokenVerificationErrorReason.TokenInvalidSignature);
  });

  await t.test('the old key leaves the JWKS a grace minute after the exp of its last token', async () => {
    const expMs = expOf(before) * 1000;
    clock.set(expMs + RETIRED_KEY_GRACE_MS - 1);
    assert.ok((await kids(ctx)).includes(firstKid), 'still published until the grace after exp has passed');
    clock.set(expMs + RETIRED_KEY_GRACE_MS);
    assert.deepEqual(await kids(ctx), [secondKid]);
    // verifyToken, on the real clock, still finds the token unexpired, but the key is gone. The SDK's
    // JWKS cache only ever adds keys (skipJwksCache refetches but keeps the old entries), so a fresh
    // cache entry is needed: the cache key is `${apiUrl}|…`, and a trailing slash makes a new one.
    const error = await rejected(before, { ...networked, apiUrl: `${apiUrl}/` });
    assert.equal(error.reason, TokenVerificationErrorReason.JWKKidMismatch);
  });
});

test('key retention follows the longest-lived token; a key that signed nothing goes at once', async (t) => {
  const t0 = Date.UTC(2025, 5, 15, 12, 0, 0);
  const clock = fixedClock(t0);
  const ctx = await buildTestApp(t, { clock });
  const session = await newSession(ctx);
  const [kidA] = await kids(ctx);
  assert.ok(kidA);

  await t.test('a 1-hour token keeps the retired key published for the hour, not for 60 s', async () => {
    const short = await mint(ctx, session.id);
    const long = await mint(ctx, session.id, 3600);
    // A later, shorter token does not shorten the retention.
    const shortAgain = await mint(ctx, session.id, 30);
    assert.equal(kidOf(long), kidA);
    assert.equal(kidOf(shortAgain), kidA);
    const kidB = await rotateSigningKey(ctx.deps);
    clock.set(expOf(short) * 1000 + SECOND);
    assert.deepEqual(new Set(await kids(ctx)), new Set([kidA, kidB]));
    clock.set(expOf(long) * 1000 + RETIRED_KEY_GRACE_MS - 1);
    assert.deepEqual(new Set(await kids(ctx)), new Set([kidA, kidB]));
    clock.set(expOf(long) * 1000 + RETIRED_KEY_GRACE_MS);
    assert.deepEqual(await kids(ctx), [kidB]);
  });

  await t.test('rotating twice: the middle key, which signed nothing, leaves with the next rotation', async () => {
    clock.advance(HOUR);
    const [kidB] = await kids(ctx);
    assert.ok(kidB);
    const kidC = await rotateSigningKey(ctx.deps);
    assert.deepEqual(await kids(ctx), [kidC], 'no token of B can exist, so B is not published');
    const jwt = await mint(ctx, session.id);
    assert.equal(kidOf(jwt), kidC);
    const kidD = await rotateSigningKey(ctx.deps);
    assert.deepEqual(new Set(await kids(ctx)), new Set([kidC, kidD]));
    const rows = await ctx.deps.db.selectFrom('signing_keys').select(['id', 'retired_at']).execute();
    assert.equal(rows.length, 4, 'retired keys are kept in the database');
    assert.deepEqual(rows.filter((r) => r.retired_at === null).map((r) => r.id), [kidD]);
  });
});

/** Runs the CLI in a fresh data directory; never the test database. */
const cli = (args: string[], dataDir: string) => runCli(args, { GATEHOUSE_DATA_DIR: dataDir });

test('gatehouse CLI', async (t) => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gatehouse-cli-'));
  t.after(() => fs.rm(dataDir, { recursive: true, force: true }));

  await t.test('keys rotate → prints the new kid, exits 0, and that kid is the one signing', async () => {
    const first = await cli(['keys', 'rotate'], dataDir);
    assert.equal(first.code, 0, first.stderr);
    const kid = /New signing key (\S+)\./.exec(first.stdout)?.[1];
    assert.ok(kid, `stdout names the new kid: ${first.stdout}`);
    const second = await cli(['keys', 'rotate'], dataDir);
    assert.equal(second.code, 0, second.stderr);
    const kid2 = /New signing key (\S+)\./.exec(second.stdout)?.[1];
    assert.ok(kid2);
    assert.notEqual(kid2, kid);

    const db = await openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pgdata') });
    try {
      const rows = await db.selectFrom('signing_keys').select(['id', 'retired_at']).orderBy('created_at').execute();
      // The key made on first start, then one per rotation.
      assert.equal(rows.length, 3);
      assert.deepEqual(rows.filter((r) => r.retired_at === null).map((r) => r.id), [kid2]);
      assert.ok(rows.some((r) => r.id === kid));
    } finally {
      await db.destroy();
    }
  });

  await t.test('an unknown command → exit 2 with the usage on stderr', async () => {
    const res = await cli(['nonsense'], dataDir);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /Usage: gatehouse <command>/);
    assert.match(res.stderr, /keys rotate/);
    assert.equal(res.stdout, '');
  });

  await t.test('keys without a subcommand → exit 2 with the usage of the secret-key commands', async () => {
    const res = await cli(['keys'], dataDir);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /Usage: gatehouse keys list \| create/);
    assert.match(res.stderr, /gatehouse signing-keys rotate/, 'and where the signing key is');
  });

  await t.test('signing-keys rotate → rotates the signing key, like keys rotate', async () => {
    const res = await cli(['signing-keys', 'rotate'], dataDir);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /New signing key \S+\./);
  });
});
