import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp, call, createTestUser, engine } from '../helper.js';
import { addMember, createOrganization, organizationWithAdmin } from './support.js';

// The active organization of a session (last_active_organization_id) and the v1 claims its tokens carry:
// org_id, org_role, org_slug, org_permissions, only while the user is a member.

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());

test(`session tokens and the active organization (${engine})`, async (t) => {
  const ctx = await buildTestApp(t);
  const token = async (sessionId: string) => {
    const res = await call(ctx, 'POST', `/v1/sessions/${sessionId}/tokens`, {});
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return claimsOf(res.body.jwt);
  };

  await t.test('a new session starts with the organization the user joined last; its tokens carry org_* claims', async () => {
    const { organization: first, admin } = await organizationWithAdmin(ctx);
    const second = await createOrganization(ctx);
    await addMember(ctx, second.id, admin.id);
    const session = (await call(ctx, 'POST', '/v1/sessions', { user_id: admin.id })).body;
    assert.equal(session.last_active_organization_id, second.id, `the newer membership, not ${first.id}`);
    assert.equal((await call(ctx, 'GET', `/v1/sessions/${session.id}`)).body.last_active_organization_id, second.id);
    const claims = await token(session.id);
    assert.equal(claims.org_id, second.id);
    assert.equal(claims.org_role, 'org:member');
    assert.equal(claims.org_slug, second.slug);
    assert.deepEqual(claims.org_permissions, [], 'system permissions stay out of session claims, as on Clerk');
    assert.equal(claims.v, undefined);
    // The role as it is when the token is made.
    await call(ctx, 'PATCH', `/v1/organizations/${second.id}/memberships/${admin.id}`, { role: 'org:admin' });
    assert.equal((await token(session.id)).org_role, 'org:admin');
  });

  await t.test('removed from the active organization (or the organization deleted): tokens carry no org claims', async () => {
    const { organization, admin } = await organizationWithAdmin(ctx);
    const member = await createTestUser(ctx);
    await addMember(ctx, organization.id, member.id);
    const session = (await call(ctx, 'POST', '/v1/sessions', { user_id: member.id })).body;
    assert.equal((await token(session.id)).org_id, organization.id);
    await call(ctx, 'DELETE', `/v1/organizations/${organization.id}/memberships/${member.id}`);
    const claims = await token(session.id);
    for (const claim of ['org_id', 'org_role', 'org_slug', 'org_permissions']) assert.equal(claims[claim], undefined, claim);
    const adminSession = (await call(ctx, 'POST', '/v1/sessions', { user_id: admin.id })).body;
    await call(ctx, 'DELETE', `/v1/organizations/${organization.id}`);
    assert.equal((await token(adminSession.id)).org_id, undefined);
  });

  await t.test('a user without organizations: no active organization, no org claims', async () => {
    const user = await createTestUser(ctx);
    const session = (await call(ctx, 'POST', '/v1/sessions', { user_id: user.id })).body;
    assert.equal(session.last_active_organization_id, null);
    assert.deepEqual(Object.keys(await token(session.id)).sort(), ['exp', 'fva', 'iat', 'iss', 'nbf', 'sid', 'sub']);
  });
});
