import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { redactQuotedValues, safeError } from '../../src/logger.js';
import { loggableUrl } from '../../src/http/request-log.js';
import { buildTestApp, call, captureLogLines, createTestUser, uniqueEmail } from '../helper.js';

// What the logs may contain (README, "Security"): one line per request, no query-string values, the
// Clerk code on 4xx, and never a value a failed query carried.


const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

test('logs', async (t) => {
  const capture = captureLogLines();
  const ctx = await buildTestApp(t, { appOptions: { loggerInstance: capture.log } });
  const requestLines = () => capture.lines.filter((l) => l.msg === 'request' || l.msg === 'request failed');

  await t.test('a 500 from a failed UPDATE logs none of its parameters (digest, sealed TOTP secret, metadata)', async () => {
    const user = await createTestUser(ctx);
    // The update fails inside the database, as a full disk or a lost connection would make it fail.
    await sql`create or replace function refuse_explode() returns trigger language plpgsql as $$
      begin
        if new.first_name = 'explode' then
          raise exception 'refused' using detail = new.private_metadata::text;
        end if;
        return new;
      end $$`.execute(ctx.deps.db);
    await sql`create trigger refuse_explode before update on users for each row execute function refuse_explode()`.execute(ctx.deps.db);
    const before = capture.lines.length;
    const res = await call(ctx, 'PATCH', `/v1/users/${user.id}`, {
      first_name: 'explode',
      password: 'Plain-Secret-Passw0rd-1',
      skip_password_checks: true,
      totp_secret: TOTP_SECRET,
      backup_codes: ['backupcode-secret-1'],
      private_metadata: { ssn: 'private-value-123-45-6789' },
    });
    assert.equal(res.status, 500);
    const lines = capture.lines.slice(before);
    assert.equal(lines.length, 1, `one line for the request, got ${JSON.stringify(lines)}`);
    const [line] = lines;
    assert.equal(line!.status, 500);
    assert.equal(line!.code, 'internal_clerk_error');
    assert.equal(line!.clerk_trace_id, res.body.clerk_trace_id);
    assert.match(line!.err.message, /refused/, 'the cause is logged');
    const text = JSON.stringify(line);
    for (const secret of ['Plain-Secret', 'private-value', TOTP_SECRET, 'backupcode-secret', '$argon2', '$2b$', 'refuse_explode()']) {
      assert.ok(!text.includes(secret), `the log line contains ${secret}: ${text}`);
    }
    assert.ok(!('params' in line!.err) && !('detail' in line!.err) && !('query' in line!.err), text);
    await sql`drop trigger refuse_explode on users`.execute(ctx.deps.db);
  });

  await t.test('GET /v1/users?email_address=…&phone_number=… logs the keys, not the values', async () => {
    const email = uniqueEmail('logged');
    const before = capture.lines.length;
    const res = await call(ctx, 'GET', `/v1/users?email_address=${encodeURIComponent(email)}&phone_number=%2B15555550100&limit=5`);
    assert.equal(res.status, 200);
    const lines = capture.lines.slice(before);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.url, '/v1/users?email_address=…&phone_number=…&limit=…');
    assert.equal(lines[0]!.status, 200);
    assert.equal(lines[0]!.method, 'GET');
    assert.ok(!capture.text().includes(email.split('@')[0]!));
    assert.ok(!capture.text().includes('5555550100'));
  });

  await t.test('4xx: one line with the Clerk code (401, 404, 422)', async () => {
    const before = capture.lines.length;
    await ctx.app.inject({ method: 'GET', url: '/v1/users' });
    await call(ctx, 'GET', '/v1/users/user_missing');
    await call(ctx, 'GET', '/v1/no_such_route?token=abc');
    await call(ctx, 'POST', '/v1/users', { email_address: 'not-an-array' });
    const lines = capture.lines.slice(before);
    assert.deepEqual(
      lines.map((l) => [l.status, l.code]),
      [
        [401, 'clerk_key_invalid'],
        [404, 'resource_not_found'],
        [404, 'resource_not_found'],
        [422, 'form_param_type_invalid'],
      ],
    );
    assert.equal(lines[2]!.url, '/v1/no_such_route?token=…');
  });

  await t.test('a wrong password is never logged, nor the Authorization header', async () => {
    const user = await createTestUser(ctx, { password: 'Kettle-Orbit-Lantern-42' });
    await call(ctx, 'POST', `/v1/users/${user.id}/verify_password`, { password: 'Wrong-Guess-Logged-77' });
    assert.ok(!capture.text().includes('Wrong-Guess-Logged'));
    assert.ok(!capture.text().includes('Kettle-Orbit'));
    assert.ok(!capture.text().includes(ctx.auth.authorization.slice(7)));
    assert.ok(requestLines().length >= 7);
  });
});

test('loggableUrl keeps keys that look like parameter names, drops every value', () => {
  assert.equal(loggableUrl('/v1/users'), '/v1/users');
  assert.equal(loggableUrl('/v1/users?'), '/v1/users?');
  assert.equal(loggableUrl('/v1/users?query=ada%40example.com&order_by=-created_at'), '/v1/users?query=…&order_by=…');
  assert.equal(loggableUrl('/v1/users?ada@example.com'), '/v1/users?…=…');
  assert.equal(loggableUrl('/v1/users?user_id[]=a&user_id[]=b'), '/v1/users?user_id[]=…&user_id[]=…');
});

test('redactQuotedValues keeps names and removes values from PostgreSQL messages', () => {
  assert.equal(redactQuotedValues('invalid input syntax for type integer: "$argon2id$v=19"'), 'invalid input syntax for type integer: "…"');
  assert.equal(redactQuotedValues('relation "users" does not exist'), 'relation "users" does not exist');
  assert.equal(
    redactQuotedValues('duplicate key value violates unique constraint "email_addresses_email_key"'),
    'duplicate key value violates unique constraint "email_addresses_email_key"',
  );
  assert.equal(redactQuotedValues('value "9223372036854775808" is out of range for type bigint'), 'value "…" is out of range for type bigint');
});

test('safeError keeps the cause chain and drops a database error\'s values', () => {
  const dbError = Object.assign(new Error('invalid input syntax for type json: "secret"'), {
    code: '22P02',
    severity: 'ERROR',
    detail: 'Token "secret" is invalid.',
    params: ['secret'],
    query: 'update users set x = $1',
    table: 'users',
  });
  const wrapped = new Error('database migration 0001 failed: invalid input syntax for type json: "secret"', { cause: dbError });
  const out = safeError(wrapped) as any;
  assert.ok(!JSON.stringify(out).includes('secret'), JSON.stringify(out));
  assert.equal(out.cause.code, '22P02');
  assert.equal(out.cause.table, 'users');
  assert.equal(out.cause.detail, undefined);
  assert.match(out.stack, /^Error: database migration 0001 failed/);
});
