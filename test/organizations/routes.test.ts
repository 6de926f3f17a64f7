import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertError, buildTestApp, call, createTestUser, engine } from '../helper.js';
import { addMember, createOrganization, eventData, eventsOf, organizationWithAdmin, uniqueName } from './support.js';

// /v1/organizations (clerk-bapi-2025-03-12.yml, Organizations tag): create with the creator's quota,
// read by id or slug, list with every filter and order, update, metadata, delete, and their events.

/** Every field of the spec's Organization that Clerk always returns. */
const ORGANIZATION_KEYS = [
  'object', 'id', 'name', 'slug', 'image_url', 'has_image', 'max_allowed_memberships', 'admin_delete_enabled',
  'public_metadata', 'private_metadata', 'created_by', 'created_at', 'updated_at',
].sort();

test(`/v1/organizations (${engine})`, async (t) => {
  const ctx = await buildTestApp(t);

  await t.test('POST /v1/organizations → 200 Organization; the creator becomes its admin', async () => {
    const creator = await createTestUser(ctx, { first_name: 'Ada' });
    const res = await call(ctx, 'POST', '/v1/organizations', { name: 'Acme Corp.', created_by: creator.id, public_metadata: { plan: 'pro' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const org = res.body;
    assert.deepEqual(Object.keys(org).sort(), ORGANIZATION_KEYS);
    assert.equal(org.object, 'organization');
    assert.match(org.id, /^org_[0-9A-Za-z]{27}$/);
    assert.equal(org.name, 'Acme Corp.');
    assert.equal(org.slug, 'acme-corp', 'the slug comes from the name');
    assert.equal(org.created_by, creator.id);
    assert.equal(org.has_image, false);
    assert.deepEqual(JSON.parse(Buffer.from(new URL(org.image_url).pathname.slice(1), 'base64url').toString()), {
      type: 'default',
      iid: ctx.deps.instance.id,
      rid: org.id,
      initials: 'A',
    });
    assert.equal(org.max_allowed_memberships, 0, 'the instance default: unlimited');
    assert.equal(org.admin_delete_enabled, true);
    assert.deepEqual(org.public_metadata, { plan: 'pro' });
    assert.deepEqual(org.private_metadata, {});
    const members = await call(ctx, 'GET', `/v1/organizations/${org.id}/memberships`);
    assert.equal(members.body.total_count, 1);
    assert.equal(members.body.data[0].role, 'org:admin');
    assert.equal(members.body.data[0].public_user_data.user_id, creator.id);
  });

  await t.test('POST /v1/organizations records organization.created (counting the creator), then organizationMembership.created', async () => {
    const creator = await createTestUser(ctx);
    let org: any;
    const events = await eventsOf(ctx, async () => {
      org = await createOrganization(ctx, { created_by: creator.id });
    });
    assert.deepEqual(events.map((e) => e.type), ['organization.created', 'organizationMembership.created']);
    const created = eventData(events[0]);
    assert.equal(created.id, org.id);
    assert.equal(created.members_count, 1);
    assert.equal(created.pending_invitations_count, 0);
    assert.deepEqual({ ...created, members_count: undefined, pending_invitations_count: undefined, missing_member_with_elevated_permissions: undefined }, {
      ...org,
      members_count: undefined,
      pending_invitations_count: undefined,
      missing_member_with_elevated_permissions: undefined,
    });
    assert.equal(eventData(events[1]).role, 'org:admin');
    const none = await eventsOf(ctx, () => createOrganization(ctx));
    assert.deepEqual(none.map((e) => e.type), ['organization.created'], 'without created_by: no membership');
  });

  await t.test('POST /v1/organizations: slugs are unique, lowercase letters, digits and dashes', async () => {
    const name = uniqueName('Slug');
    const first = await createOrganization(ctx, { name });
    const second = await createOrganization(ctx, { name });
    assert.notEqual(second.slug, first.slug, 'a derived slug that is taken gets a suffix');
    assert.ok(second.slug.startsWith(`${first.slug}-`), second.slug);
    assertError(await call(ctx, 'POST', '/v1/organizations', { name: 'X', slug: first.slug }), 422, 'form_identifier_exists', 'slug');
    for (const slug of ['Upper', 'with space', 'under_score', '-dash', 'dash-', 'a--b']) {
      assertError(await call(ctx, 'POST', '/v1/organizations', { name: 'X', slug }), 422, 'form_param_format_invalid', 'slug');
    }
    const own = await createOrganization(ctx, { slug: `my-org-${Date.now()}` });
    assert.match(own.slug, /^my-org-\d+$/);
  });

  await t.test('POST /v1/organizations: bad names and bodies are 422 naming the parameter', async () => {
    assertError(await call(ctx, 'POST', '/v1/organizations', {}), 422, 'form_param_missing', 'name');
    assertError(await call(ctx, 'POST', '/v1/organizations', { name: '   ' }), 422, 'form_param_nil', 'name');
    assertError(await call(ctx, 'POST', '/v1/organizations', { name: 'Visit https://evil.example' }), 422, 'form_param_value_invalid', 'name');
    assertError(await call(ctx, 'POST', '/v1/organizations', { name: '<b>Bold</b>' }), 422, 'form_param_value_invalid', 'name');
    assertError(await call(ctx, 'POST', '/v1/organizations', { name: 'x'.repeat(257) }), 422, 'form_param_max_length_exceeded', 'name');
    assertError(await call(ctx, 'POST', '/v1/organizations', { name: 'X', color: 'red' }), 422, 'form_param_unknown', 'color');
    assertError(
      await call(ctx, 'POST', '/v1/organizations', { name: 'X', public_metadata: { big: 'x'.repeat(9000) } }),
      422,
      'form_param_exceeds_allowed_size',
      'public_metadata',
    );
    assertError(await call(ctx, 'POST', '/v1/organizations', { name: 'X', max_allowed_memberships: -1 }), 422, 'form_param_value_invalid', 'max_allowed_memberships');
    assertError(await call(ctx, 'POST', '/v1/organizations', { name: 'X', created_at: 'yesterday' }), 422, 'form_param_invalid_time', 'created_at');
    const dated = await createOrganization(ctx, { created_at: '2020-01-02T03:04:05.000Z' });
    assert.equal(dated.created_at, Date.parse('2020-01-02T03:04:05.000Z'));
  });

  await t.test('POST /v1/organizations with created_by: unknown user → 400 organization_creator_not_found', async () => {
    const res = await call(ctx, 'POST', '/v1/organizations', { name: 'X', created_by: 'user_2doesnotexist000000000000' });
    assertError(res, 400, 'organization_creator_not_found', 'created_by');
  });

  await t.test('created_by honours create_organization_enabled → 403 user_create_organization_not_enabled', async () => {
    const user = await createTestUser(ctx, { create_organization_enabled: false });
    const res = await call(ctx, 'POST', '/v1/organizations', { name: 'X', created_by: user.id });
    assertError(res, 403, 'user_create_organization_not_enabled');
    assert.equal((await call(ctx, 'GET', `/v1/organizations?user_id=${user.id}`)).body.total_count, 0, 'nothing was created');
  });

  await t.test('created_by honours create_organizations_limit → 403 org_creation_limit_exceeded; deleting one frees its place', async () => {
    const user = await createTestUser(ctx, { create_organizations_limit: 2 });
    const a = await createOrganization(ctx, { created_by: user.id });
    await createOrganization(ctx, { created_by: user.id });
    const third = await call(ctx, 'POST', '/v1/organizations', { name: 'X', created_by: user.id });
    const error = assertError(third, 403, 'org_creation_limit_exceeded');
    assert.equal(error.long_message, 'You have exceeded the maximum number of organizations you can create.');
    assert.equal((await call(ctx, 'DELETE', `/v1/organizations/${a.id}`)).status, 200);
    await createOrganization(ctx, { created_by: user.id });
    // Organizations the user joined but did not create do not count.
    const other = await organizationWithAdmin(ctx);
    await addMember(ctx, other.organization.id, user.id);
    assertError(await call(ctx, 'POST', '/v1/organizations', { name: 'X', created_by: user.id }), 403, 'org_creation_limit_exceeded');
  });

  await t.test('create_organizations_limit 0 or null → the instance default, which 0 makes unlimited', async () => {
    const user = await createTestUser(ctx, { create_organizations_limit: 0 });
    const other = await createTestUser(ctx);
    try {
      assert.equal((await call(ctx, 'PATCH', '/v1/gatehouse/settings', { organization_settings: { create_organizations_limit: 1 } })).status, 200);
      await createOrganization(ctx, { created_by: user.id });
      assertError(await call(ctx, 'POST', '/v1/organizations', { name: 'X', created_by: user.id }), 403, 'org_creation_limit_exceeded');
      await createOrganization(ctx, { created_by: other.id });
      assertError(await call(ctx, 'POST', '/v1/organizations', { name: 'X', created_by: other.id }), 403, 'org_creation_limit_exceeded');
      // A user's own limit wins over the instance's.
      assert.equal((await call(ctx, 'PATCH', `/v1/users/${user.id}`, { create_organizations_limit: 3 })).status, 200);
      await createOrganization(ctx, { created_by: user.id });
    } finally {
      await call(ctx, 'PATCH', '/v1/gatehouse/settings', { organization_settings: { create_organizations_limit: 0 } });
    }
    for (let i = 0; i < 3; i++) await createOrganization(ctx, { created_by: other.id });
  });

  await t.test('50 concurrent creations by a user with create_organizations_limit 3 → exactly 3 organizations', async () => {
    const user = await createTestUser(ctx, { create_organizations_limit: 3 });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => call(ctx, 'POST', '/v1/organizations', { name: `Race ${i}`, created_by: user.id })),
    );
    assert.equal(results.filter((r) => r.status === 200).length, 3);
    for (const r of results.filter((r) => r.status !== 200)) assertError(r, 403, 'org_creation_limit_exceeded');
    assert.equal((await call(ctx, 'GET', `/v1/organizations?user_id=${user.id}`)).body.total_count, 3);
  });

  await t.test('max_allowed_memberships defaults to the instance setting', async () => {
    try {
      await call(ctx, 'PATCH', '/v1/gatehouse/settings', { organization_settings: { max_allowed_memberships: 5, admin_delete_enabled: false } });
      const org = await createOrganization(ctx);
      assert.equal(org.max_allowed_memberships, 5);
      assert.equal(org.admin_delete_enabled, false);
      assert.equal((await createOrganization(ctx, { max_allowed_memberships: 9 })).max_allowed_memberships, 9);
    } finally {
      await call(ctx, 'PATCH', '/v1/gatehouse/settings', { organization_settings: { max_allowed_memberships: 0, admin_delete_enabled: true } });
    }
  });

  await t.test('GET /v1/organizations/{id_or_slug} → by id or by slug; counts on request; 404 otherwise', async () => {
    const { organization } = await organizationWithAdmin(ctx);
    const byId = await call(ctx, 'GET', `/v1/organizations/${organization.id}`);
    assert.deepEqual(byId.body, organization);
    const bySlug = await call(ctx, 'GET', `/v1/organizations/${organization.slug}`);
    assert.deepEqual(bySlug.body, organization);
    const counted = await call(ctx, 'GET', `/v1/organizations/${organization.id}?include_members_count=true`);
    assert.equal(counted.body.members_count, 1);
    assert.equal(counted.body.pending_invitations_count, 0);
    const missing = assertError(await call(ctx, 'GET', '/v1/organizations/org_2doesnotexist000000000000'), 404, 'resource_not_found');
    assert.equal(missing.long_message, 'Given organization not found.');
  });

  await t.test('GET /v1/organizations → {data, total_count}, newest first, limit and offset', async () => {
    const all = await call(ctx, 'GET', '/v1/organizations?limit=500');
    assert.equal(all.status, 200);
    assert.equal(all.body.total_count, all.body.data.length);
    const times = all.body.data.map((o: any) => o.created_at);
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    const page = await call(ctx, 'GET', '/v1/organizations?limit=2&offset=1');
    assert.deepEqual(page.body.data.map((o: any) => o.id), all.body.data.slice(1, 3).map((o: any) => o.id));
    assert.equal(page.body.total_count, all.body.total_count);
    assert.equal(all.body.data[0].members_count, undefined, 'counts only on request');
    const counted = await call(ctx, 'GET', '/v1/organizations?include_members_count=true&limit=1');
    assert.equal(typeof counted.body.data[0].members_count, 'number');
    assertError(await call(ctx, 'GET', '/v1/organizations?limit=0'), 422, 'form_param_value_invalid', 'limit');
    assertError(await call(ctx, 'GET', '/v1/organizations?order_by=slug'), 422, 'form_param_value_invalid', 'order_by');
  });

  await t.test('GET /v1/organizations?order_by=name|members_count|created_at, with + and -', async () => {
    const marker = uniqueName('Order').replace(/\s/g, '');
    const b = await createOrganization(ctx, { name: `${marker} b` });
    const a = await createOrganization(ctx, { name: `${marker} a` });
    const c = await createOrganization(ctx, { name: `${marker} c` });
    for (const u of [await createTestUser(ctx), await createTestUser(ctx)]) await addMember(ctx, b.id, u.id);
    await addMember(ctx, c.id, (await createTestUser(ctx)).id);
    const ids = async (order: string) =>
      (await call(ctx, 'GET', `/v1/organizations?query=${encodeURIComponent(marker)}&order_by=${encodeURIComponent(order)}`)).body.data.map((o: any) => o.id);
    assert.deepEqual(await ids('name'), [a.id, b.id, c.id]);
    assert.deepEqual(await ids('+name'), [a.id, b.id, c.id]);
    assert.deepEqual(await ids('-name'), [c.id, b.id, a.id]);
    assert.deepEqual(await ids('-members_count'), [b.id, c.id, a.id]);
    assert.deepEqual(await ids('members_count'), [a.id, c.id, b.id]);
    assert.deepEqual(await ids('created_at'), [b.id, a.id, c.id]);
    assert.deepEqual(await ids('-created_at'), [c.id, a.id, b.id]);
  });

  await t.test('GET /v1/organizations?query → part of the name or slug, or the exact id', async () => {
    const org = await createOrganization(ctx, { name: `Zebra ${uniqueName()}`, slug: `striped-${Date.now()}` });
    const find = async (query: string) => (await call(ctx, 'GET', `/v1/organizations?query=${encodeURIComponent(query)}&limit=500`)).body.data.map((o: any) => o.id);
    assert.ok((await find('zEBRa')).includes(org.id), 'name, case-insensitively');
    assert.ok((await find('triped-')).includes(org.id), 'slug');
    assert.deepEqual(await find(org.id), [org.id]);
    assert.deepEqual(await find(org.id.slice(0, 10)), [], 'ids match exactly, not in part');
    assert.deepEqual(await find('%'), [], 'LIKE wildcards are literal');
  });

  await t.test('GET /v1/organizations?organization_id and user_id → + includes, - excludes', async () => {
    const member = await createTestUser(ctx);
    const a = await createOrganization(ctx, { created_by: member.id });
    const b = await createOrganization(ctx);
    await addMember(ctx, b.id, member.id);
    const c = await createOrganization(ctx);
    const ids = async (qs: string) => (await call(ctx, 'GET', `/v1/organizations?${qs}&limit=500`)).body.data.map((o: any) => o.id).sort();
    assert.deepEqual(await ids(`organization_id=${a.id}&organization_id=%2B${c.id}`), [a.id, c.id].sort());
    assert.deepEqual(await ids(`organization_id=${a.id}&organization_id=${b.id}&organization_id=-${b.id}`), [a.id]);
    assert.deepEqual(await ids(`user_id=${member.id}`), [a.id, b.id].sort());
    assert.deepEqual(await ids(`user_id=${member.id}&organization_id=-${a.id}`), [b.id]);
    const excluded = await ids(`user_id=-${member.id}`);
    assert.ok(excluded.includes(c.id) && !excluded.includes(a.id) && !excluded.includes(b.id));
  });

  await t.test('PATCH /v1/organizations/{id} → the new values and organization.updated; nothing to change records nothing', async () => {
    const { organization } = await organizationWithAdmin(ctx);
    const slug = `renamed-${Date.now()}`;
    let res: any;
    const events = await eventsOf(ctx, async () => {
      res = await call(ctx, 'PATCH', `/v1/organizations/${organization.id}`, {
        name: 'Renamed',
        slug,
        max_allowed_memberships: 7,
        admin_delete_enabled: false,
        private_metadata: { tier: 2 },
      });
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.name, 'Renamed');
    assert.equal(res.body.slug, slug);
    assert.equal(res.body.max_allowed_memberships, 7);
    assert.equal(res.body.admin_delete_enabled, false);
    assert.deepEqual(res.body.private_metadata, { tier: 2 });
    assert.ok(res.body.updated_at >= organization.updated_at);
    assert.deepEqual(events.map((e) => e.type), ['organization.updated']);
    assert.equal(eventData(events[0]).name, 'Renamed');
    assert.equal(eventData(events[0]).members_count, 1);
    assert.deepEqual((await eventsOf(ctx, () => call(ctx, 'PATCH', `/v1/organizations/${organization.id}`, {}))).length, 0);
    const other = await createOrganization(ctx);
    assertError(await call(ctx, 'PATCH', `/v1/organizations/${other.id}`, { slug }), 422, 'form_identifier_exists', 'slug');
    assertError(await call(ctx, 'PATCH', `/v1/organizations/${other.id}`, { slug: 'Bad Slug' }), 422, 'form_param_format_invalid', 'slug');
    assertError(await call(ctx, 'PATCH', '/v1/organizations/org_2doesnotexist000000000000', { name: 'X' }), 404, 'resource_not_found');
  });

  await t.test('PATCH /v1/organizations/{id}/metadata merges deeply; PUT replaces; both record organization.updated', async () => {
    const org = await createOrganization(ctx, { public_metadata: { a: { b: 1, c: 2 }, keep: true }, private_metadata: { secret: 1 } });
    const merged = await call(ctx, 'PATCH', `/v1/organizations/${org.id}/metadata`, { public_metadata: { a: { b: null, d: 3 } } });
    assert.equal(merged.status, 200);
    assert.deepEqual(merged.body.public_metadata, { a: { c: 2, d: 3 }, keep: true });
    assert.deepEqual(merged.body.private_metadata, { secret: 1 });
    const events = await eventsOf(ctx, async () => {
      const replaced = await call(ctx, 'PUT', `/v1/organizations/${org.id}/metadata`, { private_metadata: { other: 2 } });
      assert.deepEqual(replaced.body.private_metadata, { other: 2 });
      assert.deepEqual(replaced.body.public_metadata, { a: { c: 2, d: 3 }, keep: true });
    });
    assert.deepEqual(events.map((e) => e.type), ['organization.updated']);
    assertError(
      await call(ctx, 'PATCH', `/v1/organizations/${org.id}/metadata`, { public_metadata: { big: 'x'.repeat(9000) } }),
      422,
      'form_param_exceeds_allowed_size',
      'public_metadata',
    );
    assertError(await call(ctx, 'PATCH', `/v1/organizations/${org.id}/metadata`, { unsafe_metadata: {} }), 422, 'form_param_unknown', 'unsafe_metadata');
  });

  await t.test('DELETE /v1/organizations/{id} → deleted object with slug; members, invitations and domains go with it', async () => {
    const { organization, admin } = await organizationWithAdmin(ctx);
    await call(ctx, 'POST', `/v1/organizations/${organization.id}/domains`, { name: `del-${Date.now()}.com` });
    let res: any;
    const events = await eventsOf(ctx, async () => {
      res = await call(ctx, 'DELETE', `/v1/organizations/${organization.id}`);
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { object: 'organization', id: organization.id, slug: organization.slug, deleted: true });
    assert.deepEqual(events.map((e) => e.type), ['organization.deleted']);
    assert.deepEqual(eventData(events[0]), res.body);
    assertError(await call(ctx, 'GET', `/v1/organizations/${organization.id}`), 404, 'resource_not_found');
    assert.equal((await call(ctx, 'GET', `/v1/users/${admin.id}/organization_memberships`)).body.total_count, 0);
    assertError(await call(ctx, 'DELETE', `/v1/organizations/${organization.id}`), 404, 'resource_not_found');
  });
});
