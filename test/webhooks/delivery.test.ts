import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { verifyWebhook } from '@clerk/backend/webhooks';
import { runImport } from '../../src/import/run.js';
import { findDelivery } from '../../src/webhooks/delivery/store.js';
import { eventIdOf } from '../../src/webhooks/message-ids.js';
import { findEventsAfter } from '../../src/webhooks/store.js';
import { call, createTestUser, engine, uniqueEmail } from '../helper.js';
import { startReceiver, verifyWithSvix, type Delivery, type Receiver } from './receiver.js';
import { APP, attemptsOf, startWorker, webhookTestApp, type WebhookTestApp } from './support.js';

// Deliveries as Clerk's apps receive them: signed as Svix signs, verified with the real `svix` package and
// with @clerk/backend's verifyWebhook; eventTypes filters; retries on the schedule (0.2 s, 0.2 s here);
// recovery, resend, secret rotation; per-user order; two workers; the import's events.

const parse = (d: Delivery) => JSON.parse(d.body) as { type: string; data: Record<string, any> };
/** Deliveries about one user (user.* by data.id, session.* and email.* by data.user_id). */
const about = (deliveries: Delivery[], userId: string) =>
  deliveries.filter((d) => parse(d).data.id === userId || parse(d).data.user_id === userId);

async function endpointFor(ctx: WebhookTestApp, t: TestContext, receiver: Receiver, fields: { eventTypes?: string[] } = {}) {
  const endpoint = await ctx.svix.endpoint.create(APP, { url: receiver.url, ...fields });
  t.after(() => ctx.svix.endpoint.delete(APP, endpoint.id).catch(() => undefined));
  const { key } = await ctx.svix.endpoint.getSecret(APP, endpoint.id);
  return { endpoint, secret: key };
}

