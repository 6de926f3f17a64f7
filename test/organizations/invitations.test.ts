import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acceptInvitation, findInvitationByTicket } from '../../src/organizations/invitations/service.js';
import { NO_HTTP_REQUEST } from '../../src/webhooks/events.js';
import { assertError, buildTestApp, call, createTestUser, engine, fixedClock, uniqueEmail, type TestApp } from '../helper.js';
import { addMember, eventData, eventOf, eventsOf, organizationWithAdmin, typesOf } from './support.js';

// Organization invitations (clerk-bapi-2025-03-12.yml, Organization Invitations tag; the Users tag's
// /users/{id}/organization_invitations): create and bulk create (with the invitation email), list by
// status, get, revoke, the instance-wide list, and accepting one into a membership.

const INVITATION_KEYS = [
  'object', 'id', 'email_address', 'role', 'role_name', 'organization_id', 'status', 'public_metadata', 'private_metadata',
  'url', 'expires_at', 'created_at', 'updated_at',
].sort();
const DAY = 24 * 3600 * 1000;

/** Accepting as the Frontend API will: the service, in a transaction of its own. */
function accept(ctx: TestApp, invitationId: string, userId: string) {
  return acceptInvitation({ ...ctx.deps, httpRequest: NO_HTTP_REQUEST }, invitationId, userId);
}

