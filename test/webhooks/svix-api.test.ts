import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClerkClient } from '@clerk/backend';
import { ApiException, Svix } from 'svix';
import { EVENT_TYPES } from '../../src/webhooks/events.js';
import { SECRET_KEY, createTestUser, engine } from '../helper.js';
import { APP, webhookTestApp } from './support.js';

// The Svix-compatible management API driven by the real `svix` client (2.5.0): shapes, status codes,
// pagination and errors as the client expects them. Raw HTTP where the client cannot say it (aliases,
// missing fields).

/** The ApiException a call must throw, with its status. */
async function apiError(call: Promise<unknown>, status: number): Promise<any> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof ApiException, `expected an ApiException, got ${String(error)}`);
    assert.equal(error.code, status, JSON.stringify(error.body));
    return error.body;
  }
  assert.fail(`expected HTTP ${status}`);
}

const URL = 'https://receiver.example.com/webhooks';

test(`Svix-compatible API (${engine})`, async (t) => {
  const ctx = await webhookTestApp(t);
  const { svix } = ctx;
  const raw = (method: string, path: string, body?: unknown) =>
    fetch(`${ctx.serverUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${SECRET_KEY}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  await t.test('application.get/list/getOrCreate → the instance is one application, uid gatehouse', async () => {
    const app = await svix.application.get(APP);
    assert.match(app.id, /^app_[0-9A-Za-z]{27}$/);
    assert.equal(app.id.slice(4), ctx.deps.instance.id.slice(4));
    assert.equal(app.uid, 'gatehouse');
    assert.equal(app.name, 'Gatehouse');
    assert.deepEqual(app.metadata, {});
    assert.ok(app.createdAt instanceof Date && !Number.isNaN(app.createdAt.getTime()));
    assert.deepEqual(await svix.application.get(app.id), app);
    const list = await svix.application.list();
    assert.deepEqual(list.data.map((a) => a.id), [app.id]);
    assert.equal(list.done, true);
    assert.equal(list.iterator, app.id);
    assert.deepEqual((await svix.application.list({ iterator: list.iterator })).data, []);
    assert.equal((await svix.application.getOrCreate({ name: 'Gatehouse', uid: 'gatehouse' })).id, app.id);
    assert.deepEqual(await apiError(svix.application.get('app_someoneelse'), 404), { code: 'not_found', detail: 'Entity not found' });
  });

  await t.test('a wrong key → 401 authentication_failed; unknown paths → 404 in Svix envelopes; health needs no key', async () => {
    const stranger = new Svix('sk_test_not_a_real_key_0000000000', { serverUrl: ctx.serverUrl, retryScheduleInMs: [] });
    assert.deepEqual(await apiError(stranger.endpoint.list(APP), 401), { code: 'authentication_failed', detail: 'Incorrect authentication credentials.' });
    const noKey = await fetch(`${ctx.serverUrl}/api/v1/app/gatehouse/endpoint`);
    assert.equal(noKey.status, 401);
    const unknown = await raw('GET', '/api/v1/app/gatehouse/nothing-here');
    assert.equal(unknown.status, 404);
    assert.deepEqual(await unknown.json(), { code: 'not_found', detail: 'Entity not found' });
    assert.equal((await fetch(`${ctx.serverUrl}/api/v1/health`)).status, 204);
    await svix.health.get();
  });

  await t.test('endpoint.create → 201 with Svix fields; get by id and by uid; getSecret → whsec_', async () => {
    const endpoint = await svix.endpoint.create(APP, {
      url: URL,
      description: 'Sync users',
      uid: 'sync-users',
      eventTypes: ['user.created', 'user.deleted'],
      metadata: { team: 'growth' },
    });
    assert.match(endpoint.id, /^ep_[0-9A-Za-z]{27}$/);
    assert.equal(endpoint.url, URL);
    assert.equal(endpoint.description, 'Sync users');
    assert.equal(endpoint.uid, 'sync-users');
    assert.equal(endpoint.disabled, false);
    assert.deepEqual(endpoint.eventTypes, ['user.created', 'user.deleted']);
    assert.deepEqual(endpoint.metadata, { team: 'growth' });
    assert.equal(endpoint.channels, null);
    assert.ok(endpoint.createdAt instanceof Date && endpoint.createdAt.getTime() === endpoint.updatedAt.getTime());
    assert.deepEqual(await svix.endpoint.get(APP, endpoint.id), endpoint);
    assert.deepEqual(await svix.endpoint.get(APP, 'sync-users'), endpoint);
    const { key } = await svix.endpoint.getSecret(APP, 'sync-users');
    assert.match(key, /^whsec_[A-Za-z0-9+/]{32}$/);
    assert.equal(Buffer.from(key.slice(6), 'base64').length, 24);

    // A secret of one's own (Svix's format: base64 of 24+ bytes, whsec_ optional).
    const own = Buffer.alloc(32, 9).toString('base64');
    const mine = await svix.endpoint.create(APP, { url: URL, secret: own });
    assert.equal((await svix.endpoint.getSecret(APP, mine.id)).key, `whsec_${own}`);
    const bad = await apiError(svix.endpoint.create(APP, { url: URL, secret: 'whsec_c2hvcnQ=' }), 422);
    assert.deepEqual(bad.detail[0].loc, ['body', 'secret']);
    await svix.endpoint.delete(APP, mine.id);
    await svix.endpoint.delete(APP, endpoint.id);
  });

  await t.test('endpoint.create → 422 for a non-http(s) URL, an unknown or empty eventTypes, a uid like an id; 409 for a taken uid', async () => {
    const ftp = await apiError(svix.endpoint.create(APP, { url: 'ftp://files.example.com/hook' }), 422);
    assert.deepEqual(ftp, { detail: [{ loc: ['body', 'url'], msg: 'Endpoint URL schemes must be http or https', type: 'value_error' }] });
    const notUrl = await apiError(svix.endpoint.create(APP, { url: 'not a url' }), 422);
    assert.deepEqual(notUrl.detail[0].loc, ['body', 'url']);
    const unknown = await apiError(svix.endpoint.create(APP, { url: URL, eventTypes: ['user.created', 'invoice.paid'] }), 422);
    assert.deepEqual(unknown.detail, [{ loc: ['body', 'eventTypes'], msg: "The following event types don't exist: invoice.paid", type: 'value_error' }]);
    const empty = await apiError(svix.endpoint.create(APP, { url: URL, eventTypes: [] }), 422);
    assert.match(empty.detail[0].msg, /can't be empty/);
    const idLike = await apiError(svix.endpoint.create(APP, { url: URL, uid: 'ep_mine' }), 422);
    assert.deepEqual(idLike.detail[0].loc, ['body', 'uid']);
    const first = await svix.endpoint.create(APP, { url: URL, uid: 'only-one' });
    assert.deepEqual(await apiError(svix.endpoint.create(APP, { url: URL, uid: 'only-one' }), 409), { code: 'conflict', detail: 'A conflict has occurred' });
    await svix.endpoint.delete(APP, first.id);

    const missing = await raw('POST', '/api/v1/app/gatehouse/endpoint', { description: 'no url' });
    assert.equal(missing.status, 422);
    assert.deepEqual(await missing.json(), { detail: [{ loc: ['body', 'url'], msg: 'field required', type: 'value_error.missing' }] });
    const wrongType = await raw('POST', '/api/v1/app/gatehouse/endpoint', { url: URL, disabled: 'yes' });
    assert.equal(wrongType.status, 422);
    assert.deepEqual(((await wrongType.json()) as any).detail[0].loc, ['body', 'disabled']);
    const badJson = await fetch(`${ctx.serverUrl}/api/v1/app/gatehouse/endpoint`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
      body: '{"url":',
    });
    assert.equal(badJson.status, 400);
    assert.equal(((await badJson.json()) as any).code, 'generic_error');
  });

  await t.test('filterTypes (the older name) is accepted, and answered under both names', async () => {
    const res = await raw('POST', '/api/v1/app/gatehouse/endpoint', { url: URL, filterTypes: ['session.created'] });
    assert.equal(res.status, 201);
    const body = (await res.json()) as any;
    assert.deepEqual(body.eventTypes, ['session.created']);
    assert.deepEqual(body.filterTypes, ['session.created']);
    assert.equal(body.version, 1);
    await svix.endpoint.delete(APP, body.id);
  });

  await t.test('endpoint.upsert (PUT) replaces every field or creates; endpoint.patch changes only what is given', async () => {
    const endpoint = await svix.endpoint.create(APP, { url: URL, description: 'before', eventTypes: ['user.created'], metadata: { a: '1' } });
    const replaced = await svix.endpoint.upsert(APP, endpoint.id, { url: `${URL}/v2` });
    assert.equal(replaced.id, endpoint.id);
    assert.equal(replaced.url, `${URL}/v2`);
    assert.equal(replaced.description, '', 'absent fields take their defaults on PUT');
    assert.equal(replaced.eventTypes, null);
    assert.deepEqual(replaced.metadata, {});
    assert.ok(replaced.updatedAt.getTime() >= endpoint.updatedAt.getTime());
    const putCreated = await raw('PUT', '/api/v1/app/gatehouse/endpoint/new-by-put', { url: URL, uid: 'new-by-put' });
    assert.equal(putCreated.status, 201);
    const created = (await putCreated.json()) as any;
    assert.equal(created.uid, 'new-by-put');
    assert.equal((await raw('PUT', '/api/v1/app/gatehouse/endpoint/new-by-put', { url: URL, uid: 'new-by-put' })).status, 200);

    const patched = await svix.endpoint.patch(APP, endpoint.id, { description: 'after', eventTypes: ['user.deleted'], disabled: true });
    assert.equal(patched.url, `${URL}/v2`);
    assert.equal(patched.description, 'after');
    assert.deepEqual(patched.eventTypes, ['user.deleted']);
    assert.equal(patched.disabled, true);
    const cleared = await svix.endpoint.patch(APP, endpoint.id, { eventTypes: null, uid: 'named' });
    assert.equal(cleared.eventTypes, null);
    assert.equal(cleared.description, 'after');
    assert.equal(cleared.uid, 'named');
    assert.equal((await apiError(svix.endpoint.patch(APP, endpoint.id, { url: 'mailto:x@example.com' }), 422)).detail[0].loc[1], 'url');
    await apiError(svix.endpoint.patch(APP, 'ep_doesnotexist0000000000000000', { description: 'x' }), 404);

    await svix.endpoint.delete(APP, endpoint.id);
    await svix.endpoint.delete(APP, created.id);
    await apiError(svix.endpoint.get(APP, endpoint.id), 404);
    await apiError(svix.endpoint.delete(APP, endpoint.id), 404);
  });

  await t.test('endpoint.list → newest first, pages of `limit` with iterator, prevIterator and done; order=ascending', async () => {
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await svix.endpoint.create(APP, { url: `${URL}/${i}` }));
    const newest = [...made].reverse().map((e) => e.id);
    const first = await svix.endpoint.list(APP, { limit: 2 });
    assert.deepEqual(first.data.map((e) => e.id), newest.slice(0, 2));
    assert.equal(first.done, false);
    assert.equal(first.iterator, newest[1]);
    assert.equal(first.prevIterator, `-${newest[0]}`);
    const second = await svix.endpoint.list(APP, { limit: 2, iterator: first.iterator });
    assert.deepEqual(second.data.map((e) => e.id), newest.slice(2, 4));
    const third = await svix.endpoint.list(APP, { limit: 2, iterator: second.iterator });
    assert.deepEqual(third.data.map((e) => e.id), newest.slice(4));
    assert.equal(third.done, true);
    const back = await svix.endpoint.list(APP, { limit: 2, iterator: second.prevIterator });
    assert.deepEqual(back.data.map((e) => e.id), newest.slice(0, 2));
    const ascending = await svix.endpoint.list(APP, { limit: 10, order: 'ascending' as never });
    assert.deepEqual(ascending.data.map((e) => e.id), made.map((e) => e.id));
    assert.equal(ascending.done, true);
    const tooMany = await apiError(svix.endpoint.list(APP, { limit: 251 }), 422);
    assert.deepEqual(tooMany.detail[0].loc, ['query', 'limit']);
    for (const e of made) await svix.endpoint.delete(APP, e.id);
  });

  await t.test('endpoint.rotateSecret → 204, a new secret; more than 10 live old secrets → 400 limit_reached', async () => {
    const endpoint = await svix.endpoint.create(APP, { url: URL });
    const before = (await svix.endpoint.getSecret(APP, endpoint.id)).key;
    await svix.endpoint.rotateSecret(APP, endpoint.id);
    const after = (await svix.endpoint.getSecret(APP, endpoint.id)).key;
    assert.notEqual(after, before);
    for (let i = 0; i < 9; i++) await svix.endpoint.rotateSecret(APP, endpoint.id);
    const limited = await apiError(svix.endpoint.rotateSecret(APP, endpoint.id), 400);
    assert.equal(limited.code, 'limit_reached');
    // With no grace period the old secret is not kept, so the limit does not apply.
    await svix.endpoint.rotateSecret(APP, endpoint.id, { gracePeriodSeconds: 0 });
    await apiError(svix.endpoint.rotateSecret(APP, endpoint.id, { gracePeriodSeconds: 8 * 86_400 }), 422);
    await svix.endpoint.delete(APP, endpoint.id);
  });

  await t.test('endpoint.recover → 202 background task; 422 beyond 14 days', async () => {
    const endpoint = await svix.endpoint.create(APP, { url: URL });
    const task = await svix.endpoint.recover(APP, endpoint.id, { since: new Date(Date.now() - 86_400_000) });
    assert.deepEqual([task.status, task.task], ['running', 'endpoint.recover']);
    const old = await apiError(svix.endpoint.recover(APP, endpoint.id, { since: new Date(Date.now() - 15 * 86_400_000) }), 422);
    assert.deepEqual(old.detail[0].loc, ['body', 'since']);
    await apiError(svix.endpoint.recover(APP, 'ep_doesnotexist0000000000000000', { since: new Date() }), 404);
    await svix.endpoint.delete(APP, endpoint.id);
  });

  await t.test('eventType.list → the event types Gatehouse emits', async () => {
    const types = await svix.eventType.list();
    assert.deepEqual(types.data.map((e) => e.name), [...EVENT_TYPES].sort());
    assert.equal(types.done, true);
    const user = types.data.find((e) => e.name === 'user.created')!;
    assert.equal(user.description, 'User created');
    assert.equal(user.deprecated, false);
    assert.equal(user.archived, false);
    const page = await svix.eventType.list({ limit: 3 });
    assert.equal(page.data.length, 3);
    assert.equal(page.done, false);
    const rest = await svix.eventType.list({ iterator: page.iterator });
    assert.equal(page.data.length + rest.data.length, EVENT_TYPES.length);
  });

  await t.test('message.list/get → the events recorded (msg_ id, eventId evt_), payload with content; 404 for others', async () => {
    const a = await createTestUser(ctx);
    const b = await createTestUser(ctx);
    const list = await svix.message.list(APP, { eventTypes: ['user.created'], withContent: true, limit: 2 });
    assert.deepEqual(list.data.map((m) => (m.payload as any).data.id), [b.id, a.id], 'newest first');
    const [newest] = list.data;
    assert.match(newest!.id, /^msg_[0-9A-Za-z]{27}$/);
    assert.equal(newest!.eventId, `evt_${newest!.id.slice(4)}`);
    assert.equal(newest!.eventType, 'user.created');
    assert.equal((newest!.payload as any).type, 'user.created');
    assert.ok(newest!.timestamp instanceof Date);
    const plain = await svix.message.list(APP, { eventTypes: ['user.created'], limit: 1 });
    assert.deepEqual(plain.data[0]!.payload, {}, 'no content unless asked for (the v2 client default)');
    const more = await svix.message.list(APP, { eventTypes: ['user.created'], limit: 1, iterator: plain.iterator });
    assert.equal((await svix.message.get(APP, more.data[0]!.id, { withContent: true })).payload.data.id, a.id);
    assert.deepEqual(await svix.message.get(APP, newest!.id, { withContent: true }), newest);
    assert.deepEqual(await svix.message.get(APP, newest!.eventId!, { withContent: true }), newest);
    await apiError(svix.message.get(APP, 'msg_doesnotexist0000000000000000'), 404);
    await apiError(svix.message.get(APP, 'nonsense'), 404);
    const after = await svix.message.list(APP, { after: new Date(Date.now() + 3600_000) });
    assert.deepEqual(after.data, []);
    await apiError(svix.messageAttempt.listByMsg(APP, 'msg_doesnotexist0000000000000000'), 404);
  });

  await t.test('@clerk/backend webhooks.createSvixApp / generateSvixAuthURL → the application\'s address; deleteSvixApp removes every endpoint', async () => {
    const clerk = createClerkClient({ secretKey: SECRET_KEY, apiUrl: ctx.serverUrl });
    const created = (await clerk.webhooks.createSvixApp()) as unknown as { svix_url?: string; svixUrl?: string };
    const url = created.svix_url ?? created.svixUrl;
    assert.equal(url, `${ctx.serverUrl}/api/v1/app/gatehouse`);
    const auth = (await clerk.webhooks.generateSvixAuthURL()) as unknown as { svix_url?: string; svixUrl?: string };
    assert.equal(auth.svix_url ?? auth.svixUrl, url);
    await svix.endpoint.create(APP, { url: URL });
    assert.ok((await svix.endpoint.list(APP)).data.length > 0);
    await clerk.webhooks.deleteSvixApp();
    assert.deepEqual((await svix.endpoint.list(APP)).data, []);
  });
});
