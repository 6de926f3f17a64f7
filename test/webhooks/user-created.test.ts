import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { findEventsAfter } from '../../src/webhooks/store.js';
import { assertError, buildTestApp, call, engine, uniqueEmail, type TestApp } from '../helper.js';
import { importFile, tempDir, userByExternalId, writeLines } from '../import/support.js';

// user.created in the outbox (src/webhooks/): written in the same transaction as the user, by POST /v1/users
// and by `gatehouse import`, with Clerk's webhook body as the payload. None for a write that failed, for
// rows an import skipped, rejected or only dry-ran (an updated row gets user.updated), nor with --no-events.

const PASSWORD = 'Events-Test-Password-58';
const TOTP_SECRET = 'JBSWY3DPEHPK3PXP';
const BACKUP_CODES = ['evtbk00001', 'evtbk00002'];
const USER_AGENT = 'gatehouse-events-test/1.0';

const userCreated = (ctx: TestApp) => findEventsAfter(ctx.deps.db, null, 10_000, 'user.created');

async function post(ctx: TestApp, body: Record<string, unknown>) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/v1/users',
    headers: { ...ctx.auth, 'content-type': 'application/json', 'user-agent': USER_AGENT },
    payload: JSON.stringify(body),
  });
  return { status: response.statusCode, body: JSON.parse(response.body) };
}

/** The envelope of Clerk's webhook body, exactly these keys. */
function assertEnvelope(ctx: TestApp, event: { id: string; type: string; payload: any; created_at: number }, httpRequest: object) {
  assert.match(event.id, /^evt_[0-9A-Za-z]{27}$/);
  assert.equal(event.type, 'user.created');
  assert.deepEqual(Object.keys(event.payload).sort(), ['data', 'event_attributes', 'instance_id', 'object', 'timestamp', 'type']);
  assert.equal(event.payload.object, 'event');
  assert.equal(event.payload.type, 'user.created');
  assert.equal(event.payload.instance_id, ctx.deps.instance.id);
  assert.match(event.payload.instance_id, /^ins_/);
  // Milliseconds, like every Clerk timestamp (and the outbox row's created_at).
  assert.equal(event.payload.timestamp, event.created_at);
  assert.ok(Math.abs(event.payload.timestamp - Date.now()) < 60_000, `timestamp ${event.payload.timestamp} is not ms`);
  assert.deepEqual(event.payload.event_attributes, { http_request: httpRequest });
}