test(`organization invitations (${engine})`, async (t) => {
  const clock = fixedClock(Date.parse('2025-06-01T12:00:00Z'));
  const ctx = await buildTestApp(t, { clock });
  const invite = (orgId: string, body: Record<string, unknown>) => call(ctx, 'POST', `/v1/organizations/${orgId}/invitations`, body);

  await t.test('POST …/invitations → 200 OrganizationInvitation, organizationInvitation.created and the invitation email', async () => {
    const { organization, admin } = await organizationWithAdmin(ctx, { name: 'Invite Co' });
    await call(ctx, 'PATCH', `/v1/users/${admin.id}`, { first_name: 'Ada', last_name: 'Lovelace' });
    const email = uniqueEmail('invitee');
    let res: any;
    const events = await eventsOf(ctx, async () => {
      res = await invite(organization.id, {
        email_address: email,
        role: 'org:member',
        inviter_user_id: admin.id,
        public_metadata: { team: 'core' },
        private_metadata: { source: 'test' },
        redirect_url: 'https://app.example.com/accept?x=1',
      });
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const inv = res.body;
    assert.deepEqual(Object.keys(inv).sort(), INVITATION_KEYS);
    assert.equal(inv.object, 'organization_invitation');
    assert.match(inv.id, /^orginv_[0-9A-Za-z]{27}$/);
    assert.equal(inv.email_address, email);
    assert.equal(inv.role, 'org:member');
    assert.equal(inv.role_name, 'Member');
    assert.equal(inv.organization_id, organization.id);
    assert.equal(inv.status, 'pending');
    assert.deepEqual(inv.public_metadata, { team: 'core' });
    assert.deepEqual(inv.private_metadata, { source: 'test' });
    assert.equal(inv.expires_at, clock.now() + 30 * DAY, 'Clerk’s default: 30 days');
    const url = new URL(inv.url);
    assert.equal(`${url.origin}${url.pathname}`, 'https://app.example.com/accept');
    assert.equal(url.searchParams.get('x'), '1');
    assert.equal(url.searchParams.get('__clerk_status'), 'sign_up');
    const ticket = url.searchParams.get('__clerk_ticket')!;
    assert.ok(ticket.length >= 40);
    assert.equal((await findInvitationByTicket(ctx.deps, ticket))?.id, inv.id, 'the ticket finds the invitation');
    assert.deepEqual(typesOf(events), ['email.created', 'organizationInvitation.created']);
    assert.deepEqual(eventData(eventOf(events, 'organizationInvitation.created')), inv);
    const mail = eventData(eventOf(events, 'email.created'));
    assert.equal(mail.slug, 'organization_invitation');
    assert.equal(mail.to_email_address, email);
    assert.match(mail.subject, /Ada Lovelace invited you to join Invite Co/);
    assert.ok(mail.body_plain.includes(inv.url), 'the email carries the link');
    assert.deepEqual(mail.data.org, { name: 'Invite Co' });
    // Shown again, the link is the same.
    assert.equal((await call(ctx, 'GET', `/v1/organizations/${organization.id}/invitations/${inv.id}`)).body.url, inv.url);
  });

  await t.test('POST …/invitations: an existing user gets a sign_in link; no redirect_url means no link and no email', async () => {
    const { organization } = await organizationWithAdmin(ctx);
    const user = await createTestUser(ctx);
    const existing = await invite(organization.id, { email_address: user.email_addresses[0].email_address, role: 'org:admin', redirect_url: 'https://app.example.com/' });
    assert.equal(new URL(existing.body.url).searchParams.get('__clerk_status'), 'sign_in');
    const events = await eventsOf(ctx, async () => {
      const bare = await invite(organization.id, { email_address: uniqueEmail(), role: 'org:member', expires_in_days: 2 });
      assert.equal(bare.body.url, null);
      assert.equal(bare.body.expires_at, clock.now() + 2 * DAY);
    });
    assert.deepEqual(events.map((e) => e.type), ['organizationInvitation.created']);
  });

  await t.test('POST …/invitations: Clerk’s errors for bad input, duplicates, members and inviters', async () => {
    const { organization, admin } = await organizationWithAdmin(ctx);
    const email = uniqueEmail('dup');
    assert.equal((await invite(organization.id, { email_address: email, role: 'org:member' })).status, 200);
    const dup = assertError(await invite(organization.id, { email_address: email.toUpperCase(), role: 'org:member' }), 400, 'organization_invitation_not_unique');
    assert.equal(dup.long_message, 'Organizations cannot have duplicate pending invitations for an email address.');
    assertError(await invite(organization.id, { email_address: admin.email_addresses[0].email_address, role: 'org:member' }), 400, 'already_a_member_in_organization');
    assertError(await invite(organization.id, { email_address: 'not-an-email', role: 'org:member' }), 422, 'form_param_format_invalid', 'email_address');
    assertError(await invite(organization.id, { email_address: uniqueEmail() }), 422, 'form_param_missing', 'role');
    assertError(await invite(organization.id, { email_address: uniqueEmail(), role: 'org:boss' }), 404, 'resource_not_found', 'role');
    assertError(await invite(organization.id, { email_address: uniqueEmail(), role: 'org:member', expires_in_days: 366 }), 422, 'form_param_value_invalid', 'expires_in_days');
    assertError(await invite(organization.id, { email_address: uniqueEmail(), role: 'org:member', redirect_url: 'not a url' }), 422, 'form_param_format_invalid', 'redirect_url');
    const stranger = await createTestUser(ctx);
    assertError(await invite(organization.id, { email_address: uniqueEmail(), role: 'org:member', inviter_user_id: stranger.id }), 403, 'not_a_member_in_organization');
    const member = await createTestUser(ctx);
    await addMember(ctx, organization.id, member.id);
    assertError(await invite(organization.id, { email_address: uniqueEmail(), role: 'org:member', inviter_user_id: member.id }), 403, 'not_an_admin_in_organization');
    assertError(await invite('org_2doesnotexist000000000000', { email_address: uniqueEmail(), role: 'org:member' }), 404, 'resource_not_found');
  });

  await t.test('POST …/invitations/bulk → {data, total_count}, all or none', async () => {
    const { organization } = await organizationWithAdmin(ctx, { max_allowed_memberships: 3 });
    const emails = [uniqueEmail('bulk'), uniqueEmail('bulk')];
    const res = await call(ctx, 'POST', `/v1/organizations/${organization.id}/invitations/bulk`, [
      { email_address: emails[0], role: 'org:member' },
      { email_address: emails[1], role: 'org:admin', public_metadata: { n: 2 } },
    ]);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.total_count, 2);
    assert.deepEqual(res.body.data.map((i: any) => [i.email_address, i.role]), [[emails[0], 'org:member'], [emails[1], 'org:admin']]);
    // The limit (3 = the admin and the two pending) leaves no room: nothing of this batch is created.
    const over = await call(ctx, 'POST', `/v1/organizations/${organization.id}/invitations/bulk`, [{ email_address: uniqueEmail(), role: 'org:member' }]);
    assertError(over, 403, 'organization_membership_quota_exceeded');
    const { organization: open } = await organizationWithAdmin(ctx);
    const mixed = await call(ctx, 'POST', `/v1/organizations/${open.id}/invitations/bulk`, [
      { email_address: uniqueEmail(), role: 'org:member' },
      { email_address: 'broken', role: 'org:member' },
    ]);
    assertError(mixed, 422, 'form_param_format_invalid', 'email_address');
    assert.equal((await call(ctx, 'GET', `/v1/organizations/${open.id}/invitations`)).body.total_count, 0);
    const same = uniqueEmail();
    assertError(
      await call(ctx, 'POST', `/v1/organizations/${open.id}/invitations/bulk`, [
        { email_address: same, role: 'org:member' },
        { email_address: same, role: 'org:admin' },
      ]),
      400,
      'organization_invitation_not_unique',
    );
  });

  await t.test('GET …/invitations by status; …/pending; GET one; expired invitations read as expired and free their place', async () => {
    const { organization } = await organizationWithAdmin(ctx, { max_allowed_memberships: 2 });
    const short = (await invite(organization.id, { email_address: uniqueEmail('short'), role: 'org:member', expires_in_days: 1 })).body;
    assertError(await invite(organization.id, { email_address: uniqueEmail(), role: 'org:member' }), 403, 'organization_membership_quota_exceeded');
    clock.advance(DAY + 1);
    assert.equal((await call(ctx, 'GET', `/v1/organizations/${organization.id}/invitations/${short.id}`)).body.status, 'expired');
    const fresh = (await invite(organization.id, { email_address: uniqueEmail('fresh'), role: 'org:member' })).body;
    // A new invitation to the expired one's address takes its place.
    const again = await invite(organization.id, { email_address: short.email_address, role: 'org:member' });
    assertError(again, 403, 'organization_membership_quota_exceeded');
    await call(ctx, 'POST', `/v1/organizations/${organization.id}/invitations/${fresh.id}/revoke`, {});
    assert.equal((await invite(organization.id, { email_address: short.email_address, role: 'org:member' })).status, 200);
    const list = async (qs: string) => (await call(ctx, 'GET', `/v1/organizations/${organization.id}/invitations${qs}`)).body;
    const all = await list('');
    assert.equal(all.total_count, 3);
    assert.deepEqual((await list('?status=pending')).data.map((i: any) => i.email_address), [short.email_address]);
    assert.deepEqual((await list('?status=revoked')).data.map((i: any) => i.id), [fresh.id]);
    assert.deepEqual((await list('/pending')).data.map((i: any) => i.email_address), [short.email_address]);
    assert.equal((await list('?status=accepted')).total_count, 0);
    assertError(await call(ctx, 'GET', `/v1/organizations/${organization.id}/invitations?status=lost`), 422, 'form_param_value_invalid', 'status');
    assertError(await call(ctx, 'GET', `/v1/organizations/${organization.id}/invitations/orginv_2doesnotexist000000000000`), 404, 'resource_not_found');
  });

  await t.test('POST …/invitations/{id}/revoke → revoked and organizationInvitation.revoked; only pending ones, only by admins', async () => {
    const { organization, admin } = await organizationWithAdmin(ctx);
    const member = await createTestUser(ctx);
    await addMember(ctx, organization.id, member.id);
    const inv = (await invite(organization.id, { email_address: uniqueEmail(), role: 'org:member' })).body;
    const url = `/v1/organizations/${organization.id}/invitations/${inv.id}/revoke`;
    assertError(await call(ctx, 'POST', url, { requesting_user_id: member.id }), 403, 'not_an_admin_in_organization');
    let res: any;
    const events = await eventsOf(ctx, async () => {
      res = await call(ctx, 'POST', url, { requesting_user_id: admin.id });
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'revoked');
    assert.deepEqual(events.map((e) => e.type), ['organizationInvitation.revoked']);
    assert.deepEqual(eventData(events[0]), res.body);
    assertError(await call(ctx, 'POST', url), 404, 'organization_invitation_not_pending');
  });

  await t.test('accepting an invitation → a membership with its role and metadata; organizationMembership.created then organizationInvitation.accepted', async () => {
    const { organization } = await organizationWithAdmin(ctx, { max_allowed_memberships: 2 });
    const user = await createTestUser(ctx);
    const inv = (
      await invite(organization.id, {
        email_address: user.email_addresses[0].email_address,
        role: 'org:admin',
        public_metadata: { seat: 7 },
        private_metadata: { via: 'invite' },
      })
    ).body;
    let result: any;
    const events = await eventsOf(ctx, async () => {
      result = await accept(ctx, inv.id, user.id);
    });
    assert.deepEqual(events.map((e) => e.type), ['organizationMembership.created', 'organizationInvitation.accepted']);
    assert.equal(result.membership.role, 'org:admin');
    assert.deepEqual(result.membership.public_metadata, { seat: 7 });
    assert.deepEqual(result.membership.private_metadata, { via: 'invite' });
    assert.equal(eventData(events[1]).status, 'accepted');
    assert.equal(eventData(events[1]).user_id, user.id);
    const org = await call(ctx, 'GET', `/v1/organizations/${organization.id}?include_members_count=true`);
    assert.equal(org.body.members_count, 2, 'the invitation’s place became the member’s: no room needed');
    assert.equal(org.body.pending_invitations_count, 0);
    await assert.rejects(accept(ctx, inv.id, user.id), (e: any) => e.entries[0].code === 'organization_invitation_already_accepted');
    const revoked = (await invite(organization.id, { email_address: uniqueEmail(), role: 'org:member' })).status;
    assert.equal(revoked, 403, 'the organization is full');
  });

  await t.test('accepting needs the invited address, verified, and a pending invitation', async () => {
    const { organization } = await organizationWithAdmin(ctx);
    const other = await createTestUser(ctx);
    const inv = (await invite(organization.id, { email_address: uniqueEmail('someone'), role: 'org:member' })).body;
    await assert.rejects(accept(ctx, inv.id, other.id), (e: any) => e.entries[0].code === 'resource_not_found');
    await call(ctx, 'POST', `/v1/organizations/${organization.id}/invitations/${inv.id}/revoke`, {});
    const owner = await createTestUser(ctx, { email_address: [inv.email_address] });
    await assert.rejects(accept(ctx, inv.id, owner.id), (e: any) => e.entries[0].code === 'organization_invitation_revoked_code');
  });

  await t.test('GET /v1/users/{id}/organization_invitations and /v1/organization_invitations carry public_organization_data', async () => {
    const { organization } = await organizationWithAdmin(ctx, { name: 'Public Data Org' });
    const user = await createTestUser(ctx);
    const address = user.email_addresses[0].email_address;
    const inv = (await invite(organization.id, { email_address: address.toUpperCase(), role: 'org:member' })).body;
    const mine = await call(ctx, 'GET', `/v1/users/${user.id}/organization_invitations`);
    assert.equal(mine.status, 200);
    assert.equal(mine.body.total_count, 1);
    assert.equal(mine.body.data[0].id, inv.id);
    assert.deepEqual(mine.body.data[0].public_organization_data, {
      id: organization.id,
      name: 'Public Data Org',
      slug: organization.slug,
      image_url: organization.image_url,
      has_image: false,
    });
    assert.equal((await call(ctx, 'GET', `/v1/users/${user.id}/organization_invitations?status=accepted`)).body.total_count, 0);
    assertError(await call(ctx, 'GET', '/v1/users/user_2doesnotexist000000000000/organization_invitations'), 404, 'resource_not_found');
    const found = await call(ctx, 'GET', `/v1/organization_invitations?query=${encodeURIComponent(address.slice(0, 12))}`);
    assert.equal(found.status, 200);
    assert.deepEqual(found.body.data.map((i: any) => i.id), [inv.id]);
    assert.equal(found.body.data[0].public_organization_data.name, 'Public Data Org');
    const all = await call(ctx, 'GET', '/v1/organization_invitations?order_by=email_address&limit=500');
    const emails = all.body.data.map((i: any) => i.email_address.toLowerCase());
    assert.deepEqual(emails, [...emails].sort());
    assert.equal(all.body.total_count, all.body.data.length);
    const pending = await call(ctx, 'GET', '/v1/organization_invitations?status=pending&limit=500');
    assert.ok(pending.body.data.every((i: any) => i.status === 'pending'));
  });
});
