import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { generateTotpSecret, parseTotpSecret, timeStepAt, totpCode } from '../../../src/mfa/totp.js';
import { uniqueEmail } from '../../helper.js';
import { askBackend, browserUnavailable, claims, launchChromium, PASSWORD, SESSION_COOKIE_JS, startExampleAgainst, UI_TIMEOUT } from './support.js';
import { startGatehouse, type RunningGatehouse } from './gatehouse.js';

// The proof with the real browser SDK (issue 10): Clerk's own clerk-js 5.59.3, in headless Chromium,
// signs in and up through Gatehouse's Frontend API, and the example app's backend trusts the result
// through @clerk/backend's authenticateRequest. Nothing of clerk-js is mocked: the test types into
// its <SignIn /> and <SignUp /> like a person, reads the email code from a real SMTP server, and
// checks the outcome on both sides (the browser and the Backend API).

const skip = browserUnavailable();
if (skip) process.stdout.write(`# browser tests skipped: ${skip}\n`);

/** The `__session` cookie as the page's JavaScript sees it (clerk-js writes it with document.cookie). */
const sessionCookie = (page: Page) => page.evaluate<string | null>(SESSION_COOKIE_JS);

/** What clerk-js holds: `Clerk.user.id`, `Clerk.session.id`. */
const clerkUserId = (page: Page) => page.evaluate<string | null>('window.Clerk.user?.id ?? null');
const clerkSessionId = (page: Page) => page.evaluate<string | null>('window.Clerk.session?.id ?? null');

/**
 * A browser context that records every URL it asks for: clerk-js, its chunks, Gatehouse and the app
 * must all be local (no CDN, no telemetry, no captcha).
 */
