import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findPendingInvitationByTicket } from '../../src/invitations/service.js';
import { findEventsAfter } from '../../src/webhooks/store.js';
import { assertError, buildTestApp, call, createTestUser, engine, fixedClock, uniqueEmail } from '../helper.js';

// /v1/invitations (clerk-bapi-2025-03-12.yml, Invitations tag): create with the invitation email, bulk
// create, list (bare or paginated), revoke; one pending invitation per address, none to an existing user.

const INVITATION_KEYS = ['object', 'id', 'email_address', 'public_metadata', 'revoked', 'status', 'url', 'expires_at', 'created_at', 'updated_at'].sort();
const DAY = 24 * 3600 * 1000;

test(`/v1/invitations (${engine})`, async (t) => {
  const clock = fixedClock(Date.parse('2025-06-01T12:00:00Z'));
  const ctx = await buildTestApp(t, { clock });
  const emails = async () => (await findEventsAfter(ctx.deps.db, null, 100_000, 'email.created')).map((e) => (e.payload as any).data);

  await t.test('POST /v1/invitations → 200 Invitation with a sign-up link, and the invitation email', async () => {
    const email = uniqueEmail('inv');
    const before = (await emails()).length;
    const res = await call(ctx, 'POST', '/v1/invitations', {
      email_address: email,
      public_metadata: { plan: 'beta' },
      redirect_url: 'https://app.example.com/sign-up',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const inv = res.body;
    assert.deepEqual(Object.keys(inv).sort(), INVITATION_KEYS);
    assert.equal(inv.object, 'invitation');
    assert.match(inv.id, /^inv_[0-9A-Za-z]{27}$/);
    assert.equal(inv.status, 'pending');
    assert.equal(inv.revoked, false);
    assert.deepEqual(inv.public_metadata, { plan: 'beta' });
    assert.equal(inv.expires_at, clock.now() + 30 * DAY);
    const url = new URL(inv.url);
    assert.equal(url.origin + url.pathname, 'https://app.example.com/sign-up');
    assert.equal(url.searchParams.get('__clerk_status'), 'sign_up');
    const ticket = url.searchParams.get('__clerk_ticket')!;
    assert.equal((await findPendingInvitationByTicket(ctx.deps, ticket))?.id, inv.id);
    assert.equal(await findPendingInvitationByTicket(ctx.deps, `${ticket}x`), undefined);
    const sent = (await emails()).slice(before);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].slug, 'invitation');
    assert.equal(sent[0].to_email_address, email);
    assert.ok(sent[0].body_plain.includes(inv.url));
  });

  await t.test('notify: false sends no email; no redirect_url means no link and no email', async () => {
    const before = (await emails()).length;
    const quiet = await call(ctx, 'POST', '/v1/invitations', { email_address: uniqueEmail(), notify: false, redirect_url: 'https://x.example.com/', expires_in_days: 3 });
    assert.equal(quiet.status, 200);
    assert.equal(quiet.body.expires_at, clock.now() + 3 * DAY);
    const bare = await call(ctx, 'POST', '/v1/invitations', { email_address: uniqueEmail() });
    assert.equal(bare.body.url, null);
    assert.equal((await emails()).length, before);
  });

  await t.test('one pending invitation per address → 400 duplicate_record; ignore_existing replaces it', async () => {
    const email = uniqueEmail('dup');
    const first = (await call(ctx, 'POST', '/v1/invitations', { email_address: email })).body;
    const dup = assertError(await call(ctx, 'POST', '/v1/invitations', { email_address: email.toUpperCase() }), 400, 'duplicate_record');
    assert.equal(dup.long_message, `There are already pending invitations for the following email addresses: ${email}`);
    const again = await call(ctx, 'POST', '/v1/invitations', { email_address: email, ignore_existing: true });
    assert.equal(again.status, 200);
    const list = (await call(ctx, 'GET', `/v1/invitations?query=${encodeURIComponent(email)}&status=revoked`)).body;
    assert.deepEqual(list.map((i: any) => i.id), [first.id], 'the replaced invitation is revoked');
  });

  await t.test('an address a user has → 422 form_identifier_exists (ignore_existing lifts it; bulk never does)', async () => {
    const user = await createTestUser(ctx);
    const address = user.email_addresses[0].email_address;
    assertError(await call(ctx, 'POST', '/v1/invitations', { email_address: address }), 422, 'form_identifier_exists', 'email_address');
    assert.equal((await call(ctx, 'POST', '/v1/invitations', { email_address: address, ignore_existing: true })).status, 200);
    const other = await createTestUser(ctx);
    assertError(
      await call(ctx, 'POST', '/v1/invitations/bulk', [{ email_address: other.email_addresses[0].email_address, ignore_existing: true }]),
      422,
      'form_identifier_exists',
      'email_address',
    );
  });

  await t.test('bad input is 422 naming the parameter', async () => {
    assertError(await call(ctx, 'POST', '/v1/invitations', {}), 422, 'form_param_missing', 'email_address');
    assertError(await call(ctx, 'POST', '/v1/invitations', { email_address: 'nope' }), 422, 'form_param_format_invalid', 'email_address');
    assertError(await call(ctx, 'POST', '/v1/invitations', { email_address: uniqueEmail(), expires_in_days: 0 }), 422, 'form_param_value_invalid', 'expires_in_days');
    assertError(await call(ctx, 'POST', '/v1/invitations', { email_address: uniqueEmail(), template_slug: 'other' }), 422, 'form_param_value_invalid', 'template_slug');
    assertError(await call(ctx, 'POST', '/v1/invitations', { email_address: uniqueEmail(), role: 'x' }), 422, 'form_param_unknown', 'role');
  });

  await t.test('POST /v1/invitations/bulk → an array, all or none', async () => {
    const a = uniqueEmail('bulk');
    const b = uniqueEmail('bulk');
    const res = await call(ctx, 'POST', '/v1/invitations/bulk', [{ email_address: a }, { email_address: b, public_metadata: { n: 1 } }]);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.map((i: any) => i.email_address), [a, b]);
    const c = uniqueEmail('bulk');
    assertError(await call(ctx, 'POST', '/v1/invitations/bulk', [{ email_address: c }, { email_address: a }]), 400, 'duplicate_record');
    assert.equal((await call(ctx, 'GET', `/v1/invitations?query=${encodeURIComponent(c)}`)).body.length, 0, 'none of the batch was created');
  });

  await t.test('GET /v1/invitations: a bare array, or {data, total_count} with paginated; status, query, order_by', async () => {
    const tag = `list${Date.now()}`;
    const x = (await call(ctx, 'POST', '/v1/invitations', { email_address: `${tag}.b@example.com` })).body;
    clock.advance(1000);
    const y = (await call(ctx, 'POST', '/v1/invitations', { email_address: `${tag}.a@example.com`, expires_in_days: 1 })).body;
    const bare = await call(ctx, 'GET', `/v1/invitations?query=${tag}`);
    assert.ok(Array.isArray(bare.body));
    assert.deepEqual(bare.body.map((i: any) => i.id), [y.id, x.id], 'newest first');
    assert.deepEqual((await call(ctx, 'GET', `/v1/invitations?query=${tag}&order_by=email_address`)).body.map((i: any) => i.id), [y.id, x.id]);
    assert.deepEqual((await call(ctx, 'GET', `/v1/invitations?query=${tag}&order_by=-email_address`)).body.map((i: any) => i.id), [x.id, y.id]);
    const paged = await call(ctx, 'GET', `/v1/invitations?query=${tag}&paginated=true&limit=1`);
    assert.equal(paged.body.total_count, 2);
    assert.deepEqual(paged.body.data.map((i: any) => i.id), [y.id]);
    assert.deepEqual((await call(ctx, 'GET', `/v1/invitations?query=${x.id}`)).body.map((i: any) => i.id), [x.id], 'by id');
    clock.advance(DAY);
    assert.deepEqual((await call(ctx, 'GET', `/v1/invitations?query=${tag}&status=expired`)).body.map((i: any) => i.id), [y.id]);
    assert.deepEqual((await call(ctx, 'GET', `/v1/invitations?query=${tag}&status=pending`)).body.map((i: any) => i.id), [x.id]);
    assertError(await call(ctx, 'GET', '/v1/invitations?order_by=name'), 422, 'form_param_value_invalid', 'order_by');
  });

  await t.test('POST /v1/invitations/{id}/revoke → revoked; a second time → 400 invitation_already_revoked', async () => {
    const inv = (await call(ctx, 'POST', '/v1/invitations', { email_address: uniqueEmail('rev') })).body;
    const res = await call(ctx, 'POST', `/v1/invitations/${inv.id}/revoke`);
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'revoked');
    assert.equal(res.body.revoked, true);
    assertError(await call(ctx, 'POST', `/v1/invitations/${inv.id}/revoke`), 400, 'invitation_already_revoked');
    assertError(await call(ctx, 'POST', '/v1/invitations/inv_2doesnotexist000000000000/revoke'), 404, 'resource_not_found');
    const all = (await call(ctx, 'GET', '/v1/invitations?limit=500')).body;
    assert.ok(!all.some((i: any) => i.id === inv.id), 'the list leaves revoked invitations out unless asked');
  });
});
