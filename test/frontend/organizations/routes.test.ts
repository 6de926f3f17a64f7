import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertError, call } from '../../helper.js';
import { multipart, png } from '../../images/support.js';
import { eventsOf, typesOf } from '../../organizations/support.js';
import { Browser, buildFrontendTestApp } from '../support.js';
import { addMemberByBackend, createOrganizationAs, signedInUser, uniqueName } from './support.js';

// /v1/organizations on the Frontend API: creating one within the creator's quota (the same service and
// events as the Backend API's POST /v1/organizations with created_by), reading, switching to, renaming and
// deleting it, by members and admins only.

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

test('Frontend API organizations', async (t) => {
  const ctx = await buildFrontendTestApp(t);

  await t.test('POST /v1/organizations → the organization, its creator an org:admin member; organization.created then organizationMembership.created', async () => {
    const me = await signedInUser(ctx);
    const name = uniqueName('Acme');
    let res: Awaited<ReturnType<typeof me.browser.request>> | undefined;
    const events = await eventsOf(ctx, async () => {
      res = await me.browser.request('POST', '/v1/organizations', { name });
    });
    assert.equal(res!.status, 200, JSON.stringify(res!.body));
    const organization = res!.body.response;
    assert.equal(organization.object, 'organization');
    assert.equal(organization.name, name);
    assert.equal(organization.created_by, me.id);
    assert.equal(organization.members_count, 1);
    assert.equal('private_metadata' in organization, false);
    assert.deepEqual(events.map((e) => e.type), ['organization.created', 'organizationMembership.created']);
    // The client it piggybacks already shows the membership (clerk-js's setActive looks for it there).
    const memberships = res!.body.client.sessions[0].user.organization_memberships;
    assert.deepEqual(memberships.map((m: any) => [m.organization.id, m.role]), [[organization.id, 'org:admin']]);
    assert.equal('private_metadata' in memberships[0], false);
    const backend = await call(ctx, 'GET', `/v1/organizations/${organization.id}/memberships`);
    assert.deepEqual(backend.body.data.map((m: any) => [m.public_user_data.user_id, m.role]), [[me.id, 'org:admin']]);
  });

  await t.test('POST /v1/organizations with a slug; a taken slug → 422 form_identifier_exists; a bad name → 422', async () => {
    const me = await signedInUser(ctx);
    const slug = `acme-${Date.now()}`;
    const res = await me.browser.request('POST', '/v1/organizations', { name: 'Acme', slug });
    assert.equal(res.body.response.slug, slug);
    assertError(await me.browser.request('POST', '/v1/organizations', { name: 'Acme 2', slug }), 422, 'form_identifier_exists', 'slug');
    assertError(await me.browser.request('POST', '/v1/organizations', { name: '' }), 422, 'form_param_nil', 'name');
  });

  await t.test('create_organization_enabled false → 403 user_create_organization_not_enabled', async () => {
    const me = await signedInUser(ctx, { create_organization_enabled: false });
    assertError(await me.browser.request('POST', '/v1/organizations', { name: uniqueName() }), 403, 'user_create_organization_not_enabled');
  });

  await t.test('create_organizations_limit: the user\'s own, else the instance default (0 = unlimited) → 403 org_creation_limit_exceeded', async (st) => {
    const limited = await signedInUser(ctx, { create_organizations_limit: 1 });
    await createOrganizationAs(limited);
    assertError(await limited.browser.request('POST', '/v1/organizations', { name: uniqueName() }), 403, 'org_creation_limit_exceeded');

    const unlimited = await signedInUser(ctx);
    for (let i = 0; i < 3; i += 1) await createOrganizationAs(unlimited);
    await call(ctx, 'PATCH', '/v1/gatehouse/settings', { organization_settings: { create_organizations_limit: 3 } });
    st.after(() => call(ctx, 'PATCH', '/v1/gatehouse/settings', { organization_settings: { create_organizations_limit: 0 } }));
    assertError(await unlimited.browser.request('POST', '/v1/organizations', { name: uniqueName() }), 403, 'org_creation_limit_exceeded');
    // Deleting one frees its place.
    const [first] = (await call(ctx, 'GET', `/v1/users/${unlimited.id}/organization_memberships`)).body.data;
    assert.equal((await unlimited.browser.request('DELETE', `/v1/organizations/${first.organization.id}`)).status, 200);
    assert.equal((await unlimited.browser.request('POST', '/v1/organizations', { name: uniqueName() })).status, 200);
  });

  await t.test('signed out → 401 signed_out', async () => {
    assertError(await new Browser(ctx).request('POST', '/v1/organizations', { name: uniqueName() }), 401, 'signed_out');
  });

  await t.test('GET /v1/organizations/{id}: a member reads it; a non-member → 403 not_a_member_in_organization; unknown → 404', async () => {
    const admin = await signedInUser(ctx);
    const organization = await createOrganizationAs(admin);
    const member = await signedInUser(ctx);
    await addMemberByBackend(ctx, organization.id, member.id);
    const res = await member.browser.request('GET', `/v1/organizations/${organization.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.response.id, organization.id);
    assert.equal(res.body.response.members_count, 2);
    const stranger = await signedInUser(ctx);
    assertError(await stranger.browser.request('GET', `/v1/organizations/${organization.id}`), 403, 'not_a_member_in_organization');
    assertError(await stranger.browser.request('GET', '/v1/organizations/org_nope'), 404, 'resource_not_found');
  });

  await t.test('switching: a member\'s touch makes it active and tokens carry it; a non-member cannot switch to it (404)', async () => {
    const admin = await signedInUser(ctx);
    const organization = await createOrganizationAs(admin);
    const touched = await admin.browser.request('POST', `/v1/client/sessions/${admin.sessionId}/touch`, { active_organization_id: organization.id });
    assert.equal(touched.status, 200);
    assert.equal(touched.body.response.last_active_organization_id, organization.id);
    const token = await admin.browser.request('POST', `/v1/client/sessions/${admin.sessionId}/tokens`);
    assert.deepEqual([claims(token.body.jwt).org_id, claims(token.body.jwt).org_role, claims(token.body.jwt).org_slug], [organization.id, 'org:admin', organization.slug]);
    const stranger = await signedInUser(ctx);
    assertError(await stranger.browser.request('POST', `/v1/client/sessions/${stranger.sessionId}/touch`, { active_organization_id: organization.id }), 404, 'resource_not_found');
    assertError(await stranger.browser.request('POST', `/v1/client/sessions/${stranger.sessionId}/tokens`, { organization_id: organization.id }), 404, 'resource_not_found');
  });

  await t.test('PATCH /v1/organizations/{id}: an admin renames it (organization.updated); a member → 403 not_an_admin_in_organization', async () => {
    const admin = await signedInUser(ctx);
    const organization = await createOrganizationAs(admin);
    const member = await signedInUser(ctx);
    await addMemberByBackend(ctx, organization.id, member.id);
    const slug = `renamed-${Date.now()}`;
    let res: Awaited<ReturnType<typeof admin.browser.request>> | undefined;
    const events = await eventsOf(ctx, async () => {
      res = await admin.browser.request('PATCH', `/v1/organizations/${organization.id}`, { name: 'Renamed', slug });
    });
    assert.equal(res!.status, 200, JSON.stringify(res!.body));
    assert.deepEqual([res!.body.response.name, res!.body.response.slug], ['Renamed', slug]);
    assert.deepEqual(typesOf(events), ['organization.updated']);
    assertError(await member.browser.request('PATCH', `/v1/organizations/${organization.id}`, { name: 'Mine now' }), 403, 'not_an_admin_in_organization');
    assertError(await admin.browser.request('PATCH', `/v1/organizations/${organization.id}`, { slug: 'Not A Slug' }), 422, 'form_param_format_invalid', 'slug');
    assert.equal((await call(ctx, 'GET', `/v1/organizations/${organization.id}`)).body.name, 'Renamed');
  });

  await t.test('DELETE /v1/organizations/{id}: an admin deletes it (organization.deleted); a member → 403; admin_delete_enabled false → 403', async () => {
    const admin = await signedInUser(ctx);
    const organization = await createOrganizationAs(admin);
    const member = await signedInUser(ctx);
    await addMemberByBackend(ctx, organization.id, member.id);
    assertError(await member.browser.request('DELETE', `/v1/organizations/${organization.id}`), 403, 'not_an_admin_in_organization');
    await call(ctx, 'PATCH', `/v1/organizations/${organization.id}`, { admin_delete_enabled: false });
    assertError(await admin.browser.request('DELETE', `/v1/organizations/${organization.id}`), 403, 'organization_admin_delete_not_enabled');
    await call(ctx, 'PATCH', `/v1/organizations/${organization.id}`, { admin_delete_enabled: true });
    let res: Awaited<ReturnType<typeof admin.browser.request>> | undefined;
    const events = await eventsOf(ctx, async () => {
      res = await admin.browser.request('DELETE', `/v1/organizations/${organization.id}`);
    });
    assert.deepEqual(res!.body.response, { object: 'organization', id: organization.id, slug: organization.slug, deleted: true });
    assert.ok(typesOf(events).includes('organization.deleted'));
    assert.equal((await call(ctx, 'GET', `/v1/organizations/${organization.id}`)).status, 404);
    assert.deepEqual(res!.body.client.sessions[0].user.organization_memberships, []);
  });

  await t.test('PUT/DELETE …/logo (multipart file): an admin sets and removes the logo; a member → 403', async () => {
    const admin = await signedInUser(ctx);
    const organization = await createOrganizationAs(admin);
    const member = await signedInUser(ctx);
    await addMemberByBackend(ctx, organization.id, member.id);
    const upload = async (as: typeof admin) => {
      const body = multipart(await png());
      return as.browser.request('PUT', `/v1/organizations/${organization.id}/logo`, { raw: body.payload, contentType: body.headers['content-type'] });
    };
    assertError(await upload(member), 403, 'not_an_admin_in_organization');
    const set = await upload(admin);
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.response.has_image, true);
    assert.match(set.body.response.image_url, /\/images\/img_/);
    assert.equal((await call(ctx, 'GET', `/v1/organizations/${organization.id}`)).body.image_url, set.body.response.image_url);
    const removed = await admin.browser.request('DELETE', `/v1/organizations/${organization.id}/logo`);
    assert.equal(removed.body.response.has_image, false);
  });

  await t.test('GET …/roles → org:admin and org:member with their permissions; …/domains and …/membership_requests → empty lists', async () => {
    const admin = await signedInUser(ctx);
    const organization = await createOrganizationAs(admin);
    const roles = await admin.browser.request('GET', `/v1/organizations/${organization.id}/roles`);
    assert.equal(roles.body.response.total_count, 2);
    assert.deepEqual(roles.body.response.data.map((r: any) => r.key), ['org:admin', 'org:member']);
    assert.deepEqual(roles.body.response.data[1].permissions.map((p: any) => p.key), ['org:sys_memberships:read']);
    for (const list of ['domains', 'membership_requests']) {
      assert.deepEqual((await admin.browser.request('GET', `/v1/organizations/${organization.id}/${list}`)).body.response, { data: [], total_count: 0 });
    }
    const stranger = await signedInUser(ctx);
    assertError(await stranger.browser.request('GET', `/v1/organizations/${organization.id}/roles`), 403, 'not_a_member_in_organization');
  });

  await t.test('organization_settings.enabled false → 403 organization_not_enabled_in_instance', async (st) => {
    const me = await signedInUser(ctx);
    const organization = await createOrganizationAs(me);
    await call(ctx, 'PATCH', '/v1/gatehouse/settings', { organization_settings: { enabled: false } });
    st.after(() => call(ctx, 'PATCH', '/v1/gatehouse/settings', { organization_settings: { enabled: true } }));
    assertError(await me.browser.request('POST', '/v1/organizations', { name: uniqueName() }), 403, 'organization_not_enabled_in_instance');
    assertError(await me.browser.request('GET', `/v1/organizations/${organization.id}`), 403, 'organization_not_enabled_in_instance');
    assertError(await me.browser.request('GET', '/v1/me/organization_memberships'), 403, 'organization_not_enabled_in_instance');
  });
});
