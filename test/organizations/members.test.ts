import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertError, buildTestApp, call, createTestUser, engine, uniqueEmail } from '../helper.js';
import { addMember, createOrganization, eventData, eventsOf, organizationWithAdmin, typesOf } from './support.js';

// Organization memberships (clerk-bapi-2025-03-12.yml, Organization Memberships tag, and the Users tag's
// /users/{id}/organization_memberships): roles with Clerk's system permissions, the last-admin rule,
// max_allowed_memberships under concurrency, user filters on members, and the events of every change.

const MEMBERSHIP_KEYS = [
  'object', 'id', 'role', 'role_name', 'permissions', 'public_metadata', 'private_metadata', 'organization',
  'public_user_data', 'created_at', 'updated_at',
].sort();

const ADMIN_PERMISSIONS = [
  'org:sys_profile:manage',
  'org:sys_profile:delete',
  'org:sys_memberships:read',
  'org:sys_memberships:manage',
  'org:sys_domains:read',
  'org:sys_domains:manage',
];

test(`organization memberships (${engine})`, async (t) => {
  const ctx = await buildTestApp(t);

  await t.test('POST /v1/organizations/{id}/memberships → 200 OrganizationMembership with the organization and public user data', async () => {
    const { organization } = await organizationWithAdmin(ctx);
    const user = await createTestUser(ctx, { first_name: 'Grace', last_name: 'Hopper', username: `grace_${Date.now()}` });
    let res: any;
    const events = await eventsOf(ctx, async () => {
      res = await call(ctx, 'POST', `/v1/organizations/${organization.id}/memberships`, { user_id: user.id, role: 'org:member' });
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const m = res.body;
    assert.deepEqual(Object.keys(m).sort(), MEMBERSHIP_KEYS);
    assert.equal(m.object, 'organization_membership');
    assert.match(m.id, /^orgmem_[0-9A-Za-z]{27}$/);
    assert.equal(m.role, 'org:member');
    assert.equal(m.role_name, 'Member');
    assert.deepEqual(m.permissions, ['org:sys_memberships:read']);
    assert.equal(m.organization.id, organization.id);
    assert.equal(m.organization.members_count, 2);
    assert.deepEqual(m.public_user_data, {
      user_id: user.id,
      first_name: 'Grace',
      last_name: 'Hopper',
      profile_image_url: user.image_url,
      image_url: user.image_url,
      has_image: false,
      identifier: user.email_addresses[0].email_address,
    });
    assert.deepEqual(events.map((e) => e.type), ['organizationMembership.created']);
    assert.deepEqual(eventData(events[0]), m);
  });

  await t.test('POST …/memberships: org:admin has every system permission; bad input is refused', async () => {
    const { organization } = await organizationWithAdmin(ctx);
    const user = await createTestUser(ctx);
    const admin = await addMember(ctx, organization.id, user.id, 'org:admin');
    assert.equal(admin.role_name, 'Admin');
    assert.deepEqual(admin.permissions, ADMIN_PERMISSIONS);
    assertError(await call(ctx, 'POST', `/v1/organizations/${organization.id}/memberships`, { user_id: user.id, role: 'org:member' }), 400, 'already_a_member_in_organization');
    const other = await createTestUser(ctx);
    const badRole = assertError(
      await call(ctx, 'POST', `/v1/organizations/${organization.id}/memberships`, { user_id: other.id, role: 'org:owner' }),
      404,
      'resource_not_found',
      'role',
    );
    assert.equal(badRole.long_message, 'Organization role not found');
    assertError(await call(ctx, 'POST', `/v1/organizations/${organization.id}/memberships`, { user_id: other.id }), 422, 'form_param_missing', 'role');
    assertError(
      await call(ctx, 'POST', `/v1/organizations/${organization.id}/memberships`, { user_id: 'user_2doesnotexist000000000000', role: 'org:member' }),
      404,
      'resource_not_found',
      'user_id',
    );
    assertError(
      await call(ctx, 'POST', '/v1/organizations/org_2doesnotexist000000000000/memberships', { user_id: other.id, role: 'org:member' }),
      404,
      'resource_not_found',
    );
  });

  await t.test('PATCH …/memberships/{user_id} → new role and organizationMembership.updated; 404 for a non-member', async () => {
    const { organization } = await organizationWithAdmin(ctx);
    const user = await createTestUser(ctx);
    await addMember(ctx, organization.id, user.id);
    let res: any;
    const events = await eventsOf(ctx, async () => {
      res = await call(ctx, 'PATCH', `/v1/organizations/${organization.id}/memberships/${user.id}`, { role: 'org:admin' });
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.role, 'org:admin');
    assert.deepEqual(res.body.permissions, ADMIN_PERMISSIONS);
    assert.deepEqual(events.map((e) => e.type), ['organizationMembership.updated']);
    assert.deepEqual(eventData(events[0]), res.body);
    const stranger = await createTestUser(ctx);
    assertError(await call(ctx, 'PATCH', `/v1/organizations/${organization.id}/memberships/${stranger.id}`, { role: 'org:admin' }), 404, 'resource_not_found');
    assertError(await call(ctx, 'PATCH', `/v1/organizations/${organization.id}/memberships/${user.id}`, { role: 'boss' }), 404, 'resource_not_found', 'role');
  });

  await t.test('the last admin can be neither demoted nor removed → 400 organization_minimum_permissions_needed', async () => {
    const { organization, admin } = await organizationWithAdmin(ctx);
    const member = await createTestUser(ctx);
    await addMember(ctx, organization.id, member.id);
    const demote = await call(ctx, 'PATCH', `/v1/organizations/${organization.id}/memberships/${admin.id}`, { role: 'org:member' });
    const error = assertError(demote, 400, 'organization_minimum_permissions_needed');
    assert.equal(error.long_message, 'There has to be at least one organization member with the minimum required permissions');
    assertError(await call(ctx, 'DELETE', `/v1/organizations/${organization.id}/memberships/${admin.id}`), 400, 'organization_minimum_permissions_needed');
    // With a second admin, the first may go.
    await call(ctx, 'PATCH', `/v1/organizations/${organization.id}/memberships/${member.id}`, { role: 'org:admin' });
    assert.equal((await call(ctx, 'PATCH', `/v1/organizations/${organization.id}/memberships/${admin.id}`, { role: 'org:member' })).status, 200);
    assertError(await call(ctx, 'DELETE', `/v1/organizations/${organization.id}/memberships/${member.id}`), 400, 'organization_minimum_permissions_needed');
  });

  await t.test('two admins demoting each other at once: one stays admin', async () => {
    const { organization, admin } = await organizationWithAdmin(ctx);
    const second = await createTestUser(ctx);
    await addMember(ctx, organization.id, second.id, 'org:admin');
    const results = await Promise.all(
      [admin.id, second.id].map((id) => call(ctx, 'PATCH', `/v1/organizations/${organization.id}/memberships/${id}`, { role: 'org:member' })),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 400]);
    const admins = await call(ctx, 'GET', `/v1/organizations/${organization.id}/memberships?role=org:admin`);
    assert.equal(admins.body.total_count, 1);
  });

  await t.test('DELETE …/memberships/{user_id} → the membership as it was, and organizationMembership.deleted', async () => {
    const { organization } = await organizationWithAdmin(ctx);
    const user = await createTestUser(ctx);
    const created = await addMember(ctx, organization.id, user.id);
    let res: any;
    const events = await eventsOf(ctx, async () => {
      res = await call(ctx, 'DELETE', `/v1/organizations/${organization.id}/memberships/${user.id}`);
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.id, created.id);
    assert.equal(res.body.object, 'organization_membership');
    assert.equal(res.body.organization.members_count, 1, 'the organization without the member');
    assert.deepEqual(events.map((e) => e.type), ['organizationMembership.deleted']);
    assert.deepEqual(eventData(events[0]), res.body);
    assertError(await call(ctx, 'DELETE', `/v1/organizations/${organization.id}/memberships/${user.id}`), 404, 'resource_not_found');
    const org = await call(ctx, 'GET', `/v1/organizations/${organization.id}?include_members_count=true`);
    assert.equal(org.body.members_count, 1);
  });

  await t.test('PATCH …/memberships/{user_id}/metadata merges deeply → organizationMembership.updated', async () => {
    const { organization } = await organizationWithAdmin(ctx);
    const user = await createTestUser(ctx);
    await addMember(ctx, organization.id, user.id);
    const url = `/v1/organizations/${organization.id}/memberships/${user.id}/metadata`;
    await call(ctx, 'PATCH', url, { public_metadata: { team: { name: 'core', size: 3 } }, private_metadata: { note: 'x' } });
    let res: any;
    const events = await eventsOf(ctx, async () => {
      res = await call(ctx, 'PATCH', url, { public_metadata: { team: { size: null, lead: true } } });
    });
    assert.deepEqual(res.body.public_metadata, { team: { name: 'core', lead: true } });
    assert.deepEqual(res.body.private_metadata, { note: 'x' });
    assert.deepEqual(events.map((e) => e.type), ['organizationMembership.updated']);
    assertError(await call(ctx, 'PATCH', url, { private_metadata: { big: 'x'.repeat(9000) } }), 422, 'form_param_exceeds_allowed_size', 'private_metadata');
    assertError(await call(ctx, 'PATCH', url, { unsafe_metadata: {} }), 422, 'form_param_unknown', 'unsafe_metadata');
  });

  await t.test('max_allowed_memberships counts members and pending invitations → 403 organization_membership_quota_exceeded', async () => {
    const { organization } = await organizationWithAdmin(ctx, { max_allowed_memberships: 3 });
    await addMember(ctx, organization.id, (await createTestUser(ctx)).id);
    const invited = await call(ctx, 'POST', `/v1/organizations/${organization.id}/invitations`, { email_address: uniqueEmail('quota'), role: 'org:member' });
    assert.equal(invited.status, 200, JSON.stringify(invited.body));
    const full = await call(ctx, 'POST', `/v1/organizations/${organization.id}/memberships`, { user_id: (await createTestUser(ctx)).id, role: 'org:member' });
    const error = assertError(full, 403, 'organization_membership_quota_exceeded');
    assert.equal(error.long_message, 'You have reached your limit of 3 organization memberships, including outstanding invitations.');
    assertError(
      await call(ctx, 'POST', `/v1/organizations/${organization.id}/invitations`, { email_address: uniqueEmail('quota'), role: 'org:member' }),
      403,
      'organization_membership_quota_exceeded',
    );
    // Revoking the invitation frees its place.
    await call(ctx, 'POST', `/v1/organizations/${organization.id}/invitations/${invited.body.id}/revoke`, {});
    await addMember(ctx, organization.id, (await createTestUser(ctx)).id);
    // Raising the limit, or 0 (unlimited), makes room.
    await call(ctx, 'PATCH', `/v1/organizations/${organization.id}`, { max_allowed_memberships: 0 });
    await addMember(ctx, organization.id, (await createTestUser(ctx)).id);
  });

  await t.test('50 concurrent additions to an organization limited to 10 → exactly 10 members', async () => {
    const { organization } = await organizationWithAdmin(ctx, { max_allowed_memberships: 10 });
    const users = await Promise.all(Array.from({ length: 50 }, () => createTestUser(ctx)));
    const results = await Promise.all(
      users.map((u) => call(ctx, 'POST', `/v1/organizations/${organization.id}/memberships`, { user_id: u.id, role: 'org:member' })),
    );
    assert.equal(results.filter((r) => r.status === 200).length, 9, 'the creator holds the tenth place');
    for (const r of results.filter((r) => r.status !== 200)) assertError(r, 403, 'organization_membership_quota_exceeded');
    const org = await call(ctx, 'GET', `/v1/organizations/${organization.id}?include_members_count=true`);
    assert.equal(org.body.members_count, 10);
    assert.equal((await call(ctx, 'GET', `/v1/organizations/${organization.id}/memberships?limit=100`)).body.total_count, 10);
  });

  await t.test('GET /v1/organizations/{id}/memberships: user filters, roles, order_by and paging', async () => {
    const { organization, admin } = await organizationWithAdmin(ctx);
    const ann = await createTestUser(ctx, { first_name: 'Ann', last_name: 'Zed', email_address: [uniqueEmail('aaa')] });
    const bob = await createTestUser(ctx, { first_name: 'Bob', last_name: 'Young', phone_number: ['+15555550123'] });
    await addMember(ctx, organization.id, ann.id);
    await addMember(ctx, organization.id, bob.id, 'org:admin');
    const outsider = await createTestUser(ctx, { first_name: 'Ann' });
    const list = async (qs = '') => {
      const res = await call(ctx, 'GET', `/v1/organizations/${organization.id}/memberships${qs}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body as { data: any[]; total_count: number };
    };
    const users = (page: { data: any[] }) => page.data.map((m) => m.public_user_data.user_id);
    const all = await list();
    assert.equal(all.total_count, 3);
    assert.deepEqual(users(all), [bob.id, ann.id, admin.id], 'newest first');
    assert.deepEqual(users(await list('?order_by=created_at')), [admin.id, ann.id, bob.id]);
    assert.deepEqual(users(await list('?order_by=first_name&user_id=' + ann.id + '&user_id=' + bob.id)), [ann.id, bob.id]);
    assert.deepEqual(users(await list('?order_by=-last_name&user_id=' + ann.id + '&user_id=' + bob.id)), [ann.id, bob.id]);
    assert.deepEqual(users(await list('?role=org:admin')).sort(), [admin.id, bob.id].sort());
    assert.deepEqual(users(await list(`?user_id=-${admin.id}`)).sort(), [ann.id, bob.id].sort());
    assert.deepEqual(users(await list(`?email_address=${encodeURIComponent(ann.email_addresses[0].email_address.toUpperCase())}`)), [ann.id]);
    assert.deepEqual(users(await list('?phone_number=%2B15555550123')), [bob.id]);
    assert.deepEqual(users(await list('?name_query=ann')), [ann.id], 'the outsider named Ann is not a member');
    assert.deepEqual(users(await list('?query=young')), [bob.id]);
    const page = await list('?limit=1&offset=1');
    assert.deepEqual(users(page), [ann.id]);
    assert.equal(page.total_count, 3);
    assert.ok(!users(await list('?limit=100')).includes(outsider.id));
    assertError(await call(ctx, 'GET', `/v1/organizations/${organization.id}/memberships?order_by=role`), 422, 'form_param_value_invalid', 'order_by');
    assertError(await call(ctx, 'GET', '/v1/organizations/org_2doesnotexist000000000000/memberships'), 404, 'resource_not_found');
  });

  await t.test('GET /v1/organization_memberships and /v1/users/{id}/organization_memberships', async () => {
    const user = await createTestUser(ctx);
    const a = await createOrganization(ctx, { created_by: user.id });
    const b = (await organizationWithAdmin(ctx)).organization;
    await addMember(ctx, b.id, user.id);
    const mine = await call(ctx, 'GET', `/v1/users/${user.id}/organization_memberships`);
    assert.equal(mine.status, 200);
    assert.equal(mine.body.total_count, 2);
    assert.deepEqual(mine.body.data.map((m: any) => m.organization.id), [b.id, a.id]);
    assert.deepEqual(mine.body.data.map((m: any) => m.role), ['org:member', 'org:admin']);
    const paged = await call(ctx, 'GET', `/v1/users/${user.id}/organization_memberships?limit=1&offset=1`);
    assert.deepEqual(paged.body.data.map((m: any) => m.organization.id), [a.id]);
    assertError(await call(ctx, 'GET', '/v1/users/user_2doesnotexist000000000000/organization_memberships'), 404, 'resource_not_found');
    const instance = await call(ctx, 'GET', '/v1/organization_memberships?limit=500');
    assert.equal(instance.status, 200);
    assert.equal(instance.body.total_count, instance.body.data.length);
    const times = instance.body.data.map((m: any) => m.created_at);
    assert.deepEqual(times, [...times].sort((x, y) => y - x));
    assert.ok(instance.body.data.some((m: any) => m.organization.id === b.id && m.public_user_data.user_id === user.id));
  });

  await t.test('GET /v1/users?organization_id → members of included organizations, minus those of excluded ones', async () => {
    const { organization: a, admin: adminA } = await organizationWithAdmin(ctx);
    const { organization: b, admin: adminB } = await organizationWithAdmin(ctx);
    const both = await createTestUser(ctx);
    await addMember(ctx, a.id, both.id);
    await addMember(ctx, b.id, both.id);
    const ids = async (qs: string) => {
      const res = await call(ctx, 'GET', `/v1/users?${qs}&limit=500`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const count = await call(ctx, 'GET', `/v1/users/count?${qs}`);
      assert.equal(count.body.total_count, res.body.length, 'count answers the same filters');
      return res.body.map((u: any) => u.id).sort();
    };
    assert.deepEqual(await ids(`organization_id=${a.id}`), [adminA.id, both.id].sort());
    assert.deepEqual(await ids(`organization_id=%2B${a.id}&organization_id=${b.id}`), [adminA.id, adminB.id, both.id].sort());
    assert.deepEqual(await ids(`organization_id=${a.id}&organization_id=-${b.id}`), [adminA.id]);
    assert.deepEqual(await ids(`user_id=${adminA.id}&user_id=${both.id}&user_id=${adminB.id}&organization_id=-${b.id}`), [adminA.id]);
    assert.deepEqual(await ids('organization_id=org_2doesnotexist000000000000'), []);
  });

  await t.test('DELETE /v1/users/{id} removes the memberships: organizationMembership.deleted each, before user.deleted', async () => {
    const user = await createTestUser(ctx);
    const { organization: a } = await organizationWithAdmin(ctx);
    const { organization: b } = await organizationWithAdmin(ctx);
    await addMember(ctx, a.id, user.id);
    await addMember(ctx, b.id, user.id, 'org:admin');
    const events = await eventsOf(ctx, () => call(ctx, 'DELETE', `/v1/users/${user.id}`));
    assert.deepEqual(typesOf(events), ['organizationMembership.deleted', 'organizationMembership.deleted', 'user.deleted']);
    const deleted = events.filter((e) => e.type === 'organizationMembership.deleted');
    assert.deepEqual(deleted.map((e) => eventData(e).organization.id).sort(), [a.id, b.id].sort());
    assert.equal(eventData(deleted[0]).public_user_data.user_id, user.id);
    for (const org of [a, b]) {
      const counted = await call(ctx, 'GET', `/v1/organizations/${org.id}?include_members_count=true`);
      assert.equal(counted.body.members_count, 1);
    }
  });

  await t.test('deleting the last admin user is allowed: the organization stays, without an admin', async () => {
    const { organization, admin } = await organizationWithAdmin(ctx);
    assert.equal((await call(ctx, 'DELETE', `/v1/users/${admin.id}`)).status, 200);
    const org = await call(ctx, 'GET', `/v1/organizations/${organization.id}?include_members_count=true`);
    assert.equal(org.body.members_count, 0);
    assert.equal(org.body.created_by, admin.id, 'created_by outlives the creator');
  });
});
