import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertError, call } from '../../helper.js';
import { eventsOf } from '../../organizations/support.js';
import { buildFrontendTestApp } from '../support.js';
import { createOrganizationAs, signedInUser, type SignedInUser } from './support.js';

// Organization invitations on the Frontend API: an admin invites (<OrganizationProfile />'s "Invite"), the
// invitee sees the invitation under /v1/me/organization_invitations and accepts it, becoming a member.

test('Frontend API organization invitations', async (t) => {
  const ctx = await buildFrontendTestApp(t);
  const admin = await signedInUser(ctx);
  const organization = await createOrganizationAs(admin);
  const base = `/v1/organizations/${organization.id}/invitations`;
  let invitee: SignedInUser;

  await t.test('POST …/invitations: an admin invites an address (organizationInvitation.created, the admin as inviter); a member → 403', async () => {
    invitee = await signedInUser(ctx);
    let res: Awaited<ReturnType<typeof admin.browser.request>> | undefined;
    const events = await eventsOf(ctx, async () => {
      res = await admin.browser.request('POST', base, { email_address: invitee.email, role: 'org:member' });
    });
    assert.equal(res!.status, 200, JSON.stringify(res!.body));
    assert.equal(res!.body.response.email_address, invitee.email);
    assert.equal(res!.body.response.status, 'pending');
    assert.equal('private_metadata' in res!.body.response, false);
    assert.equal('url' in res!.body.response, false);
    assert.deepEqual(events.map((e) => e.type), ['organizationInvitation.created']);
    const row = await ctx.deps.db.selectFrom('organization_invitations').select(['inviter_user_id']).where('id', '=', res!.body.response.id).executeTakeFirst();
    assert.equal(row?.inviter_user_id, admin.id);
    assertError(await invitee.browser.request('POST', base, { email_address: 'x@example.com', role: 'org:member' }), 403, 'not_a_member_in_organization');
    // A member (not an admin) may neither invite nor list the invitations.
    const member = await signedInUser(ctx);
    await call(ctx, 'POST', `/v1/organizations/${organization.id}/memberships`, { user_id: member.id, role: 'org:member' });
    assertError(await member.browser.request('POST', base, { email_address: 'y@example.com', role: 'org:member' }), 403, 'not_an_admin_in_organization');
    assertError(await member.browser.request('GET', base), 403, 'not_an_admin_in_organization');
    const list = await admin.browser.request('GET', `${base}?status=pending`);
    assert.deepEqual(list.body.response.data.map((i: any) => i.email_address), [invitee.email]);
  });

  await t.test('GET /v1/me/organization_invitations → the invitation with public_organization_data; accepting it makes a membership', async () => {
    const mine = await invitee.browser.request('GET', '/v1/me/organization_invitations?status=pending');
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    assert.equal(mine.body.response.total_count, 1);
    const invitation = mine.body.response.data[0];
    assert.deepEqual([invitation.public_organization_data.id, invitation.public_organization_data.name], [organization.id, organization.name]);
    // Someone else cannot accept it.
    const other = await signedInUser(ctx);
    assertError(await other.browser.request('POST', `/v1/me/organization_invitations/${invitation.id}/accept`), 404, 'resource_not_found');
    let res: Awaited<ReturnType<typeof admin.browser.request>> | undefined;
    const events = await eventsOf(ctx, async () => {
      res = await invitee.browser.request('POST', `/v1/me/organization_invitations/${invitation.id}/accept`);
    });
    assert.equal(res!.status, 200, JSON.stringify(res!.body));
    assert.equal(res!.body.response.status, 'accepted');
    assert.equal(res!.body.response.public_organization_data.id, organization.id);
    assert.deepEqual(events.map((e) => e.type), ['organizationMembership.created', 'organizationInvitation.accepted']);
    assert.deepEqual(res!.body.client.sessions[0].user.organization_memberships.map((m: any) => [m.organization.id, m.role]), [[organization.id, 'org:member']]);
    assert.equal((await invitee.browser.request('GET', `/v1/organizations/${organization.id}`)).status, 200);
    assertError(await invitee.browser.request('POST', `/v1/me/organization_invitations/${invitation.id}/accept`), 400, 'organization_invitation_already_accepted');
  });

  await t.test('bulk invitations and revoking one; a revoked invitation cannot be accepted', async () => {
    const a = await signedInUser(ctx);
    const b = await signedInUser(ctx);
    const bulk = await admin.browser.request('POST', `${base}/bulk`, { email_address: [a.email, b.email], role: 'org:member' });
    assert.equal(bulk.status, 200, JSON.stringify(bulk.body));
    assert.deepEqual(bulk.body.response.map((i: any) => i.email_address), [a.email, b.email]);
    const revoked = await admin.browser.request('POST', `${base}/${bulk.body.response[0].id}/revoke`);
    assert.equal(revoked.body.response.status, 'revoked');
    assertError(await a.browser.request('POST', `/v1/me/organization_invitations/${bulk.body.response[0].id}/accept`), 400, 'organization_invitation_revoked_code');
    assertError(await admin.browser.request('POST', base, { email_address: b.email, role: 'org:member' }), 400, 'organization_invitation_not_unique');
    assert.equal((await call(ctx, 'GET', `/v1/organizations/${organization.id}/invitations?status=pending`)).body.total_count, 1);
  });
});
