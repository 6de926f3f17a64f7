import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { startEmailDelivery, type EmailDelivery } from '../../src/email/delivery.js';
import { sendEmail, type OutgoingEmail } from '../../src/email/service.js';
import { findOutboxEmails } from '../../src/email/store.js';
import { NO_HTTP_REQUEST } from '../../src/webhooks/events.js';
import { findEventsAfter } from '../../src/webhooks/store.js';
import { buildTestApp, call, createTestUser, uniqueEmail, type TestApp } from '../helper.js';
import { startSmtpServer, type TestSmtpServer } from './smtp.js';

// Emails over real SMTP (smtp-server in this process): what arrives, its email.created event, retries,
// and two workers sending each email once.

type LogEntry = { level: string; fields: Record<string, unknown>; message: string };

function captureLog() {
  const entries: LogEntry[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => void entries.push({ level, fields, message });
  return { entries, log: { info: at('info'), warn: at('warn'), error: at('error') } as never };
}

/** One database, SMTP server and delivery worker for the file (four attempts, 30 ms apart). */
async function setup(t: TestContext) {
  const smtp = await startSmtpServer(t);
  const ctx = await buildTestApp(t, { env: { SMTP_URL: smtp.url, GATEHOUSE_EMAIL_FROM: 'Acme <notifications@acme.test>' } });
  const capture = captureLog();
  const delivery = await startEmailDelivery({ db: ctx.deps.db, clock: ctx.deps.clock, smtpUrl: smtp.url }, capture.log, {
    retryScheduleMs: [30, 30, 30],
    pollIntervalMs: 50,
  });
  t.after(() => delivery.stop());
  return { smtp, ctx, logs: capture.entries };
}

/** sendEmail in a transaction of its own, as a service would in its change's transaction. */
async function send(ctx: TestApp, email: OutgoingEmail) {
  await ctx.deps.db.transaction().execute((trx) =>
    sendEmail({ db: trx, instance: ctx.deps.instance, clock: ctx.deps.clock, httpRequest: NO_HTTP_REQUEST }, email),
  );
}

async function emailEvents(ctx: TestApp) {
  return (await findEventsAfter(ctx.deps.db, null, 10_000, 'email.created')).map((e) => e.payload.data as Record<string, any>);
}

/** What arrived for `to`. */
const receivedBy = (smtp: TestSmtpServer, to: string) => smtp.received.filter((m) => m.to.includes(to));

/** Waits until something arrived for each of `addresses`. */
async function arrived(smtp: TestSmtpServer, ...addresses: string[]) {
  for (let i = 0; i < 400 && addresses.some((a) => receivedBy(smtp, a).length === 0); i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return addresses.map((a) => receivedBy(smtp, a)[0]!);
}

/** Waits until the outbox holds no queued email (every email sent and deleted, or failed). */
async function drained(ctx: TestApp) {
  for (let i = 0; i < 400 && (await findOutboxEmails(ctx.deps.db)).some((e) => e.status === 'queued'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test('emails over SMTP', async (t) => {
  const { smtp, ctx, logs } = await setup(t);

  await t.test('PATCH /v1/users/{id} with notify_primary_email_address_changed → the previous primary address gets the email', async () => {
    const user = await createTestUser(ctx);
    const previous = user.email_addresses[0].email_address;
    const added = await call(ctx, 'POST', '/v1/email_addresses', { user_id: user.id, email_address: uniqueEmail('new'), verified: true });
    const res = await call(ctx, 'PATCH', `/v1/users/${user.id}`, { primary_email_address_id: added.body.id, notify_primary_email_address_changed: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));

    const [mail] = await arrived(smtp, previous);
    assert.deepEqual(mail!.to, [previous]);
    assert.equal(mail!.from, 'Acme <notifications@acme.test>');
    assert.equal(mail!.subject, 'Your primary email address was changed');
    assert.ok(mail!.text.includes(`changed to ${added.body.email_address}.`), mail!.text);
    assert.match(mail!.text, /your Acme account/);
    assert.ok(mail!.html.startsWith('<!DOCTYPE html>'));
    assert.ok(mail!.html.includes(added.body.email_address));

    const [event] = (await emailEvents(ctx)).filter((e) => e.user_id === user.id);
    assert.ok(event, 'an email.created event');
    assert.match(event.id, /^ema_[0-9A-Za-z]{27}$/);
    assert.equal(mail!.messageId, `<${event.id}@gatehouse>`);
    assert.equal(event.object, 'email');
    assert.equal(event.slug, 'primary_email_address_changed');
    assert.equal(event.from_email_name, 'notifications');
    assert.equal(event.to_email_address, previous);
    assert.equal(event.email_address_id, user.primary_email_address_id);
    assert.equal(event.subject, mail!.subject);
    assert.equal(event.body_plain, mail!.text);
    assert.equal(event.body, mail!.html);
    assert.equal(event.status, 'queued');
    assert.equal(event.delivered_by_clerk, true);
    assert.deepEqual(event.data, { app: { name: 'Acme' }, new_email_address: added.body.email_address });
    await drained(ctx);
    assert.deepEqual(await findOutboxEmails(ctx.deps.db), [], 'a sent email leaves the outbox');

    // The same primary again: nothing changed, no email.
    await call(ctx, 'PATCH', `/v1/users/${user.id}`, { primary_email_address_id: added.body.id, notify_primary_email_address_changed: true });
    assert.equal((await emailEvents(ctx)).filter((e) => e.user_id === user.id).length, 1);
  });

  await t.test('sendEmail → every template arrives with its subject, plain and HTML bodies; values are escaped in HTML', async () => {
    const to = (slug: string) => `${slug}@templates.example.com`;
    await send(ctx, { slug: 'verification_code', to: to('verification_code'), userId: null, emailAddressId: null, data: { code: '123456' } });
    await send(ctx, { slug: 'reset_password_code', to: to('reset_password_code'), userId: null, emailAddressId: null, data: { code: '654321' } });
    await send(ctx, { slug: 'password_changed', to: to('password_changed'), userId: null, emailAddressId: null, data: {} });
    await send(ctx, {
      slug: 'organization_invitation',
      to: to('organization_invitation'),
      userId: null,
      emailAddressId: null,
      data: { organization_name: '<b>Evil</b> & Co', inviter_name: 'Grace', action_url: 'https://app.test/accept?t=1&x="2"' },
    });
    await send(ctx, { slug: 'invitation', to: to('invitation'), userId: null, emailAddressId: null, data: { action_url: 'https://app.test/i/9' } });
    const [code, reset, changed, invite, invitation] = await arrived(
      smtp,
      ...['verification_code', 'reset_password_code', 'password_changed', 'organization_invitation', 'invitation'].map(to),
    );

    assert.equal(code!.subject, '123456 is your verification code');
    assert.match(code!.text, /^123456 is your verification code for Acme\./);
    assert.ok(code!.html.includes('123456'));
    assert.equal(reset!.subject, '654321 is your password reset code');
    assert.match(reset!.text, /654321/);
    assert.equal(changed!.subject, 'Your password was changed');
    assert.match(changed!.text, /password of your Acme account was changed/);
    assert.equal(invite!.subject, 'Grace invited you to join <b>Evil</b> & Co');
    assert.match(invite!.text, /Accept the invitation: https:\/\/app\.test\/accept\?t=1&x="2"/);
    assert.ok(invite!.html.includes('&lt;b&gt;Evil&lt;/b&gt; &amp; Co'), 'the name is escaped');
    assert.ok(!invite!.html.includes('<b>Evil'), 'no raw HTML from data');
    assert.ok(invite!.html.includes('href="https://app.test/accept?t=1&amp;x=&quot;2&quot;"'));
    assert.equal(invitation!.subject, 'You are invited to join Acme');
    assert.match(invitation!.text, /https:\/\/app\.test\/i\/9/);

    const events = await emailEvents(ctx);
    const verification = events.find((e) => e.to_email_address === to('verification_code'))!;
    // Clerk's variable names in the event: the code is `otp_code`, as in Clerk's own payload.
    assert.equal(verification.data.otp_code, '123456');
    assert.equal(verification.data.code, undefined);
    assert.match(verification.data.requested_at, /^\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} UTC$/);
    assert.deepEqual(events.find((e) => e.slug === 'organization_invitation')!.data.org, { name: '<b>Evil</b> & Co' });
  });

  await t.test('sendEmail in a transaction that rolls back → no email and no event', async () => {
    await assert.rejects(
      ctx.deps.db.transaction().execute(async (trx) => {
        await sendEmail({ db: trx, instance: ctx.deps.instance, clock: ctx.deps.clock, httpRequest: NO_HTTP_REQUEST }, {
          slug: 'password_changed', to: 'ghost@rollback.example.com', userId: null, emailAddressId: null, data: {},
        });
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    await send(ctx, { slug: 'password_changed', to: 'real@rollback.example.com', userId: null, emailAddressId: null, data: {} });
    await arrived(smtp, 'real@rollback.example.com');
    await drained(ctx);
    assert.equal(receivedBy(smtp, 'ghost@rollback.example.com').length, 0);
    assert.deepEqual((await emailEvents(ctx)).filter((e) => e.to_email_address.endsWith('@rollback.example.com')).map((e) => e.to_email_address), ['real@rollback.example.com']);
  });

  await t.test('sendEmail outside a transaction throws; a missing template value throws', async () => {
    const deps = { db: ctx.deps.db, instance: ctx.deps.instance, clock: ctx.deps.clock, httpRequest: NO_HTTP_REQUEST };
    await assert.rejects(sendEmail(deps, { slug: 'password_changed', to: 'a@example.com', userId: null, emailAddressId: null, data: {} }), /inside the transaction/);
    await assert.rejects(send(ctx, { slug: 'verification_code', to: 'a@example.com', userId: null, emailAddressId: null, data: {} }), /needs data\.code/);
  });

  await t.test('SMTP answers 451 twice → the email is retried and arrives once; the log has the reason, never the body', async () => {
    logs.length = 0;
    smtp.rejectNext(2);
    await send(ctx, { slug: 'verification_code', to: 'retry@example.com', userId: null, emailAddressId: null, data: { code: '909090' } });
    const [mail] = await arrived(smtp, 'retry@example.com');
    assert.equal(mail!.subject, '909090 is your verification code');
    await drained(ctx);
    assert.equal(receivedBy(smtp, 'retry@example.com').length, 1);
    const warnings = logs.filter((l) => l.level === 'warn');
    assert.equal(warnings.length, 2, JSON.stringify(logs));
    assert.match(String(warnings[0]!.fields.reason), /451/);
    assert.ok(!JSON.stringify(logs).includes('909090'), 'no code in the log');
    assert.ok(!JSON.stringify(logs).includes('retry@example.com'), 'no address in the log');
  });

  await t.test('SMTP failing past the schedule → the email is marked failed and kept, not sent', async () => {
    logs.length = 0;
    smtp.rejectNext(4);
    await send(ctx, { slug: 'password_changed', to: 'never@example.com', userId: null, emailAddressId: null, data: {} });
    for (let i = 0; i < 400 && !(await findOutboxEmails(ctx.deps.db)).some((e) => e.status === 'failed'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const [row] = await findOutboxEmails(ctx.deps.db);
    assert.equal(row!.status, 'failed');
    assert.equal(row!.to_address, 'never@example.com');
    assert.equal(row!.attempts, 4);
    assert.match(row!.last_error!, /451/);
    assert.equal(receivedBy(smtp, 'never@example.com').length, 0);
    assert.ok(logs.some((l) => l.level === 'error' && l.message === 'email delivery failed for good'));
  });

  await t.test('two delivery workers on one database → each email is sent exactly once', async () => {
    const second: EmailDelivery = await startEmailDelivery({ db: ctx.deps.db, clock: ctx.deps.clock, smtpUrl: smtp.url }, captureLog().log, { pollIntervalMs: 20 });
    try {
      const addresses = Array.from({ length: 30 }, (_, i) => `u${i}@pair.example.com`);
      await Promise.all(addresses.map((to, i) => send(ctx, { slug: 'verification_code', to, userId: null, emailAddressId: null, data: { code: String(100000 + i) } })));
      await arrived(smtp, ...addresses);
      await drained(ctx);
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (const to of addresses) assert.equal(receivedBy(smtp, to).length, 1, to);
    } finally {
      await second.stop();
    }
  });
});

test('without SMTP_URL → no outbox row; the email.created event says delivered_by_clerk: false', async (t) => {
  const ctx = await buildTestApp(t);
  await send(ctx, { slug: 'verification_code', to: 'self@example.com', userId: null, emailAddressId: null, data: { code: '111222' } });
  assert.deepEqual(await findOutboxEmails(ctx.deps.db), []);
  const [event] = await emailEvents(ctx);
  assert.equal(event!.delivered_by_clerk, false);
  assert.equal(event!.from_email_name, 'notifications');
  assert.equal(event!.subject, '111222 is your verification code');
  assert.deepEqual(event!.data.app, { name: 'Gatehouse' });
});
