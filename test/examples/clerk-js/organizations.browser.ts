import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { uniqueEmail } from '../../helper.js';
import { askBackend, browserUnavailable, claims, launchChromium, PASSWORD, SESSION_COOKIE_JS, startExampleAgainst, UI_TIMEOUT } from './support.js';
import { startGatehouse, type RunningGatehouse } from './gatehouse.js';

// Organizations with the real clerk-js 5.59.3 in headless Chromium: a signed-in user creates an
// organization and makes it active, and the example app's backend (@clerk/backend's authenticateRequest)
// reads that organization from the session token. Once through clerk-js's API (clerk.createOrganization,
// clerk.setActive), once through its <OrganizationSwitcher /> and <CreateOrganization /> components; and an
// invitee signs up through an organization invitation's link (<SignUp /> with its ticket).

const skip = browserUnavailable();
if (skip) process.stdout.write(`# browser tests skipped: ${skip}\n`);

/** Signs in through <SignIn /> with email and password; resolves once the page shows the user. */
async function signIn(page: Page, url: string, email: string) {
  await page.goto(url);
  await page.locator('input[name="identifier"]').fill(email, { timeout: UI_TIMEOUT });
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.locator('input[name="password"]:visible').fill(PASSWORD, { timeout: UI_TIMEOUT });
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.locator('#user-id').filter({ hasText: /^user_/ }).waitFor({ timeout: UI_TIMEOUT });
}

/** Waits until clerk-js has written a __session token for `orgId` (it mints one after setActive). */
async function waitForOrganizationToken(page: Page, orgId: string) {
  const js = `((jwt) => jwt !== null && JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).org_id === ${JSON.stringify(orgId)})(${SESSION_COOKIE_JS})`;
  await page.waitForFunction(js, undefined, { timeout: UI_TIMEOUT, polling: 250 });
  return claims((await page.evaluate<string | null>(SESSION_COOKIE_JS))!);
}

