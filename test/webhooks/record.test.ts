import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { NO_HTTP_REQUEST } from '../../src/webhooks/events.js';
import { recordEvent } from '../../src/webhooks/record.js';
import { findEventsAfter, type EventRecord } from '../../src/webhooks/store.js';
import { buildTestApp, call, createTestUser, engine, uniqueEmail, type TestApp } from '../helper.js';

// The one way to emit events (src/webhooks/record.ts): every change a user can see in GET /v1/users/{id},
// and every session state change, records its event in the transaction that makes the change, with the
// Backend API's JSON of the object at that moment. A change that rolls back leaves no event.

const PASSWORD = 'Record-Events-Pass-93';
const TOTP_SECRET = 'JBSWY3DPEHPK3PXP';

/** Events recorded since `mark` (an index into the whole outbox). */
async function eventsSince(ctx: TestApp, mark: number): Promise<EventRecord[]> {
  return (await findEventsAfter(ctx.deps.db, null, 100_000)).slice(mark);
}
const outboxSize = async (ctx: TestApp) => (await findEventsAfter(ctx.deps.db, null, 100_000)).length;
const data = (event: EventRecord | undefined) => (event?.payload as { data: any }).data;

/** Runs `change`, then asserts it recorded exactly `types`, in order, and returns those events. */
async function expectEvents(ctx: TestApp, types: string[], change: () => Promise<{ status: number; body: unknown }>) {
  const mark = await outboxSize(ctx);
  const res = await change();
  assert.ok(res.status === 200, `${res.status} ${JSON.stringify(res.body)}`);
  const events = await eventsSince(ctx, mark);
  assert.deepEqual(events.map((e) => e.type), types);
  return events;
}

/** A user.updated whose data is exactly what GET /v1/users/{id} answers right after. */
async function expectUserUpdated(ctx: TestApp, userId: string, change: () => Promise<{ status: number; body: unknown }>) {
  const [event] = await expectEvents(ctx, ['user.updated'], change);
  assert.deepEqual(data(event), (await call(ctx, 'GET', `/v1/users/${userId}`)).body);
  return data(event);
}

