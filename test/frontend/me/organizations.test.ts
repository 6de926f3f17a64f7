import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertError, call } from '../../helper.js';
import { eventsOf } from '../../organizations/support.js';
import { addMemberByBackend, createOrganizationAs, signedInUser } from '../organizations/support.js';
import { buildFrontendTestApp } from '../support.js';

// The signed-in user's organizations under /v1/me, as clerk-js's <OrganizationSwitcher /> reads them when
// it mounts: memberships, invitations, suggestions; and leaving an organization.

test('/v1/me organizations', async (t) => {
  const ctx = await buildFrontendTestApp(t);

  await t.test('GET /v1/me/organization_memberships?paginated=true → { data, total_count }, newest first; GET /v1/me embeds them', async () => {
    const me = await signedInUser(ctx);
    const first = await createOrganizationAs(me);
    const other = await signedInUser(ctx);
    const second = await createOrganizationAs(other);
    await addMemberByBackend(ctx, second.id, me.id);
    const page = await me.browser.request('GET', '/v1/me/organization_memberships?paginated=true&limit=10&offset=0');
    assert.equal(page.status, 200, JSON.stringify(page.body));
    assert.equal(page.body.response.total_count, 2);
    assert.deepEqual(page.body.response.data.map((m: any) => [m.organization.id, m.role]), [[second.id, 'org:member'], [first.id, 'org:admin']]);
    assert.equal('private_metadata' in page.body.response.data[0], false);
    assert.deepEqual((await me.browser.request('GET', '/v1/me/organization_memberships?paginated=true&limit=1&offset=1')).body.response.data.map((m: any) => m.organization.id), [first.id]);
    assert.ok(Array.isArray((await me.browser.request('GET', '/v1/me/organization_memberships')).body.response));
    const self = await me.browser.request('GET', '/v1/me');
    assert.deepEqual(self.body.response.organization_memberships.map((m: any) => m.organization.id), [second.id, first.id]);
  });

  await t.test('GET /v1/me/organization_suggestions and …/organization_invitations → empty paginated lists (not 404)', async () => {
    const me = await signedInUser(ctx);
    const suggestions = await me.browser.request('GET', '/v1/me/organization_suggestions?status=pending&status=accepted&limit=10&offset=0');
    assert.equal(suggestions.status, 200);
    assert.deepEqual(suggestions.body.response, { data: [], total_count: 0 });
    assert.deepEqual((await me.browser.request('GET', '/v1/me/organization_invitations?status=pending')).body.response, { data: [], total_count: 0 });
    assertError(await me.browser.request('POST', '/v1/me/organization_suggestions/orgsug_nope/accept'), 404, 'resource_not_found');
  });

  await t.test('DELETE /v1/me/organization_memberships/{organization_id}: a member leaves (organizationMembership.deleted); the last admin cannot', async () => {
    const admin = await signedInUser(ctx);
    const organization = await createOrganizationAs(admin);
    const member = await signedInUser(ctx);
    const membership = await addMemberByBackend(ctx, organization.id, member.id);
    let res: Awaited<ReturnType<typeof member.browser.request>> | undefined;
    const events = await eventsOf(ctx, async () => {
      res = await member.browser.request('DELETE', `/v1/me/organization_memberships/${organization.id}`);
    });
    assert.equal(res!.status, 200, JSON.stringify(res!.body));
    assert.deepEqual(res!.body.response, { object: 'organization_membership', id: membership.id, deleted: true });
    assert.deepEqual(events.map((e) => e.type), ['organizationMembership.deleted']);
    assert.deepEqual(res!.body.client.sessions[0].user.organization_memberships, []);
    assertError(await member.browser.request('DELETE', `/v1/me/organization_memberships/${organization.id}`), 403, 'not_a_member_in_organization');
    assertError(await admin.browser.request('DELETE', `/v1/me/organization_memberships/${organization.id}`), 400, 'organization_minimum_permissions_needed');
    assert.equal((await call(ctx, 'GET', `/v1/organizations/${organization.id}`)).body.id, organization.id);
  });
});
