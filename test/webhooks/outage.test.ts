import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postWebhook } from '../../src/webhooks/delivery/send.js';
import { createTestUser, engine } from '../helper.js';
import { startReceiver, verifyWithSvix, type Delivery } from './receiver.js';
import { APP, attemptsOf, startWorker, webhookTestApp } from './support.js';

// Receivers that are down, slow, or internal: deliveries fail as attempts (status 0 and the reason), are
// retried, and arrive once the receiver is back. A 1 s timeout and six retries 0.5 s apart.

const about = (deliveries: Delivery[], userId: string) => deliveries.filter((d) => JSON.parse(d.body).data.id === userId);

test(`receiver outages (${engine})`, async (t) => {
  const ctx = await webhookTestApp(t, { GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: '0.5,0.5,0.5,0.5,0.5,0.5', GATEHOUSE_WEBHOOK_TIMEOUT: '1' });
  await startWorker(ctx);

  await t.test('the receiver is down, then back → the event arrives, after failed attempts with status 0', async (st) => {
    const receiver = await startReceiver(st);
    const endpoint = await ctx.svix.endpoint.create(APP, { url: receiver.url });
    st.after(() => ctx.svix.endpoint.delete(APP, endpoint.id));
    const { key } = await ctx.svix.endpoint.getSecret(APP, endpoint.id);
    await receiver.down();
    const user = await createTestUser(ctx);
    // Wait for a failed attempt against the closed port.
    let failed;
    for (let i = 0; i < 400; i++) {
      failed = (await ctx.svix.messageAttempt.listByEndpoint(APP, endpoint.id, { status: 2, withContent: true })).data[0];
      if (failed) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.ok(failed, 'a failed attempt while the receiver was down');
    assert.equal(failed.responseStatusCode, 0);
    assert.equal(failed.response, '');
    await receiver.up();
    const [delivery] = await receiver.waitFor((d) => about(d, user.id).length > 0).then((d) => about(d, user.id));
    assert.equal(delivery!.id, failed.msgId);
    verifyWithSvix(key, delivery!);
    const attempts = await attemptsOf(ctx, failed.msgId, 2);
    assert.equal(attempts.data[0]!.status, 0);
    assert.ok(attempts.data.slice(1).every((a) => a.status === 2 && a.responseStatusCode === 0));
  });

  await t.test('a receiver slower than the timeout → a failed attempt (timed out), then delivered when it answers in time', async (st) => {
    const receiver = await startReceiver(st);
    const endpoint = await ctx.svix.endpoint.create(APP, { url: receiver.url });
    st.after(() => ctx.svix.endpoint.delete(APP, endpoint.id));
    let first = true;
    receiver.respond = () => {
      if (!first) return 204;
      first = false;
      return 'hold';
    };
    const user = await createTestUser(ctx);
    await receiver.waitFor((d) => about(d, user.id).length >= 2);
    receiver.releaseHeld();
    const msgId = about(receiver.deliveries, user.id)[0]!.id;
    const attempts = await attemptsOf(ctx, msgId, 2);
    const timedOut = attempts.data[attempts.data.length - 1]!;
    assert.equal(timedOut.status, 2);
    assert.equal(timedOut.responseStatusCode, 0);
    assert.ok(attempts.data.some((a) => a.status === 0), 'a later attempt succeeded');
    // The reason is recorded with the attempt.
    const row = await ctx.deps.db.selectFrom('webhook_attempts').select('error').where('id', '=', timedOut.id).executeTakeFirstOrThrow();
    assert.match(row.error ?? '', /timed out after 1000 ms/);
  });
});

test('GATEHOUSE_WEBHOOK_BLOCK_PRIVATE_NETWORKS → internal targets refused at creation and at delivery', async (t) => {
  const ctx = await webhookTestApp(t, { GATEHOUSE_WEBHOOK_BLOCK_PRIVATE_NETWORKS: 'true' });
  for (const url of [
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook',
    'http://10.1.2.3/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://192.168.1.10/hook',
  ]) {
    const res = await fetch(`${ctx.serverUrl}/api/v1/app/gatehouse/endpoint`, {
      method: 'POST',
      headers: { authorization: ctx.auth.authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ url }),
    });
    assert.equal(res.status, 422, url);
    assert.deepEqual(((await res.json()) as any).detail[0].loc, ['body', 'url'], url);
  }
  const publicHost = await ctx.svix.endpoint.create(APP, { url: 'https://hooks.example.com/clerk' });
  assert.equal(publicHost.url, 'https://hooks.example.com/clerk');

  // At delivery a name is resolved first, and refused when it leads inside (here: localhost).
  const receiver = await startReceiver(t);
  const blocked = await postWebhook(receiver.url.replace('127.0.0.1', 'localhost'), {}, '{}', { timeoutMs: 5000, blockPrivateNetworks: true });
  assert.equal(blocked.ok, false);
  assert.equal(blocked.statusCode, 0);
  assert.match(blocked.error ?? '', /^blocked: localhost resolves to an internal address/);
  const literal = await postWebhook(receiver.url, {}, '{}', { timeoutMs: 5000, blockPrivateNetworks: true });
  assert.match(literal.error ?? '', /^blocked/);
  assert.equal(receiver.deliveries.length, 0);
  const allowed = await postWebhook(receiver.url, {}, '{}', { timeoutMs: 5000, blockPrivateNetworks: false });
  assert.equal(allowed.ok, true);
});