test(`events from every write path (${engine})`, async (t) => {
  const ctx = await buildTestApp(t);

  await t.test('PATCH /v1/users/{id} → user.updated with the new state', async () => {
    const user = await createTestUser(ctx);
    const after = await expectUserUpdated(ctx, user.id, () => call(ctx, 'PATCH', `/v1/users/${user.id}`, { first_name: 'Grace' }));
    assert.equal(after.first_name, 'Grace');
  });

  await t.test('metadata merge and replace → user.updated; an empty merge changes nothing and records nothing', async () => {
    const user = await createTestUser(ctx);
    const merged = await expectUserUpdated(ctx, user.id, () =>
      call(ctx, 'PATCH', `/v1/users/${user.id}/metadata`, { public_metadata: { a: { b: 1 } } }),
    );
    assert.deepEqual(merged.public_metadata, { a: { b: 1 } });
    const replaced = await expectUserUpdated(ctx, user.id, () => call(ctx, 'PUT', `/v1/users/${user.id}/metadata`, { private_metadata: { c: 2 } }));
    assert.deepEqual(replaced.private_metadata, { c: 2 });
    await expectEvents(ctx, [], () => call(ctx, 'PATCH', `/v1/users/${user.id}/metadata`, {}));
  });

  await t.test('ban, unban, lock, unlock → one user.updated each', async () => {
    const user = await createTestUser(ctx);
    assert.equal((await expectUserUpdated(ctx, user.id, () => call(ctx, 'POST', `/v1/users/${user.id}/ban`, {}))).banned, true);
    assert.equal((await expectUserUpdated(ctx, user.id, () => call(ctx, 'POST', `/v1/users/${user.id}/unban`, {}))).banned, false);
    assert.equal((await expectUserUpdated(ctx, user.id, () => call(ctx, 'POST', `/v1/users/${user.id}/lock`, {}))).locked, true);
    assert.equal((await expectUserUpdated(ctx, user.id, () => call(ctx, 'POST', `/v1/users/${user.id}/unlock`, {}))).locked, false);
  });

  await t.test('password set and removed, TOTP deleted → user.updated', async () => {
    const user = await createTestUser(ctx, { totp_secret: TOTP_SECRET });
    const withPassword = await expectUserUpdated(ctx, user.id, () => call(ctx, 'PATCH', `/v1/users/${user.id}`, { password: PASSWORD }));
    assert.equal(withPassword.password_enabled, true);
    const removed = await expectUserUpdated(ctx, user.id, () => call(ctx, 'POST', `/v1/users/${user.id}/remove_password`, {}));
    assert.equal(removed.password_enabled, false);
    const noTotp = await expectUserUpdated(ctx, user.id, () => call(ctx, 'DELETE', `/v1/users/${user.id}/totp`));
    assert.equal(noTotp.totp_enabled, false);
  });

  await t.test('identifier added, verified, made primary and removed → user.updated each time', async () => {
    const user = await createTestUser(ctx);
    const email = uniqueEmail('second');
    let added: any;
    await expectEvents(ctx, ['user.updated'], async () => {
      const res = await call(ctx, 'POST', '/v1/email_addresses', { user_id: user.id, email_address: email });
      added = res.body;
      return res;
    });
    const verified = await expectUserUpdated(ctx, user.id, () => call(ctx, 'PATCH', `/v1/email_addresses/${added.id}`, { verified: true }));
    assert.equal(verified.email_addresses.find((e: any) => e.id === added.id).verification.status, 'verified');
    const primary = await expectUserUpdated(ctx, user.id, () =>
      call(ctx, 'PATCH', `/v1/users/${user.id}`, { primary_email_address_id: added.id }),
    );
    assert.equal(primary.primary_email_address_id, added.id);
    const old = user.email_addresses[0].id;
    const after = await expectUserUpdated(ctx, user.id, () => call(ctx, 'DELETE', `/v1/email_addresses/${old}`));
    assert.deepEqual(after.email_addresses.map((e: any) => e.id), [added.id]);
  });

  await t.test('sessions: created, revoked (also by a ban, one event per session), removed with the user', async () => {
    const user = await createTestUser(ctx);
    const [created] = await expectEvents(ctx, ['session.created'], () => call(ctx, 'POST', '/v1/sessions', { user_id: user.id }));
    const session = data(created);
    assert.equal(session.object, 'session');
    assert.equal(session.status, 'active');
    // SessionEventPayload: the Session JSON plus the user, as GET /v1/users/{id} answers it then.
    const { user: embedded, ...bare } = session;
    assert.deepEqual(bare, (await call(ctx, 'GET', `/v1/sessions/${session.id}`)).body);
    assert.deepEqual(embedded, (await call(ctx, 'GET', `/v1/users/${user.id}`)).body);

    const [revoked] = await expectEvents(ctx, ['session.revoked'], () => call(ctx, 'POST', `/v1/sessions/${session.id}/revoke`, {}));
    assert.equal(data(revoked).status, 'revoked');
    await expectEvents(ctx, [], () => call(ctx, 'POST', `/v1/sessions/${session.id}/revoke`, {}));

    const a = (await call(ctx, 'POST', '/v1/sessions', { user_id: user.id })).body;
    const b = (await call(ctx, 'POST', '/v1/sessions', { user_id: user.id })).body;
    const banned = await expectEvents(ctx, ['session.revoked', 'session.revoked', 'user.updated'], () =>
      call(ctx, 'POST', `/v1/users/${user.id}/ban`, {}),
    );
    assert.deepEqual(new Set(banned.slice(0, 2).map((e) => data(e).id)), new Set([a.id, b.id]));

    const other = await createTestUser(ctx);
    const live = (await call(ctx, 'POST', '/v1/sessions', { user_id: other.id })).body;
    const deleted = await expectEvents(ctx, ['session.removed', 'user.deleted'], () => call(ctx, 'DELETE', `/v1/users/${other.id}`));
    assert.equal(data(deleted[0]).id, live.id);
    assert.equal(data(deleted[0]).status, 'removed');
    assert.deepEqual(data(deleted[1]), { object: 'user', id: other.id, deleted: true });
  });

  await t.test('a change whose event cannot be written is rolled back whole', async () => {
    // A trigger makes the outbox refuse session.created: the session insert must not survive it.
    await sql`create function refuse_session_created() returns trigger language plpgsql as $$
      begin if new.type = 'session.created' then raise exception 'outbox refused'; end if; return new; end $$`.execute(ctx.deps.db);
    await sql`create trigger refuse_session_created before insert on events for each row execute function refuse_session_created()`.execute(ctx.deps.db);
    t.after(() => sql`drop trigger if exists refuse_session_created on events`.execute(ctx.deps.db).catch(() => undefined));
    const user = await createTestUser(ctx);
    const mark = await outboxSize(ctx);
    const res = await call(ctx, 'POST', '/v1/sessions', { user_id: user.id });
    assert.equal(res.status, 500);
    assert.deepEqual((await call(ctx, 'GET', `/v1/sessions?user_id=${user.id}`)).body, [], 'no session was created');
    assert.equal((await call(ctx, 'GET', `/v1/users/${user.id}`)).body.last_sign_in_at, null, 'nor was the sign-in recorded');
    assert.equal(await outboxSize(ctx), mark);
    await sql`drop trigger refuse_session_created on events`.execute(ctx.deps.db);
  });

  await t.test('recordEvent outside a transaction refuses to write', async () => {
    const deps = { ...ctx.deps, httpRequest: NO_HTTP_REQUEST };
    await assert.rejects(recordEvent(deps, 'user.updated', {}), /inside the transaction/);
  });
});