async function localOnlyContext(browser: Browser) {
  const context = await browser.newContext();
  const elsewhere: string[] = [];
  context.on('request', (request) => {
    const url = new URL(request.url());
    // data: and blob: URLs (clerk-js's worker timers) never leave the browser.
    if (['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) && url.hostname !== '127.0.0.1') elsewhere.push(request.url());
  });
  return { context, elsewhere };
}

/** Types into clerk-js's six one-digit code inputs (it submits by itself after the sixth digit). */
async function typeCode(page: Page, code: string) {
  await page.locator('input[name="codeInput-0"]').click({ timeout: UI_TIMEOUT });
  await page.keyboard.type(code);
}

// A bound, so a stuck browser fails the run instead of hanging CI (one run takes about a minute).
test('clerk-js against Gatehouse in headless Chromium', { skip, timeout: 300_000 }, async (t) => {
  const gatehouse: RunningGatehouse = await startGatehouse(t);
  const example = await startExampleAgainst(t, gatehouse);
  assert.equal(example.url, gatehouse.appOrigin);
  // The key the example derives is the one Gatehouse prints: pk_live_ + base64("<frontend host>$").
  assert.equal(example.publishableKey, gatehouse.publishableKey);
  assert.equal(example.publishableKey, `pk_live_${Buffer.from(`${new URL(gatehouse.frontendUrl).host}$`).toString('base64')}`);
  const browser = await launchChromium(t);

  await t.test('sign in with password and TOTP, token refresh, handshake, sign out', async () => {
    const email = uniqueEmail('clerkjs');
    const totpSecret = generateTotpSecret();
    const user = await gatehouse.bapi('POST', '/v1/users', { email_address: [email], password: PASSWORD, totp_secret: totpSecret });
    assert.equal(user.status, 200, JSON.stringify(user.body));
    const userId: string = user.body.id;
    // Short tokens, so that clerk-js's own refresh (when < 15 s are left) happens within the test.
    assert.equal((await gatehouse.bapi('PATCH', '/v1/gatehouse/settings', { sessions: { token_lifetime: 30 } })).status, 200);

    const { context, elsewhere } = await localOnlyContext(browser);
    const page = await context.newPage();
    await page.goto(example.url);
    await page.locator('input[name="identifier"]').fill(email, { timeout: UI_TIMEOUT });
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    // A wrong password first: Gatehouse's 422 form_password_incorrect, which clerk-js shows in its own words.
    const password = page.locator('input[name="password"]:visible');
    await password.fill('not-the-password', { timeout: UI_TIMEOUT });
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await page.getByText('The password you entered is incorrect').waitFor({ timeout: UI_TIMEOUT });
    await password.fill(PASSWORD);
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    // The second factor: the code of the current 30 s step, computed from the secret like an authenticator app.
    await page.locator('input[name="codeInput-0"]').waitFor({ timeout: UI_TIMEOUT });
    await typeCode(page, totpCode(parseTotpSecret(totpSecret), timeStepAt(Date.now())));

    // <SignIn /> completes, sets the session active and reloads the page, which then shows the user.
    await page.locator('#user-id').filter({ hasText: /^user_/ }).waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await clerkUserId(page), userId);
    const sessionId = (await clerkSessionId(page))!;
    const me = await askBackend(page);
    assert.deepEqual(me, { signedIn: true, userId, sessionId });
    const active = await gatehouse.bapi('GET', `/v1/sessions/${sessionId}`);
    assert.equal(active.body.status, 'active');
    assert.equal(active.body.user_id, userId);

    // clerk-js mints the next token by itself (its poller, every 5 s, once less than 15 s are left).
    const first = await sessionCookie(page);
    assert.ok(first, 'clerk-js wrote the __session cookie');
    assert.equal(claims(first).azp, example.url, 'the token names the page origin in azp');
    const changed = `((now) => now !== null && now !== ${JSON.stringify(first)})(${SESSION_COOKIE_JS})`;
    await page.waitForFunction(changed, undefined, { timeout: 45_000, polling: 500 });
    const second = (await sessionCookie(page))!;
    assert.ok(claims(second).iat > claims(first).iat, 'a newer token');
    assert.equal(claims(second).sid, sessionId);
    assert.deepEqual(await askBackend(page), { signedIn: true, userId, sessionId }, 'the backend accepts the new token');

    // A server-rendered page load without __session (the tab slept past the token's life): @clerk/backend
    // sends the browser through Gatehouse's /v1/client/handshake, which returns it with a fresh token.
    await page.goto('about:blank'); // no clerk-js running to write the cookie back
    await context.clearCookies({ name: /^__session/ });
    const handshakes: string[] = [];
    context.on('request', (request) => {
      if (new URL(request.url()).pathname === '/v1/client/handshake') handshakes.push(request.url());
    });
    await page.goto(`${example.url}/server`);
    assert.equal(await page.locator('#server-status').innerText(), `Signed in as ${userId} (server-rendered).`);
    assert.equal(handshakes.length, 1, 'one trip through the handshake');
    assert.equal(new URL(handshakes[0]!).origin, gatehouse.frontendUrl);
    const restored = (await context.cookies(example.url)).find((c) => c.name === '__session');
    assert.ok(restored, 'the handshake set __session again');
    assert.equal(claims(restored.value).sid, sessionId);
    assert.equal((await context.cookies(example.url)).some((c) => c.name === '__clerk_handshake'), false, 'the handshake cookie is gone');

    // Sign out from the page: the session ends on the Backend API too, and the backend says signed-out.
    await page.goto(example.url);
    await page.locator('#sign-out').click();
    await page.locator('input[name="identifier"]').waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await clerkUserId(page), null);
    const ended = await gatehouse.bapi('GET', `/v1/sessions/${sessionId}`);
    assert.notEqual(ended.body.status, 'active', JSON.stringify(ended.body));
    // Clerk's signOut() is DELETE /v1/client/sessions: the client's sessions end (Gatehouse says `removed`).
    assert.ok(['ended', 'removed'].includes(ended.body.status), ended.body.status);
    assert.equal((await askBackend(page)).signedIn, false);
    assert.deepEqual(elsewhere, [], 'every request stayed on 127.0.0.1');
    await context.close();
  });

  await t.test('sign up with an email code read from the SMTP server', async () => {
    const email = uniqueEmail('signup');
    const { context, elsewhere } = await localOnlyContext(browser);
    const page = await context.newPage();
    await page.goto(`${example.url}/sign-up`);
    await page.locator('input[name="emailAddress"]').fill(email, { timeout: UI_TIMEOUT });
    await page.locator('input[name="password"]').fill(PASSWORD);
    await page.getByRole('button', { name: 'Continue', exact: true }).click();

    const mail = await gatehouse.smtp.waitForMailTo(email);
    const code = /\b(\d{6})\b/.exec(mail.text)?.[1];
    assert.ok(code, `a six-digit code in the email: ${mail.text}`);
    // A wrong code first: 422 form_code_incorrect, shown by clerk-js; then the code from the email.
    await typeCode(page, String((Number(code) + 1) % 1_000_000).padStart(6, '0'));
    await page.getByText('Incorrect code').waitFor({ timeout: UI_TIMEOUT });
    await page.locator('input[name="codeInput-0"]').click();
    for (let i = 0; i < 6; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type(code);

    await page.locator('#user-id').filter({ hasText: /^user_/ }).waitFor({ timeout: UI_TIMEOUT });
    const userId = (await clerkUserId(page))!;
    const me = await askBackend(page);
    assert.equal(me.signedIn, true);
    assert.equal(me.userId, userId);
    const created = await gatehouse.bapi('GET', `/v1/users/${userId}`);
    assert.equal(created.status, 200);
    assert.equal(created.body.email_addresses[0].email_address, email);
    assert.equal(created.body.email_addresses[0].verification.status, 'verified');
    assert.equal(created.body.password_enabled, true);
    assert.deepEqual(elsewhere, [], 'every request stayed on 127.0.0.1');
    await context.close();
  });
});