test(`user.created events (${engine})`, async (t) => {
  const ctx = await buildTestApp(t);
  const dir = await tempDir(t);
  let existingEmail = '';

  await t.test('POST /v1/users → one user.created whose data is the GET /v1/users/{id} body', async () => {
    existingEmail = uniqueEmail('evt');
    const created = await post(ctx, { email_address: [existingEmail], first_name: 'Ada', public_metadata: { plan: 'pro' } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const events = await userCreated(ctx);
    assert.equal(events.length, 1);
    const [event] = events;
    assertEnvelope(ctx, event!, { client_ip: '127.0.0.1', user_agent: USER_AGENT });
    const got = await call(ctx, 'GET', `/v1/users/${created.body.id}`);
    assert.deepEqual(event!.payload.data, got.body);
    assert.deepEqual(event!.payload.data, created.body);
  });

  await t.test('POST /v1/users → 422 writes no event (the event shares the insert\'s transaction)', async () => {
    const before = (await userCreated(ctx)).length;
    assertError(await post(ctx, { email_address: [existingEmail.toUpperCase()] }), 422, 'form_identifier_exists', 'email_address');
    assertError(await post(ctx, { email_address: ['not-an-email'] }), 422, 'form_param_format_invalid', 'email_address');
    assert.equal((await userCreated(ctx)).length, before);
  });

  await t.test('a payload never carries a password digest, TOTP secret or backup code', async () => {
    const created = await post(ctx, {
      email_address: [uniqueEmail('evtsecret')],
      password: PASSWORD,
      totp_secret: TOTP_SECRET,
      backup_codes: BACKUP_CODES,
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const event = (await userCreated(ctx)).find((e) => (e.payload as any).data.id === created.body.id)!;
    const stored = await ctx.deps.db.selectFrom('users').select(['password_digest', 'totp_secret', 'backup_codes']).where('id', '=', created.body.id).executeTakeFirstOrThrow();
    const text = JSON.stringify(event.payload);
    for (const secret of [PASSWORD, TOTP_SECRET, ...BACKUP_CODES, stored.password_digest!, stored.totp_secret!, ...(stored.backup_codes as unknown as string[])]) {
      assert.ok(!text.includes(secret), `the payload contains ${secret.slice(0, 12)}…`);
    }
    for (const key of ['password_digest', 'password_hasher', 'totp_secret', 'backup_codes', 'password']) {
      assert.ok(!text.includes(`"${key}"`), `the payload has a ${key} field`);
    }
    const data = (event.payload as any).data;
    assert.deepEqual([data.password_enabled, data.totp_enabled, data.backup_code_enabled], [true, true, true]);
  });

  await t.test('gatehouse import → one event per inserted user, none for skipped or rejected rows', async () => {
    const before = await userCreated(ctx);
    const file = await writeLines(path.join(dir, 'events.jsonl'), [
      { external_id: 'evt-1', email_address: [uniqueEmail('evtimp')], first_name: 'One' },
      { email_address: [existingEmail] }, // the user POST made: skipped
      { external_id: 'evt-3', email_address: ['not-an-email'] }, // rejected by validation
      { external_id: 'evt-4', email_address: [uniqueEmail('evtimp')], password: PASSWORD, totp_secret: TOTP_SECRET },
      { external_id: 'evt-5', email_address: [existingEmail.replace('@', '+x@')], username: 'evt_user_5' },
      { external_id: 'evt-6', email_address: [uniqueEmail('evtimp')], username: 'EVT_USER_5' }, // username taken: rejected
    ]);
    const summary = await importFile(ctx, file, { batchSize: 10 });
    assert.deepEqual([summary.inserted, summary.skipped, summary.rejected], [3, 1, 2]);

    const added = (await userCreated(ctx)).slice(before.length);
    assert.equal(added.length, 3);
    assert.deepEqual(added.map((e) => (e.payload as any).data.external_id), ['evt-1', 'evt-4', 'evt-5'], 'in file order');
    for (const event of added) {
      // No HTTP request behind an import: Clerk's shape, empty values (src/webhooks/README.md).
      assertEnvelope(ctx, event, { client_ip: '', user_agent: '' });
      const data = (event.payload as any).data;
      assert.deepEqual(data, (await call(ctx, 'GET', `/v1/users/${data.id}`)).body);
    }
    const text = JSON.stringify(added);
    assert.ok(!text.includes(TOTP_SECRET) && !text.includes('password_digest'));
  });

  await t.test('gatehouse import --on-conflict update → user.updated for the updated users', async () => {
    const before = (await userCreated(ctx)).length;
    const updatedBefore = (await findEventsAfter(ctx.deps.db, null, 10_000, 'user.updated')).length;
    const file = await writeLines(path.join(dir, 'update.jsonl'), [
      { external_id: 'evt-1', email_address: [uniqueEmail('evtupd')], first_name: 'Uno' },
      { external_id: 'evt-7', email_address: [uniqueEmail('evtupd')] },
    ]);
    const summary = await importFile(ctx, file, { onConflict: 'update' });
    assert.deepEqual([summary.inserted, summary.updated], [1, 1]);
    assert.equal((await userByExternalId(ctx, 'evt-1')).first_name, 'Uno');
    const added = (await userCreated(ctx)).slice(before);
    assert.deepEqual(added.map((e) => (e.payload as any).data.external_id), ['evt-7']);
    const updated = (await findEventsAfter(ctx.deps.db, null, 10_000, 'user.updated')).slice(updatedBefore);
    assert.deepEqual(updated.map((e) => (e.payload as any).data.first_name), ['Uno']);
  });

  await t.test('gatehouse import --dry-run writes no event', async () => {
    const before = (await userCreated(ctx)).length;
    const file = await writeLines(path.join(dir, 'dry.jsonl'), [{ external_id: 'evt-dry', email_address: [uniqueEmail('evtdry')] }]);
    const summary = await importFile(ctx, file, { dryRun: true });
    assert.equal(summary.inserted, 1);
    assert.equal(await userByExternalId(ctx, 'evt-dry'), undefined);
    assert.equal((await userCreated(ctx)).length, before);
  });

  await t.test('gatehouse import --no-events inserts the users and writes no event', async () => {
    const before = (await userCreated(ctx)).length;
    const file = await writeLines(path.join(dir, 'quiet.jsonl'), [
      { external_id: 'evt-quiet-1', email_address: [uniqueEmail('evtquiet')] },
      { external_id: 'evt-quiet-2', email_address: [uniqueEmail('evtquiet')] },
    ]);
    const summary = await importFile(ctx, file, { events: false });
    assert.equal(summary.inserted, 2);
    assert.ok(await userByExternalId(ctx, 'evt-quiet-2'));
    assert.equal((await userCreated(ctx)).length, before);
  });
});