test(`webhook delivery (${engine})`, async (t) => {
  const ctx = await webhookTestApp(t);
  await startWorker(ctx);

  await t.test('POST /v1/users → user.created is delivered, verified by svix Webhook.verify and @clerk/backend verifyWebhook', async (st) => {
    const receiver = await startReceiver(st);
    const { secret } = await endpointFor(ctx, st, receiver);
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);

    const user = await createTestUser(ctx, { first_name: 'Ada' });
    const [delivery] = await receiver.waitFor((d) => about(d, user.id).length > 0);
    assert.match(delivery!.id, /^msg_[0-9A-Za-z]{27}$/);
    assert.match(delivery!.timestamp, /^\d{10}$/);
    assert.match(delivery!.signature, /^v1,[A-Za-z0-9+/]{43}=$/);
    assert.equal(delivery!.headers['content-type'], 'application/json');
    assert.equal(delivery!.path, '/webhooks/clerk');

    const verified = verifyWithSvix(secret, delivery!);
    assert.equal(verified.type, 'user.created');
    assert.equal(verified.object, 'event');
    assert.equal(verified.instance_id, ctx.deps.instance.id);
    assert.equal(typeof verified.timestamp, 'number');
    assert.deepEqual(verified.data, (await call(ctx, 'GET', `/v1/users/${user.id}`)).body);
    assert.deepEqual(Object.keys(verified.event_attributes.http_request).sort(), ['client_ip', 'user_agent']);
    // The body is sent as recorded: compact JSON, Clerk's field order.
    assert.ok(delivery!.body.startsWith('{"data":{'), delivery!.body.slice(0, 40));

    const request = new Request(receiver.url, {
      method: 'POST',
      headers: { 'svix-id': delivery!.id, 'svix-timestamp': delivery!.timestamp, 'svix-signature': delivery!.signature },
      body: delivery!.body,
    });
    const event = await verifyWebhook(request, { signingSecret: secret });
    assert.equal(event.type, 'user.created');
    assert.equal((event.data as { id: string }).id, user.id);

    // Another endpoint's secret does not verify it, nor does a changed body.
    const other = await startReceiver(st);
    const { secret: otherSecret } = await endpointFor(ctx, st, other);
    assert.throws(() => verifyWithSvix(otherSecret, delivery!), /No matching signature/);
    assert.throws(() => verifyWithSvix(secret, { ...delivery!, body: delivery!.body.replace('Ada', 'Eve') }), /No matching signature/);
  });

  await t.test('eventTypes (filterTypes) → an endpoint gets only the types it asked for; no filter gets all', async (st) => {
    const all = await startReceiver(st);
    const deletions = await startReceiver(st);
    await endpointFor(ctx, st, all);
    const { endpoint } = await endpointFor(ctx, st, deletions, { eventTypes: ['user.deleted'] });
    assert.deepEqual(endpoint.eventTypes, ['user.deleted']);

    const user = await createTestUser(ctx);
    await call(ctx, 'PATCH', `/v1/users/${user.id}`, { first_name: 'Renamed' });
    await call(ctx, 'DELETE', `/v1/users/${user.id}`);
    await all.waitFor((d) => about(d, user.id).length === 3);
    await deletions.waitFor((d) => about(d, user.id).length === 1);
    assert.deepEqual(about(all.deliveries, user.id).map((d) => parse(d).type), ['user.created', 'user.updated', 'user.deleted']);
    assert.deepEqual(about(deletions.deliveries, user.id).map((d) => parse(d).type), ['user.deleted']);
    assert.deepEqual(parse(about(deletions.deliveries, user.id)[0]!).data, { object: 'user', id: user.id, deleted: true });
  });

  await t.test('a failing receiver → retried on the schedule with the same svix-id, then 2xx; attempts are listed', async (st) => {
    const receiver = await startReceiver(st);
    const { endpoint } = await endpointFor(ctx, st, receiver);
    let failures = 0;
    receiver.respond = () => (failures++ < 2 ? { status: 503, body: 'busy, try later' } : 204);
    const user = await createTestUser(ctx);
    const deliveries = await receiver.waitFor((d) => about(d, user.id).length === 3);
    const mine = about(deliveries, user.id);
    assert.equal(new Set(mine.map((d) => d.id)).size, 1, 'one svix-id for every attempt');

    const attempts = await attemptsOf(ctx, mine[0]!.id, 3);
    assert.deepEqual(attempts.data.map((a) => [a.status, a.responseStatusCode, a.triggerType]), [[0, 204, 0], [2, 503, 0], [2, 503, 0]]);
    assert.equal(attempts.data[1]!.response, 'busy, try later');
    assert.equal(attempts.data[0]!.endpointId, endpoint.id);
    assert.equal(attempts.done, true);
    // Backoff: no retry before 0.8 × 0.2 s (the schedule less its jitter) after the previous attempt.
    const times = attempts.data.map((a) => a.timestamp.getTime()).reverse();
    assert.ok(times[1]! - times[0]! >= 160 && times[2]! - times[1]! >= 160, `attempt times ${times.join(', ')}`);
    const byEndpoint = await ctx.svix.messageAttempt.listByEndpoint(APP, endpoint.id, { status: 2 });
    assert.ok(byEndpoint.data.length >= 2 && byEndpoint.data.every((a) => a.status === 2));
    assert.equal(byEndpoint.data[0]!.response, '{}', 'no content unless asked for, as the client defaults');
  });

  await t.test('failing past the schedule → failed for that endpoint; endpoint.recover sends it again (manual attempt)', async (st) => {
    const receiver = await startReceiver(st);
    const { endpoint } = await endpointFor(ctx, st, receiver);
    receiver.respond = () => 500;
    const user = await createTestUser(ctx);
    await receiver.waitFor((d) => about(d, user.id).length === 3);
    const msgId = about(receiver.deliveries, user.id)[0]!.id;
    let row;
    for (let i = 0; i < 200 && (row = await findDelivery(ctx.deps.db, endpoint.id, eventIdOf(msgId)!))?.status !== 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.equal(row?.status, 2, 'failed after 1 + 2 attempts');
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(about(receiver.deliveries, user.id).length, 3, 'no fourth attempt on its own');

    receiver.respond = () => 200;
    const task = await ctx.svix.endpoint.recover(APP, endpoint.id, { since: new Date(Date.now() - 3600_000) });
    assert.equal(task.status, 'running');
    assert.equal(task.task, 'endpoint.recover');
    assert.match(task.id, /^qtask_/);
    await receiver.waitFor((d) => about(d, user.id).length === 4);
    assert.equal(about(receiver.deliveries, user.id)[3]!.id, msgId);
    const attempts = await attemptsOf(ctx, msgId, 4);
    assert.deepEqual([attempts.data[0]!.status, attempts.data[0]!.triggerType], [0, 1]);
  });

  await t.test('messageAttempt.resend → the message goes to the endpoint again, same svix-id; a failed manual attempt is not retried', async (st) => {
    const receiver = await startReceiver(st);
    const { endpoint, secret } = await endpointFor(ctx, st, receiver);
    const user = await createTestUser(ctx);
    const [first] = await receiver.waitFor((d) => about(d, user.id).length === 1);
    await ctx.svix.messageAttempt.resend(APP, first!.id, endpoint.id);
    await receiver.waitFor((d) => about(d, user.id).length === 2);
    const [, again] = about(receiver.deliveries, user.id);
    assert.equal(again!.id, first!.id);
    assert.equal(again!.body, first!.body);
    verifyWithSvix(secret, again!);

    receiver.respond = () => 500;
    await ctx.svix.messageAttempt.resend(APP, first!.id, endpoint.id);
    await receiver.waitFor((d) => about(d, user.id).length === 3);
    const attempts = await attemptsOf(ctx, first!.id, 3);
    assert.deepEqual(attempts.data.map((a) => [a.status, a.triggerType]), [[2, 1], [0, 1], [0, 0]]);
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(about(receiver.deliveries, user.id).length, 3, 'no retry after a failed manual attempt');
    assert.equal((await findDelivery(ctx.deps.db, endpoint.id, eventIdOf(first!.id)!))?.status, 2);
  });

  await t.test('rotateSecret → deliveries carry two v1 signatures (new and old secret) during the grace period', async (st) => {
    const receiver = await startReceiver(st);
    const { endpoint, secret: old } = await endpointFor(ctx, st, receiver);
    await ctx.svix.endpoint.rotateSecret(APP, endpoint.id, {});
    const { key: fresh } = await ctx.svix.endpoint.getSecret(APP, endpoint.id);
    assert.notEqual(fresh, old);
    const user = await createTestUser(ctx);
    const [delivery] = await receiver.waitFor((d) => about(d, user.id).length === 1);
    const signatures = delivery!.signature.split(' ');
    assert.equal(signatures.length, 2);
    assert.ok(signatures.every((s) => /^v1,[A-Za-z0-9+/]{43}=$/.test(s)));
    verifyWithSvix(fresh, delivery!);
    verifyWithSvix(old, delivery!);

    // gracePeriodSeconds: 0 → the old secret stops at once.
    await ctx.svix.endpoint.rotateSecret(APP, endpoint.id, { key: 'whsec_' + Buffer.alloc(24, 7).toString('base64'), gracePeriodSeconds: 0 });
    const second = await createTestUser(ctx);
    const [next] = await receiver.waitFor((d) => about(d, second.id).length === 1).then((d) => about(d, second.id));
    assert.equal(next!.signature.split(' ').length, 2, 'the new key and the first rotation (still in its 24 h)');
    verifyWithSvix('whsec_' + Buffer.alloc(24, 7).toString('base64'), next!);
    verifyWithSvix(old, next!);
    assert.throws(() => verifyWithSvix(fresh, next!), /No matching signature/);
  });

  await t.test('per-user order: a later event for a user waits while an earlier one is being retried', async (st) => {
    const receiver = await startReceiver(st);
    await endpointFor(ctx, st, receiver);
    let refused = false;
    receiver.respond = (d) => {
      if (!refused && parse(d).type === 'user.created') {
        refused = true;
        return 500;
      }
      return 204;
    };
    const user = await createTestUser(ctx);
    await call(ctx, 'PATCH', `/v1/users/${user.id}`, { first_name: 'One' });
    await call(ctx, 'PATCH', `/v1/users/${user.id}`, { first_name: 'Two' });
    await receiver.waitFor((d) => about(d, user.id).length === 4);
    const seen = about(receiver.deliveries, user.id).map((d) => `${parse(d).type}:${parse(d).data.first_name ?? ''}`);
    assert.deepEqual(seen, ['user.created:', 'user.created:', 'user.updated:One', 'user.updated:Two']);
  });

  await t.test('a redirect is a failure (not followed); a big answer is kept to 4 KiB', async (st) => {
    const receiver = await startReceiver(st);
    await endpointFor(ctx, st, receiver);
    receiver.respond = (d) =>
      d.path === '/webhooks/clerk' && about(receiver.deliveries, parse(d).data.id).length === 1
        ? { status: 302, headers: { location: `${receiver.url}/elsewhere` } }
        : { status: 200, body: 'x'.repeat(100_000) };
    const user = await createTestUser(ctx);
    await receiver.waitFor((d) => about(d, user.id).length === 2);
    assert.ok(receiver.deliveries.every((d) => d.path === '/webhooks/clerk'), 'the Location was not followed');
    const attempts = await attemptsOf(ctx, about(receiver.deliveries, user.id)[0]!.id, 2);
    assert.deepEqual(attempts.data.map((a) => [a.status, a.responseStatusCode]), [[0, 200], [2, 302]]);
    assert.equal(attempts.data[0]!.response.length, 4096);
  });

  await t.test('a disabled endpoint gets nothing; enabled again, it gets new events', async (st) => {
    const receiver = await startReceiver(st);
    const barrier = await startReceiver(st);
    const { endpoint } = await endpointFor(ctx, st, receiver);
    await endpointFor(ctx, st, barrier);
    await ctx.svix.endpoint.patch(APP, endpoint.id, { disabled: true });
    const quiet = await createTestUser(ctx);
    await barrier.waitFor((d) => about(d, quiet.id).length === 1);
    await ctx.svix.endpoint.patch(APP, endpoint.id, { disabled: false });
    const heard = await createTestUser(ctx);
    await receiver.waitFor((d) => about(d, heard.id).length === 1);
    assert.equal(about(receiver.deliveries, quiet.id).length, 0);
  });

  await t.test('an endpoint failing for 5 days is disabled at its next failure', async (st) => {
    const receiver = await startReceiver(st);
    const { endpoint } = await endpointFor(ctx, st, receiver);
    receiver.respond = () => 500;
    // Five days of failures, set directly: the worker reads the clock, not how long the test ran.
    await ctx.deps.db.updateTable('webhook_endpoints').set({ failing_since: Date.now() - 5 * 86_400_000 - 60_000 }).where('id', '=', endpoint.id).execute();
    const user = await createTestUser(ctx);
    await receiver.waitFor((d) => about(d, user.id).length >= 1);
    let disabled = false;
    for (let i = 0; i < 200 && !(disabled = (await ctx.svix.endpoint.get(APP, endpoint.id)).disabled ?? false); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.equal(disabled, true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(about(receiver.deliveries, user.id).length, 1, 'no retries to a disabled endpoint');
  });

  await t.test('a second worker on the same database → every event is sent once (a POST again only after a failed attempt)', async (st) => {
    const receiver = await startReceiver(st);
    await endpointFor(ctx, st, receiver);
    const second = await startWorker(ctx);
    const users = await Promise.all(Array.from({ length: 40 }, () => createTestUser(ctx)));
    await receiver.waitFor((d) => users.every((u) => about(d, u.id).length >= 1));
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const user of users) {
      const received = about(receiver.deliveries, user.id);
      if (received.length === 1) continue;
      // More than one POST is only allowed as a retry: an earlier attempt that timed out on a loaded
      // machine (at least once, as Svix). Two workers sending one delivery would record two successes.
      let attempts = (await ctx.svix.messageAttempt.listByMsg(APP, received[0]!.id)).data;
      for (let i = 0; i < 100 && attempts.length < received.length; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        attempts = (await ctx.svix.messageAttempt.listByMsg(APP, received[0]!.id)).data;
      }
      assert.equal(attempts.length, received.length, `${user.id}: every POST is one recorded attempt`);
      assert.equal(attempts.filter((a) => a.responseStatusCode >= 200 && a.responseStatusCode < 300).length, 1, `${user.id}: one success`);
    }
    await second.stop(0);
  });

  await t.test('gatehouse import → one user.created per inserted user, delivered', async (st) => {
    const receiver = await startReceiver(st);
    await endpointFor(ctx, st, receiver);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-webhooks-'));
    st.after(() => rm(dir, { recursive: true, force: true }));
    const emails = Array.from({ length: 5 }, () => uniqueEmail('imported'));
    const file = path.join(dir, 'users.jsonl');
    await writeFile(file, emails.map((e, i) => JSON.stringify({ external_id: `imp-${i}-${e}`, email_address: [e] })).join('\n') + '\n');
    const summary = await runImport(ctx.deps, { file });
    assert.equal(summary.inserted, 5);
    const deliveries = await receiver.waitFor((d) => emails.every((e) => d.some((x) => parse(x).data.email_addresses?.[0]?.email_address === e)));
    const created = deliveries.filter((d) => emails.includes(parse(d).data.email_addresses?.[0]?.email_address));
    assert.equal(created.length, 5);
    assert.ok(created.every((d) => parse(d).type === 'user.created'));
    assert.deepEqual(JSON.parse(created[0]!.body).event_attributes, { http_request: { client_ip: '', user_agent: '' } });
    // In file order: the import records a batch's events in the order given.
    const outbox = (await findEventsAfter(ctx.deps.db, null, 100_000, 'user.created')).filter((e) => emails.includes((e.payload.data as any).email_addresses[0].email_address));
    assert.deepEqual(outbox.map((e) => (e.payload.data as any).email_addresses[0].email_address), emails);
  });

  await t.test('attempts and finished deliveries older than the retention (30 days) are pruned; newer ones stay', async (st) => {
    const receiver = await startReceiver(st);
    const { endpoint } = await endpointFor(ctx, st, receiver);
    const users = [await createTestUser(ctx), await createTestUser(ctx)];
    await receiver.waitFor((d) => users.every((u) => about(d, u.id).length === 1));
    const [old, recent] = users.map((u) => about(receiver.deliveries, u.id)[0]!.id);
    await attemptsOf(ctx, old!, 1);
    await attemptsOf(ctx, recent!, 1);
    const longAgo = Date.now() - 31 * 86_400_000;
    await ctx.deps.db.updateTable('webhook_attempts').set({ created_at: longAgo }).where('event_id', '=', eventIdOf(old!)!).execute();
    await ctx.deps.db.updateTable('webhook_deliveries').set({ updated_at: longAgo }).where('event_id', '=', eventIdOf(old!)!).execute();
    // A worker prunes when it starts, then hourly.
    const pruner = await startWorker(ctx);
    for (let i = 0; i < 200 && (await ctx.svix.messageAttempt.listByMsg(APP, old!)).data.length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.deepEqual((await ctx.svix.messageAttempt.listByMsg(APP, old!)).data, []);
    assert.equal(await findDelivery(ctx.deps.db, endpoint.id, eventIdOf(old!)!), undefined);
    assert.equal((await ctx.svix.messageAttempt.listByMsg(APP, recent!)).data.length, 1);
    assert.equal((await findDelivery(ctx.deps.db, endpoint.id, eventIdOf(recent!)!))?.status, 0);
    // The message itself stays.
    assert.equal((await ctx.svix.message.get(APP, old!)).id, old);
    await pruner.stop(0);
  });
});