test('clerk-js organizations against Gatehouse in headless Chromium', { skip, timeout: 300_000 }, async (t) => {
  const gatehouse: RunningGatehouse = await startGatehouse(t);
  const example = await startExampleAgainst(t, gatehouse);
  const browser = await launchChromium(t);

  async function newUser() {
    const email = uniqueEmail('orgs');
    const user = await gatehouse.bapi('POST', '/v1/users', { email_address: [email], password: PASSWORD });
    assert.equal(user.status, 200, JSON.stringify(user.body));
    return { email, id: user.body.id as string };
  }

  await t.test('clerk.createOrganization({ name }) then clerk.setActive({ organization }): the backend reports that orgId', async () => {
    const user = await newUser();
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, example.url, user.email);
    assert.deepEqual(await askBackend(page), { signedIn: true, userId: user.id, sessionId: await page.evaluate('window.Clerk.session.id') });

    const orgId = await page.evaluate<string>(`(async () => {
      const organization = await window.Clerk.createOrganization({ name: 'Acme from clerk-js' });
      await window.Clerk.setActive({ organization });
      return organization.id;
    })()`);
    assert.match(orgId, /^org_/);
    assert.equal(await page.evaluate('window.Clerk.organization?.id ?? null'), orgId);
    assert.equal(await page.evaluate('window.Clerk.organization?.name ?? null'), 'Acme from clerk-js');
    const token = await waitForOrganizationToken(page, orgId);
    assert.equal(token.org_role, 'org:admin');
    const me = await askBackend(page);
    assert.equal(me.signedIn, true);
    assert.equal(me.userId, user.id);
    assert.equal(me.orgId, orgId);
    assert.equal(me.orgRole, 'org:admin');

    // Gatehouse agrees: the user is the organization's admin, and the session has it active.
    const members = await gatehouse.bapi('GET', `/v1/organizations/${orgId}/memberships`);
    assert.deepEqual(members.body.data.map((m: any) => [m.public_user_data.user_id, m.role]), [[user.id, 'org:admin']]);
    const sessionId = await page.evaluate<string>('window.Clerk.session.id');
    assert.equal((await gatehouse.bapi('GET', `/v1/sessions/${sessionId}`)).body.last_active_organization_id, orgId);

    // Back to the personal account: the backend no longer sees an organization.
    await page.evaluate(`window.Clerk.setActive({ organization: null })`);
    await page.waitForFunction(`((jwt) => jwt !== null && !JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).org_id)(${SESSION_COOKIE_JS})`, undefined, { timeout: UI_TIMEOUT, polling: 250 });
    assert.equal((await askBackend(page)).orgId, undefined);
    await context.close();
  });

  await t.test('<OrganizationSwitcher /> → "Create organization" (<CreateOrganization />): the new organization is active after the reload', async () => {
    const user = await newUser();
    const context = await browser.newContext();
    // Every Frontend API call the components make must be answered (no 404 for an endpoint clerk-js expects).
    const refused: string[] = [];
    context.on('response', (response) => {
      if (response.url().startsWith(gatehouse.frontendUrl) && response.status() >= 400) refused.push(`${response.status()} ${response.url()}`);
    });
    const page = await context.newPage();
    await signIn(page, example.url, user.email);
    await page.goto(`${example.url}/organizations`);
    // The switcher shows the personal account; opening it lists no organizations yet.
    await page.locator('.cl-organizationSwitcherTrigger').click({ timeout: UI_TIMEOUT });
    await page.getByRole('menuitem', { name: 'Create organization' }).click({ timeout: UI_TIMEOUT });
    await page.locator('input[name="name"]').fill('Made in the switcher', { timeout: UI_TIMEOUT });
    await page.getByRole('button', { name: 'Create organization' }).click();

    // clerk-js makes it active and navigates to afterCreateOrganizationUrl ('/organizations'): the reloaded page
    // asks the backend by itself, and its answer now names the organization.
    await page.locator('#backend').filter({ hasText: '"orgId"' }).waitFor({ timeout: UI_TIMEOUT });
    const shown = JSON.parse(await page.locator('#backend').innerText()) as { userId: string; orgId: string; orgRole: string };
    const orgId = await page.evaluate<string>('window.Clerk.organization.id');
    assert.equal(await page.evaluate('window.Clerk.organization.name'), 'Made in the switcher');
    assert.deepEqual([shown.userId, shown.orgId, shown.orgRole], [user.id, orgId, 'org:admin']);
    assert.equal((await waitForOrganizationToken(page, orgId)).org_role, 'org:admin');
    assert.equal((await gatehouse.bapi('GET', `/v1/organizations/${orgId}`)).body.name, 'Made in the switcher');
    // Open the switcher again: it lists the organization (its memberships, invitations and suggestions read).
    await page.locator('.cl-organizationSwitcherTrigger').click({ timeout: UI_TIMEOUT });
    await page.getByText('Personal account').waitFor({ timeout: UI_TIMEOUT });
    // "Manage" opens <OrganizationProfile /> (on its General page); its Members page lists the admin
    // (memberships, invitations and roles read).
    await page.locator('.cl-organizationSwitcherPopoverActionButton__manageOrganization').click({ timeout: UI_TIMEOUT });
    await page.getByRole('button', { name: 'Members', exact: true }).first().click({ timeout: UI_TIMEOUT });
    await page.getByText(user.email).waitFor({ timeout: UI_TIMEOUT });
    await page.getByRole('button', { name: 'Invite', exact: true }).waitFor({ timeout: UI_TIMEOUT });
    assert.deepEqual(refused, []);
    await context.close();
  });

  await t.test('an organization invitation link: <SignUp /> signs up with its ticket; the invitee is a member, the organization active', async () => {
    const admin = await newUser();
    const organization = await gatehouse.bapi('POST', '/v1/organizations', { name: 'Invites Inc', created_by: admin.id });
    assert.equal(organization.status, 200, JSON.stringify(organization.body));
    const email = uniqueEmail('invitee');
    const invitation = await gatehouse.bapi('POST', `/v1/organizations/${organization.body.id}/invitations`, {
      email_address: email,
      role: 'org:member',
      inviter_user_id: admin.id,
      redirect_url: `${example.url}/sign-up`,
    });
    assert.equal(invitation.status, 200, JSON.stringify(invitation.body));
    // The link the invitation email carries: the sign-up page with __clerk_ticket and __clerk_status=sign_up.
    const link = new URL(invitation.body.url);
    assert.equal(link.searchParams.get('__clerk_status'), 'sign_up');

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link.toString());
    // <SignUp /> has sent the ticket: the address is the invited one, verified; only the password is missing.
    await page.locator('input[name="password"]').fill(PASSWORD, { timeout: UI_TIMEOUT });
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await page.locator('#user-id').filter({ hasText: /^user_/ }).waitFor({ timeout: UI_TIMEOUT });
    const userId = await page.evaluate<string>('window.Clerk.user.id');
    assert.equal(await page.evaluate('window.Clerk.organization?.id ?? null'), organization.body.id);
    await waitForOrganizationToken(page, organization.body.id);
    const me = await askBackend(page);
    assert.deepEqual([me.userId, me.orgId, me.orgRole], [userId, organization.body.id, 'org:member']);
    const created = await gatehouse.bapi('GET', `/v1/users/${userId}`);
    assert.deepEqual(created.body.email_addresses.map((e: any) => [e.email_address, e.verification.status]), [[email, 'verified']]);
    const accepted = await gatehouse.bapi('GET', `/v1/organizations/${organization.body.id}/invitations/${invitation.body.id}`);
    assert.equal(accepted.body.status, 'accepted');
    await context.close();
  });
});
