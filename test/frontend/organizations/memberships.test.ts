import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertError } from '../../helper.js';
import { eventsOf, typesOf } from '../../organizations/support.js';
import { buildFrontendTestApp } from '../support.js';
import { addMemberByBackend, createOrganizationAs, signedInUser } from './support.js';

// /v1/organizations/{id}/memberships on the Frontend API (<OrganizationProfile />'s Members page): members
// read the list; admins add, change roles and remove, under the members service's rules.

test('Frontend API organization memberships', async (t) => {
  const ctx = await buildFrontendTestApp(t);
  const admin = await signedInUser(ctx);
  const organization = await createOrganizationAs(admin);
  const member = await signedInUser(ctx);
  await addMemberByBackend(ctx, organization.id, member.id);
  const base = `/v1/organizations/${organization.id}/memberships`;

  await t.test('GET …/memberships?paginated=true → { data, total_count } for any member, without private metadata; a bare array otherwise', async () => {
    const page = await member.browser.request('GET', `${base}?paginated=true&limit=10&offset=0`);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    assert.equal(page.body.response.total_count, 2);
    assert.deepEqual(page.body.response.data.map((m: any) => m.public_user_data.user_id).sort(), [admin.id, member.id].sort());
    assert.equal('private_metadata' in page.body.response.data[0], false);
    assert.equal('private_metadata' in page.body.response.data[0].organization, false);
    const bare = await member.browser.request('GET', base);
    assert.ok(Array.isArray(bare.body.response));
    const admins = await member.browser.request('GET', `${base}?paginated=true&role=org:admin`);
    assert.deepEqual(admins.body.response.data.map((m: any) => m.public_user_data.user_id), [admin.id]);
    const stranger = await signedInUser(ctx);
    assertError(await stranger.browser.request('GET', `${base}?paginated=true`), 403, 'not_a_member_in_organization');
  });

  await t.test('PATCH …/memberships/{user_id}: an admin changes a role (organizationMembership.updated); a member → 403', async () => {
    assertError(await member.browser.request('PATCH', `${base}/${admin.id}`, { role: 'org:member' }), 403, 'not_an_admin_in_organization');
    let res: Awaited<ReturnType<typeof admin.browser.request>> | undefined;
    const events = await eventsOf(ctx, async () => {
      res = await admin.browser.request('PATCH', `${base}/${member.id}`, { role: 'org:admin' });
    });
    assert.equal(res!.status, 200, JSON.stringify(res!.body));
    assert.equal(res!.body.response.role, 'org:admin');
    assert.deepEqual(typesOf(events), ['organizationMembership.updated']);
    await admin.browser.request('PATCH', `${base}/${member.id}`, { role: 'org:member' });
    assertError(await admin.browser.request('PATCH', `${base}/${member.id}`, { role: 'org:owner' }), 404, 'resource_not_found', 'role');
  });

  await t.test('the last admin cannot step down → 400 organization_minimum_permissions_needed', async () => {
    assertError(await admin.browser.request('PATCH', `${base}/${admin.id}`, { role: 'org:member' }), 400, 'organization_minimum_permissions_needed');
  });

  await t.test('POST …/memberships: an admin adds a user; DELETE removes them (organizationMembership.deleted); a member cannot', async () => {
    const newcomer = await signedInUser(ctx);
    assertError(await member.browser.request('POST', base, { user_id: newcomer.id, role: 'org:member' }), 403, 'not_an_admin_in_organization');
    const added = await admin.browser.request('POST', base, { user_id: newcomer.id, role: 'org:member' });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.equal(added.body.response.public_user_data.user_id, newcomer.id);
    assertError(await member.browser.request('DELETE', `${base}/${newcomer.id}`), 403, 'not_an_admin_in_organization');
    let res: Awaited<ReturnType<typeof admin.browser.request>> | undefined;
    const events = await eventsOf(ctx, async () => {
      res = await admin.browser.request('DELETE', `${base}/${newcomer.id}`);
    });
    assert.equal(res!.status, 200);
    assert.deepEqual(typesOf(events), ['organizationMembership.deleted']);
    assertError(await newcomer.browser.request('GET', `/v1/organizations/${organization.id}`), 403, 'not_a_member_in_organization');
  });
});
