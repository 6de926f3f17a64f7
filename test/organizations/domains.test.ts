import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertError, buildTestApp, call, engine } from '../helper.js';
import { createOrganization, eventData, eventsOf } from './support.js';

// Organization domains (clerk-bapi-2025-03-12.yml, Organization Domains tag): create (verified unless told
// otherwise), list by verification and enrollment mode, update, delete, and their events.

const DOMAIN_KEYS = [
  'object', 'id', 'organization_id', 'name', 'enrollment_mode', 'affiliation_email_address', 'verification',
  'total_pending_invitations', 'total_pending_suggestions', 'created_at', 'updated_at',
].sort();

let n = 0;
const domainName = () => `d${++n}-${Math.random().toString(36).slice(2, 8)}.example.org`;

test(`organization domains (${engine})`, async (t) => {
  const ctx = await buildTestApp(t);
  const org = await createOrganization(ctx);
  const url = `/v1/organizations/${org.id}/domains`;

  await t.test('POST …/domains → 200 OrganizationDomain, verified by default, and organizationDomain.created', async () => {
    const name = domainName();
    let res: any;
    const events = await eventsOf(ctx, async () => {
      res = await call(ctx, 'POST', url, { name: name.toUpperCase(), enrollment_mode: 'automatic_invitation' });
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(Object.keys(res.body).sort(), DOMAIN_KEYS);
    assert.equal(res.body.object, 'organization_domain');
    assert.match(res.body.id, /^orgdmn_[0-9A-Za-z]{27}$/);
    assert.equal(res.body.name, name, 'stored lowercase');
    assert.equal(res.body.organization_id, org.id);
    assert.equal(res.body.enrollment_mode, 'automatic_invitation');
    assert.deepEqual(res.body.verification, { status: 'verified', strategy: 'admin', attempts: null, expire_at: null });
    assert.equal(res.body.affiliation_email_address, null);
    assert.equal(res.body.total_pending_invitations, 0);
    assert.deepEqual(events.map((e) => e.type), ['organizationDomain.created']);
    assert.deepEqual(eventData(events[0]), res.body);
    const unverified = await call(ctx, 'POST', url, { name: domainName(), verified: false });
    assert.equal(unverified.body.verification, null);
    assert.equal(unverified.body.enrollment_mode, 'manual_invitation');
  });

  await t.test('POST …/domains: bad names, common providers, taken domains and modes are refused', async () => {
    assertError(await call(ctx, 'POST', url, { name: 'not a domain' }), 422, 'form_param_format_invalid', 'name');
    assertError(await call(ctx, 'POST', url, { name: 'localhost' }), 422, 'form_param_format_invalid', 'name');
    assertError(await call(ctx, 'POST', url, { name: 'gmail.com' }), 422, 'organization_domain_common', 'name');
    const name = domainName();
    await call(ctx, 'POST', url, { name });
    const mine = assertError(await call(ctx, 'POST', url, { name }), 422, 'organization_domain_already_exists', 'name');
    assert.equal(mine.long_message, 'This domain is already used by your organization.');
    const other = await createOrganization(ctx);
    const theirs = assertError(await call(ctx, 'POST', `/v1/organizations/${other.id}/domains`, { name }), 422, 'organization_domain_already_exists', 'name');
    assert.equal(theirs.long_message, 'This domain is already used by another organization.');
    assertError(await call(ctx, 'POST', url, { name: domainName(), enrollment_mode: 'sso' }), 422, 'form_param_value_invalid', 'enrollment_mode');
    assertError(await call(ctx, 'POST', url, {}), 422, 'form_param_missing', 'name');
    assertError(await call(ctx, 'POST', '/v1/organizations/org_2doesnotexist000000000000/domains', { name: domainName() }), 404, 'resource_not_found');
  });

  await t.test('GET …/domains → {data, total_count}, newest first, by verified and enrollment_mode', async () => {
    const fresh = await createOrganization(ctx);
    const base = `/v1/organizations/${fresh.id}/domains`;
    const a = (await call(ctx, 'POST', base, { name: domainName() })).body;
    const b = (await call(ctx, 'POST', base, { name: domainName(), verified: false, enrollment_mode: 'automatic_suggestion' })).body;
    const list = async (qs = '') => (await call(ctx, 'GET', `${base}${qs}`)).body;
    assert.deepEqual((await list()).data.map((d: any) => d.id), [b.id, a.id]);
    assert.equal((await list()).total_count, 2);
    assert.deepEqual((await list('?verified=true')).data.map((d: any) => d.id), [a.id]);
    assert.deepEqual((await list('?verified=false')).data.map((d: any) => d.id), [b.id]);
    assert.deepEqual((await list('?enrollment_mode=automatic_suggestion')).data.map((d: any) => d.id), [b.id]);
    assert.deepEqual((await list('?limit=1&offset=1')).data.map((d: any) => d.id), [a.id]);
  });

  await t.test('PATCH …/domains/{id} → enrollment_mode and verified, organizationDomain.updated', async () => {
    const domain = (await call(ctx, 'POST', url, { name: domainName(), verified: false })).body;
    let res: any;
    const events = await eventsOf(ctx, async () => {
      res = await call(ctx, 'PATCH', `${url}/${domain.id}`, { enrollment_mode: 'automatic_suggestion', verified: true });
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.enrollment_mode, 'automatic_suggestion');
    assert.equal(res.body.verification.status, 'verified');
    assert.deepEqual(events.map((e) => e.type), ['organizationDomain.updated']);
    assert.deepEqual(eventData(events[0]), res.body);
    assert.equal((await eventsOf(ctx, () => call(ctx, 'PATCH', `${url}/${domain.id}`, { verified: true }))).length, 0, 'no change, no event');
    assertError(await call(ctx, 'PATCH', `${url}/orgdmn_2doesnotexist000000000000`, { verified: true }), 404, 'resource_not_found');
  });

  await t.test('DELETE …/domains/{id} → deleted object and organizationDomain.deleted; the name is free again', async () => {
    const name = domainName();
    const domain = (await call(ctx, 'POST', url, { name })).body;
    let res: any;
    const events = await eventsOf(ctx, async () => {
      res = await call(ctx, 'DELETE', `${url}/${domain.id}`);
    });
    assert.deepEqual(res.body, { object: 'organization_domain', id: domain.id, deleted: true });
    assert.deepEqual(events.map((e) => e.type), ['organizationDomain.deleted']);
    assertError(await call(ctx, 'DELETE', `${url}/${domain.id}`), 404, 'resource_not_found');
    assert.equal((await call(ctx, 'POST', url, { name })).status, 200);
  });
});
