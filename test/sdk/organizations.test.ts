import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createClerkClient, type Organization, type OrganizationMembership } from '@clerk/backend';
import { buildTestApp, SECRET_KEY, uniqueEmail } from '../helper.js';
import { png } from '../images/support.js';
import { apiError } from './support.js';

// Organizations, memberships, invitations, domains and images through the official SDK (@clerk/backend
// 3.25) against the app on 127.0.0.1, and the active organization in session tokens as authenticateRequest
// reads it (orgId, orgRole, orgSlug, has({ role })).

process.env.CLERK_TELEMETRY_DISABLED = '1';

const PUBLISHABLE_KEY = `pk_test_${Buffer.from('gatehouse.example.com$').toString('base64')}`;

function assertClass(value: unknown, name: string) {
  assert.match((value as object).constructor.name, new RegExp(`^_?${name}$`));
}

test('@clerk/backend 3.25 organizations, invitations and images against a running Gatehouse', async (t) => {
  const ctx = await buildTestApp(t);
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = ctx.app.server.address() as AddressInfo;
  const apiUrl = `http://127.0.0.1:${port}`;
  const clerk = createClerkClient({ secretKey: SECRET_KEY, apiUrl, telemetry: { disabled: true } });
  // Image URLs name GATEHOUSE_PUBLIC_URL (the default port here): fetch their path from this server.
  const fetchImage = (imageUrl: string) => fetch(`${apiUrl}${new URL(imageUrl).pathname}`);

  const admin = await clerk.users.createUser({ emailAddress: [uniqueEmail('sdk-admin')], firstName: 'Ada' });
  const member = await clerk.users.createUser({ emailAddress: [uniqueEmail('sdk-member')], lastName: 'Member' });
  let org!: Organization;
  const slug = `sdk-org-${Date.now()}`;

  await t.test('organizations.createOrganization / getOrganization / getOrganizationList', async () => {
    org = await clerk.organizations.createOrganization({
      name: 'SDK Org',
      slug,
      createdBy: admin.id,
      maxAllowedMemberships: 10,
      publicMetadata: { plan: 'pro' },
      privateMetadata: { crm: 42 },
    });
    assertClass(org, 'Organization');
    assert.equal(org.name, 'SDK Org');
    assert.equal(org.slug, slug);
    assert.equal(org.createdBy, admin.id);
    assert.equal(org.maxAllowedMemberships, 10);
    assert.deepEqual(org.publicMetadata, { plan: 'pro' });
    assert.deepEqual(org.privateMetadata, { crm: 42 });
    assert.equal(org.hasImage, false);
    const bySlug = await clerk.organizations.getOrganization({ slug, includeMembersCount: true });
    assert.equal(bySlug.id, org.id);
    assert.equal(bySlug.membersCount, 1);
    const list = await clerk.organizations.getOrganizationList({ query: 'SDK Org', limit: 5, orderBy: '-created_at', includeMembersCount: true });
    assert.equal(list.totalCount, 1);
    assert.equal(list.data[0]?.id, org.id);
    assert.equal(list.data[0]?.membersCount, 1);
  });

  await t.test('organizations.updateOrganization (PATCH, and PUT …/metadata for metadata) / updateOrganizationMetadata', async () => {
    const renamed = await clerk.organizations.updateOrganization(org.id, { name: 'SDK Org Renamed', adminDeleteEnabled: false });
    assert.equal(renamed.name, 'SDK Org Renamed');
    assert.equal(renamed.adminDeleteEnabled, false);
    const replaced = await clerk.organizations.updateOrganization(org.id, { publicMetadata: { tier: 'gold' } });
    assert.deepEqual(replaced.publicMetadata, { tier: 'gold' });
    const merged = await clerk.organizations.updateOrganizationMetadata(org.id, { publicMetadata: { region: 'eu' } });
    assert.deepEqual(merged.publicMetadata, { tier: 'gold', region: 'eu' });
  });

  await t.test('organizations.updateOrganizationLogo / deleteOrganizationLogo (multipart, as the SDK sends it)', async () => {
    const withLogo = await clerk.organizations.updateOrganizationLogo(org.id, {
      file: new Blob([await png()], { type: 'image/png' }),
      uploaderUserId: admin.id,
    });
    assert.equal(withLogo.hasImage, true);
    const image = await fetchImage(withLogo.imageUrl);
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/png');
    const without = await clerk.organizations.deleteOrganizationLogo(org.id);
    assert.equal(without.hasImage, false);
  });

  await t.test('memberships: create, list, update role and metadata, delete; users.getOrganizationMembershipList', async () => {
    const created = await clerk.organizations.createOrganizationMembership({ organizationId: org.id, userId: member.id, role: 'org:member' });
    assertClass(created, 'OrganizationMembership');
    assert.equal(created.role, 'org:member');
    assert.deepEqual(created.permissions, ['org:sys_memberships:read']);
    assert.equal(created.organization.id, org.id);
    assert.equal(created.publicUserData?.userId, member.id);
    assert.equal(created.publicUserData?.identifier, member.emailAddresses[0]?.emailAddress);
    const list = await clerk.organizations.getOrganizationMembershipList({ organizationId: org.id, orderBy: '+created_at' });
    assert.equal(list.totalCount, 2);
    assert.deepEqual(list.data.map((m: OrganizationMembership) => m.publicUserData?.userId), [admin.id, member.id]);
    const admins = await clerk.organizations.getOrganizationMembershipList({ organizationId: org.id, role: ['org:admin'] });
    assert.deepEqual(admins.data.map((m) => m.publicUserData?.userId), [admin.id]);
    const promoted = await clerk.organizations.updateOrganizationMembership({ organizationId: org.id, userId: member.id, role: 'org:admin' });
    assert.equal(promoted.role, 'org:admin');
    const tagged = await clerk.organizations.updateOrganizationMembershipMetadata({
      organizationId: org.id,
      userId: member.id,
      publicMetadata: { seat: 1 },
    });
    assert.deepEqual(tagged.publicMetadata, { seat: 1 });
    const mine = await clerk.users.getOrganizationMembershipList({ userId: member.id });
    assert.equal(mine.totalCount, 1);
    assert.equal(mine.data[0]?.organization.id, org.id);
    const instance = await clerk.organizations.getInstanceOrganizationMembershipList({ limit: 500 });
    assert.ok(instance.data.some((m) => m.id === created.id));
    await clerk.organizations.updateOrganizationMembership({ organizationId: org.id, userId: member.id, role: 'org:member' });
    const error = await apiError(() => clerk.organizations.deleteOrganizationMembership({ organizationId: org.id, userId: admin.id }));
    assert.equal(error.status, 400);
    assert.equal(error.errors[0]?.code, 'organization_minimum_permissions_needed');
    const deleted = await clerk.organizations.deleteOrganizationMembership({ organizationId: org.id, userId: member.id });
    assert.equal(deleted.publicUserData?.userId, member.id);
  });

  await t.test('organization invitations: create, bulk, list, get, revoke; users.getOrganizationInvitationList', async () => {
    const invitation = await clerk.organizations.createOrganizationInvitation({
      organizationId: org.id,
      emailAddress: member.emailAddresses[0]!.emailAddress,
      role: 'org:member',
      inviterUserId: admin.id,
      redirectUrl: 'https://app.example.com/accept',
    });
    assertClass(invitation, 'OrganizationInvitation');
    assert.equal(invitation.status, 'pending');
    assert.equal(invitation.roleName, 'Member');
    assert.match(invitation.url ?? '', /__clerk_ticket=/);
    const bulk = await clerk.organizations.createOrganizationInvitationBulk(org.id, [
      { emailAddress: uniqueEmail('bulk-sdk'), role: 'org:member' },
      { emailAddress: uniqueEmail('bulk-sdk'), role: 'org:admin' },
    ]);
    assert.equal(bulk.totalCount, 2);
    const pending = await clerk.organizations.getOrganizationInvitationList({ organizationId: org.id, status: ['pending'] });
    assert.equal(pending.totalCount, 3);
    const one = await clerk.organizations.getOrganizationInvitation({ organizationId: org.id, invitationId: invitation.id });
    assert.equal(one.emailAddress, invitation.emailAddress);
    const forUser = await clerk.users.getOrganizationInvitationList({ userId: member.id });
    assert.deepEqual(forUser.data.map((i) => i.id), [invitation.id]);
    assert.equal(forUser.data[0]?.publicOrganizationData?.id, org.id);
    const revoked = await clerk.organizations.revokeOrganizationInvitation({ organizationId: org.id, invitationId: invitation.id, requestingUserId: admin.id });
    assert.equal(revoked.status, 'revoked');
  });

  await t.test('organization domains: create, list, update, delete', async () => {
    const name = `sdk-${Date.now()}.example.net`;
    const domain = await clerk.organizations.createOrganizationDomain({ organizationId: org.id, name, enrollmentMode: 'automatic_invitation' });
    assert.equal((domain as unknown as { name: string }).name ?? (domain as any).raw?.name, name);
    const list = await clerk.organizations.getOrganizationDomainList({ organizationId: org.id });
    assert.equal(list.totalCount, 1);
    const updated = await clerk.organizations.updateOrganizationDomain({ organizationId: org.id, domainId: (domain as any).id, verified: false });
    assert.equal((updated as any).verification, null);
    const deleted = await clerk.organizations.deleteOrganizationDomain({ organizationId: org.id, domainId: (domain as any).id });
    assert.equal((deleted as any).deleted, true);
  });

  await t.test('the active organization in session tokens: authenticateRequest → orgId, orgRole, orgSlug, has({ role })', async () => {
    const session = await clerk.sessions.createSession({ userId: admin.id });
    assert.equal(session.lastActiveOrganizationId, org.id, 'the organization the user last joined is active in a new session');
    const { jwt } = await clerk.sessions.getToken(session.id);
    const state = await clerk.authenticateRequest(new Request('http://localhost/', { headers: { authorization: `Bearer ${jwt}` } }), {
      publishableKey: PUBLISHABLE_KEY,
    });
    assert.equal(state.isAuthenticated, true, `reason: ${String(state.reason)}`);
    const auth = state.toAuth()!;
    assert.equal(auth.orgId, org.id);
    assert.equal(auth.orgRole, 'org:admin');
    assert.equal(auth.orgSlug, slug);
    assert.deepEqual(auth.orgPermissions, [], 'Clerk leaves system permissions out of session claims');
    assert.equal(auth.has({ role: 'org:admin' }), true);
    assert.equal(auth.has({ role: 'org:member' }), false);
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
    assert.equal(claims.org_id, org.id);
    assert.equal(claims.v, undefined, 'v1 claims: no `v`, so the SDK reads org_*');

    // A user without memberships: no organization claims.
    const loner = await clerk.users.createUser({ emailAddress: [uniqueEmail('sdk-loner')] });
    const other = await clerk.sessions.createSession({ userId: loner.id });
    assert.equal(other.lastActiveOrganizationId, null);
    const token = (await clerk.sessions.getToken(other.id)).jwt;
    const signedIn = await clerk.authenticateRequest(new Request('http://localhost/', { headers: { authorization: `Bearer ${token}` } }), {
      publishableKey: PUBLISHABLE_KEY,
    });
    assert.equal(signedIn.toAuth()?.orgId, undefined);
    assert.equal(signedIn.toAuth()?.has({ role: 'org:admin' }), false);
  });

  await t.test('organization creation limits answer Clerk’s codes through the SDK; deleteOrganization frees the place', async () => {
    // Not in the SDK's CreateUserParams type, but sent as create_organizations_limit all the same.
    const limited = await clerk.users.createUser({ emailAddress: [uniqueEmail('sdk-limited')], createOrganizationsLimit: 1 } as never);
    const first = await clerk.organizations.createOrganization({ name: 'Limited One', createdBy: limited.id });
    const error = await apiError(() => clerk.organizations.createOrganization({ name: 'Limited Two', createdBy: limited.id }));
    assert.equal(error.status, 403);
    assert.equal(error.errors[0]?.code, 'org_creation_limit_exceeded');
    const deleted = (await clerk.organizations.deleteOrganization(first.id)) as unknown as { id: string; deleted: boolean; slug: string };
    assert.equal(deleted.id, first.id);
    assert.equal(deleted.deleted, true);
    assert.equal(deleted.slug, first.slug);
    await clerk.organizations.createOrganization({ name: 'Limited Two', createdBy: limited.id });
    const disabled = await clerk.users.createUser({ emailAddress: [uniqueEmail('sdk-disabled')], createOrganizationEnabled: false } as never);
    const refused = await apiError(() => clerk.organizations.createOrganization({ name: 'Nope', createdBy: disabled.id }));
    assert.equal(refused.errors[0]?.code, 'user_create_organization_not_enabled');
  });

  await t.test('invitations.createInvitation / createInvitationBulk / getInvitationList / revokeInvitation', async () => {
    const email = uniqueEmail('sdk-inv');
    const invitation = await clerk.invitations.createInvitation({ emailAddress: email, publicMetadata: { beta: true }, redirectUrl: 'https://app.example.com/' });
    assertClass(invitation, 'Invitation');
    assert.equal(invitation.emailAddress, email);
    assert.equal(invitation.status, 'pending');
    assert.deepEqual(invitation.publicMetadata, { beta: true });
    const bulk = await clerk.invitations.createInvitationBulk([{ emailAddress: uniqueEmail('sdk-inv') }, { emailAddress: uniqueEmail('sdk-inv'), notify: false }]);
    assert.equal(bulk.length, 2);
    const list = await clerk.invitations.getInvitationList({ status: 'pending', limit: 500 });
    assert.ok(list.totalCount >= 3);
    assert.ok(list.data.some((i) => i.id === invitation.id));
    const revoked = await clerk.invitations.revokeInvitation(invitation.id);
    assert.equal(revoked.status, 'revoked');
    assert.equal(revoked.revoked, true);
    const duplicate = await apiError(() => clerk.invitations.createInvitation({ emailAddress: bulk[0]!.emailAddress }));
    assert.equal(duplicate.errors[0]?.code, 'duplicate_record');
  });

  await t.test('users.updateUserProfileImage / deleteUserProfileImage', async () => {
    const withImage = await clerk.users.updateUserProfileImage(member.id, { file: new Blob([await png()]) });
    assert.equal(withImage.hasImage, true);
    const image = await fetchImage(withImage.imageUrl);
    assert.equal(image.status, 200);
    assert.ok(image.headers.get('etag'));
    const without = await clerk.users.deleteUserProfileImage(member.id);
    assert.equal(without.hasImage, false);
  });

  await t.test('passkeys, external accounts and OAuth tokens: Clerk’s answers for a user who has none', async () => {
    const tokens = await clerk.users.getUserOauthAccessToken(member.id, 'google');
    assert.deepEqual(tokens.data, []);
    assert.equal(tokens.totalCount, 0);
    const passkey = await apiError(() => clerk.users.deleteUserPasskey({ userId: member.id, passkeyIdentificationId: 'idn_2none' }));
    assert.equal(passkey.status, 404);
    const account = await apiError(() => clerk.users.deleteUserExternalAccount({ userId: member.id, externalAccountId: 'eac_2none' }));
    assert.equal(account.errors[0]?.code, 'resource_not_found');
  });
});
