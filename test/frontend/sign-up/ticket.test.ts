import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertError, call, uniqueEmail } from '../../helper.js';
import { eventsOf } from '../../organizations/support.js';
import { createOrganizationAs, signedInUser } from '../organizations/support.js';
import { Browser, buildFrontendTestApp, PASSWORD, type FrontendTestApp } from '../support.js';

// Signing up through an invitation link: clerk-js's <SignUp /> finds `__clerk_ticket` in the URL and sends
// POST /v1/client/sign_ups with strategy=ticket. The ticket proves the invited address (no email code),
// lets the invitee in under restricted sign-up, and the invitation is accepted with the new user.

const ticketOf = (url: string) => new URL(url).searchParams.get('__clerk_ticket')!;

async function instanceInvitation(ctx: FrontendTestApp, body: Record<string, unknown> = {}) {
  const email = uniqueEmail('invited');
  const res = await call(ctx, 'POST', '/v1/invitations', { email_address: email, redirect_url: 'https://app.example.com/sign-up', notify: false, ...body });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { email, invitation: res.body, ticket: ticketOf(res.body.url) };
}

test('sign-up with an invitation ticket', async (t) => {
  const ctx = await buildFrontendTestApp(t);

  await t.test('an instance invitation: the user is created with the address verified and the public_metadata; the invitation is accepted', async () => {
    const { email, invitation, ticket } = await instanceInvitation(ctx, { public_metadata: { plan: 'team' } });
    const browser = new Browser(ctx);
    const res = await browser.request('POST', '/v1/client/sign_ups', { strategy: 'ticket', ticket, password: PASSWORD });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const signUp = res.body.response;
    assert.equal(signUp.status, 'complete');
    assert.equal(signUp.email_address, email);
    assert.deepEqual([signUp.verifications.email_address.status, signUp.verifications.email_address.strategy], ['verified', 'ticket']);
    const user = (await call(ctx, 'GET', `/v1/users/${signUp.created_user_id}`)).body;
    assert.deepEqual(user.public_metadata, { plan: 'team' });
    assert.deepEqual(user.email_addresses.map((e: any) => [e.email_address, e.verification.status]), [[email, 'verified']]);
    assert.equal(res.body.client.sessions[0].id, signUp.created_session_id);
    const after = (await call(ctx, 'GET', '/v1/invitations?status=accepted')).body;
    assert.ok(after.some((i: any) => i.id === invitation.id));
    // A ticket signs up once.
    assertError(await new Browser(ctx).request('POST', '/v1/client/sign_ups', { strategy: 'ticket', ticket, password: PASSWORD }), 422, 'form_param_value_invalid', 'ticket');
  });

  await t.test('restricted sign-up: without a ticket → 403 sign_up_mode_restricted; with one, in two steps (ticket, then the password)', async (st) => {
    await call(ctx, 'PATCH', '/v1/gatehouse/settings', { auth: { sign_up_mode: 'restricted' } });
    st.after(() => call(ctx, 'PATCH', '/v1/gatehouse/settings', { auth: { sign_up_mode: 'public' } }));
    assertError(await new Browser(ctx).request('POST', '/v1/client/sign_ups', { email_address: uniqueEmail(), password: PASSWORD }), 403, 'sign_up_mode_restricted');
    const { email, ticket } = await instanceInvitation(ctx);
    const browser = new Browser(ctx);
    const started = await browser.request('POST', '/v1/client/sign_ups', { strategy: 'ticket', ticket });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.equal(started.body.response.status, 'missing_requirements');
    assert.deepEqual(started.body.response.missing_fields, ['password']);
    assert.deepEqual(started.body.response.unverified_fields, []);
    const done = await browser.request('PATCH', `/v1/client/sign_ups/${started.body.response.id}`, { password: PASSWORD });
    assert.equal(done.body.response.status, 'complete', JSON.stringify(done.body));
    assert.equal((await call(ctx, 'GET', `/v1/users/${done.body.response.created_user_id}`)).body.email_addresses[0].email_address, email);
  });

  await t.test('changing the address drops the ticket: the new address needs its code', async () => {
    const { ticket } = await instanceInvitation(ctx);
    const browser = new Browser(ctx);
    const started = await browser.request('POST', '/v1/client/sign_ups', { strategy: 'ticket', ticket });
    const other = uniqueEmail('other');
    const changed = await browser.request('PATCH', `/v1/client/sign_ups/${started.body.response.id}`, { email_address: other, password: PASSWORD });
    assert.equal(changed.body.response.status, 'missing_requirements');
    assert.deepEqual(changed.body.response.unverified_fields, ['email_address']);
  });

  await t.test('a revoked, unknown or missing ticket → 422 naming ticket', async () => {
    const { invitation, ticket } = await instanceInvitation(ctx);
    await call(ctx, 'POST', `/v1/invitations/${invitation.id}/revoke`);
    const browser = new Browser(ctx);
    assertError(await browser.request('POST', '/v1/client/sign_ups', { strategy: 'ticket', ticket }), 422, 'form_param_value_invalid', 'ticket');
    assertError(await browser.request('POST', '/v1/client/sign_ups', { strategy: 'ticket', ticket: 'not-a-ticket' }), 422, 'form_param_value_invalid', 'ticket');
    assertError(await browser.request('POST', '/v1/client/sign_ups', { strategy: 'ticket' }), 422, 'form_param_missing', 'ticket');
  });

  await t.test('an organization invitation: the new user is a member with its role, the session starts in it; membership then acceptance events', async () => {
    const admin = await signedInUser(ctx);
    const organization = await createOrganizationAs(admin);
    const email = uniqueEmail('orginvited');
    const invited = await call(ctx, 'POST', `/v1/organizations/${organization.id}/invitations`, {
      email_address: email,
      role: 'org:admin',
      redirect_url: 'https://app.example.com/accept',
    });
    assert.equal(invited.status, 200, JSON.stringify(invited.body));
    const browser = new Browser(ctx);
    let res: Awaited<ReturnType<typeof browser.request>> | undefined;
    const events = await eventsOf(ctx, async () => {
      res = await browser.request('POST', '/v1/client/sign_ups', { strategy: 'ticket', ticket: ticketOf(invited.body.url), password: PASSWORD });
    });
    assert.equal(res!.status, 200, JSON.stringify(res!.body));
    assert.equal(res!.body.response.status, 'complete');
    const types = events.map((e) => e.type);
    assert.ok(types.indexOf('user.created') < types.indexOf('organizationMembership.created'), types.join());
    assert.ok(types.indexOf('organizationMembership.created') < types.indexOf('organizationInvitation.accepted'), types.join());
    const session = res!.body.client.sessions[0];
    assert.deepEqual(session.user.organization_memberships.map((m: any) => [m.organization.id, m.role]), [[organization.id, 'org:admin']]);
    assert.equal(session.last_active_organization_id, organization.id);
    const invitation = await call(ctx, 'GET', `/v1/organizations/${organization.id}/invitations/${invited.body.id}`);
    assert.equal(invitation.body.status, 'accepted');
  });
});
