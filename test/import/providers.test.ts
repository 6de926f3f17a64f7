import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { base32Decode } from '../../src/lib/base32.js';
import { timeStepAt, totpCode } from '../../src/mfa/totp.js';
import { buildTestApp, call, cliDatabase, engine, type TestApp } from '../helper.js';
import { exportFixture, runCli, tempDir, userByExternalId } from './support.js';

// The real export files of Clerk, Auth0, Firebase and Supabase (test/fixtures/exports, written from each
// provider's documented format, digests made by independent libraries: see the README there), imported by
// `gatehouse import` run as a user runs it, in a process of its own, then read back through the Backend
// API: passwords verify, and state is carried, never loosened (unverified stays unverified, blocked and
// disabled users are banned, dates are kept, social-only users come without a password).

const passwords = JSON.parse(readFileSync(exportFixture('passwords.json'), 'utf8')) as Record<string, Record<string, string>>;
const firebase = JSON.parse(readFileSync(exportFixture('firebase-hash-params.json'), 'utf8')) as Record<string, string | number>;

const verify = (ctx: TestApp, id: string, password: string) => call(ctx, 'POST', `/v1/users/${id}/verify_password`, { password });
const byEmail = async (ctx: TestApp, email: string) => (await call(ctx, 'GET', `/v1/users?email_address=${encodeURIComponent(email)}`)).body[0];
const byPhone = async (ctx: TestApp, phone: string) => (await call(ctx, 'GET', `/v1/users?phone_number=${encodeURIComponent(phone)}`)).body[0];
/** An unverified identifier has no verification object (as Clerk answers before any attempt). */
const status = (i: { verification: { status: string } | null }) => i.verification?.status ?? 'unverified';
const emails = (user: { email_addresses: { email_address: string; verification: { status: string } | null }[] }) =>
  Object.fromEntries(user.email_addresses.map((e) => [e.email_address, status(e)]));

async function passwordVerifies(ctx: TestApp, id: string, password: string) {
  assert.equal((await verify(ctx, id, password)).status, 200, `${id}: the right password`);
  assert.equal((await verify(ctx, id, `${password}-wrong`)).status, 422, `${id}: a wrong one`);
}

test(`gatehouse import: provider exports through the CLI, then the API (${engine})`, { timeout: 240_000 }, async (t) => {
  const dir = await tempDir(t);
  const db = await cliDatabase(t, dir);
  // Copies, so that the rejects files (if any) land in the temporary directory.
  const copy = async (name: string) => {
    const to = path.join(dir, name);
    await copyFile(exportFixture(name), to);
    return to;
  };
  const gatehouse = async (...args: string[]) => {
    const run = await runCli(['import', ...args], db.env);
    assert.equal(run.code, 0, `${args.join(' ')}\n${run.stdout}${run.stderr}`);
    return run.stdout;
  };

  // The password-hash export first, the gzip users export second: the order does not matter.
  const auth0 = await gatehouse(await copy('auth0-passwords.json'), '--auth0-passwords', await copy('auth0-users.json.gz'));
  const clerkCsv = await gatehouse(await copy('clerk-dashboard.csv'));
  const clerkJson = await gatehouse(await copy('clerk-migration.json'));
  const fire = await gatehouse(await copy('firebase-users.json'), '--firebase-signer-key', String(firebase.base64_signer_key));
  const supaCsv = await gatehouse(await copy('supabase-users.csv'));
  const supaJson = await gatehouse(await copy('supabase-users.json'));
  const ctx = await buildTestApp(t, { target: db.target, encryptionKey: db.encryptionKey });

  await t.test('the summary says what was detected, and counts social-only users and what was not carried', () => {
    assert.match(auth0, /6 rows read .* from: Auth0 \(JSON lines, gzip\), detected from the content, merged with the Auth0 password-hash export \(JSON lines\)/);
    assert.match(auth0, /inserted 6 · updated 0 · skipped \(already there\) 0 · rejected 0/);
    assert.match(auth0, /social sign-in only, imported without a password: 1/);
    assert.match(auth0, /not carried \(source field: users\): .*multifactor: 1/);
    assert.match(clerkCsv, /Clerk \(CSV with a header row\), detected from the content/);
    assert.match(clerkJson, /Clerk \(a JSON array\)/);
    assert.match(fire, /Firebase \(a \{"users": \[\.\.\.\]\} document\)[^]*inserted 6[^]*mfaInfo \(TOTP: Firebase does not export the secret\): 1/);
    assert.match(supaCsv, /Supabase \(CSV with a header row\)[^]*inserted 6[^]*social sign-in only, imported without a password: 1/);
    assert.match(supaJson, /Supabase \(a JSON array\)[^]*inserted 6/);
  });

  await t.test('Auth0: users and hashes merged by user id; unverified, blocked, social-only and dates carried', async () => {
    const ada = await userByExternalId(ctx, 'auth0|64b7f0c2a1e4d5f6a7b8c9d0');
    assert.deepEqual([ada.first_name, ada.last_name, ada.username], ['Ada', 'Lovelace', 'ada_l']);
    assert.deepEqual(emails(ada), { 'ada@auth0-export.example.com': 'verified' });
    assert.equal(ada.phone_numbers[0].phone_number, '+15555550201');
    assert.deepEqual(ada.public_metadata, { theme: 'dark' });
    assert.deepEqual(ada.private_metadata, { roles: ['admin'], plan: 'pro' });
    assert.equal(ada.created_at, Date.parse('2021-03-05T10:12:31.123Z'));
    assert.equal(ada.last_sign_in_at, Date.parse('2024-01-02T03:04:05.000Z'));
    assert.equal(ada.banned, false);
    await passwordVerifies(ctx, ada.id, passwords.auth0!.ada!);

    const grace = await userByExternalId(ctx, 'auth0|64b7f0c2a1e4d5f6a7b8c9d1');
    assert.deepEqual(emails(grace), { 'grace@auth0-export.example.com': 'unverified' }, 'email_verified: false stays unverified');
    await passwordVerifies(ctx, grace.id, passwords.auth0!.grace!);

    const mallory = await userByExternalId(ctx, 'auth0|64b7f0c2a1e4d5f6a7b8c9d2');
    assert.equal(mallory.banned, true, 'blocked in Auth0 → banned');
    assert.deepEqual([mallory.first_name, mallory.last_name], [null, null], "Auth0's name is the email for database users: not a name");

    const alan = await userByExternalId(ctx, 'google-oauth2|103547991597142817347');
    assert.equal(alan.password_enabled, false, 'social-only: no password');
    assert.equal(alan.last_sign_in_at, Date.parse('2024-02-02T02:02:02.000Z'));

    const sms = await userByExternalId(ctx, 'sms|64b7f0c2a1e4d5f6a7b8c9d4');
    assert.deepEqual(sms.phone_numbers.map((p: { phone_number: string; verification: { status: string } | null }) => [p.phone_number, status(p)]), [['+15555550204', 'verified']]);

    const late = await userByExternalId(ctx, 'auth0|64b7f0c2a1e4d5f6a7b8c9d5');
    assert.ok(late, 'a user only in the password-hash export is imported too');
    await passwordVerifies(ctx, late.id, passwords.auth0!.late!);
  });

  await t.test('Clerk dashboard CSV: the Clerk id is kept, several emails per cell, unverified ones, TOTP, bcrypt and argon2id', async () => {
    const csv = readFileSync(exportFixture('clerk-dashboard.csv'), 'utf8');
    const totpSecret = /,([A-Z2-7]{32}),/.exec(csv)![1]!;
    const ada = (await call(ctx, 'GET', '/v1/users/user_2rvWkk90azWI2o3PH4LDuCMDPPh')).body;
    assert.equal(ada.id, 'user_2rvWkk90azWI2o3PH4LDuCMDPPh', 'ids an app stored keep working');
    assert.deepEqual(emails(ada), {
      'ada@clerk-export.example.com': 'verified',
      'ada.work@clerk-export.example.com': 'verified',
      'ada.old@clerk-export.example.com': 'unverified',
    });
    assert.equal(ada.email_addresses.find((e: { id: string }) => e.id === ada.primary_email_address_id).email_address, 'ada@clerk-export.example.com');
    assert.equal(ada.totp_enabled, true);
    const code = totpCode(base32Decode(totpSecret), timeStepAt(Date.now()));
    const totp = await call(ctx, 'POST', `/v1/users/${ada.id}/verify_totp`, { code });
    assert.deepEqual([totp.status, totp.body.code_type], [200, 'totp'], JSON.stringify(totp.body));
    await passwordVerifies(ctx, ada.id, passwords.clerk!.ada!);

    const grace = (await call(ctx, 'GET', '/v1/users/user_2rvWkk7aB1cD2eF3gH4iJ5kL6mN')).body;
    assert.deepEqual(emails(grace), { 'grace@clerk-export.example.com': 'unverified' });
    assert.equal(status(grace.phone_numbers[0]), 'unverified');
    await passwordVerifies(ctx, grace.id, passwords.clerk!.grace!);

    const alan = (await call(ctx, 'GET', '/v1/users/user_2rvWkk8tV9eQ6y0b2cL3mN4pQ5r')).body;
    assert.deepEqual(Object.keys(emails(alan)).sort(), ['alan.t@clerk-export.example.com', 'alan@clerk-export.example.com'], '`|` separates too');
    assert.equal(alan.password_enabled, false);
    assert.equal((await call(ctx, 'GET', '/v1/users/user_2rvWkk6sT7uV8wX9yZ0aB1cD2eF')).body.phone_numbers[0].phone_number, '+15555550104');
  });

  await t.test("Clerk migration tool JSON: Clerk ids kept, other ids → external_id, backup codes, dates", async () => {
    const barbara = (await call(ctx, 'GET', '/v1/users/user_2sXYZa1b2C3d4E5f6G7h8I9j0Kl')).body;
    assert.equal(emails(barbara)['barbara.unconfirmed@clerk-migration.example.com'], 'unverified');
    assert.equal(emails(barbara)['barbara@clerk-migration.example.com'], 'verified');
    assert.equal(barbara.created_at, Date.parse('2022-02-02T10:00:00.000Z'));
    assert.equal(barbara.legal_accepted_at, Date.parse('2022-02-02T10:05:00.000Z'));
    assert.deepEqual([barbara.public_metadata, barbara.private_metadata], [{ plan: 'pro' }, { stripe: 'cus_123' }]);
    assert.equal(barbara.backup_code_enabled, true);
    const backup = await call(ctx, 'POST', `/v1/users/${barbara.id}/verify_totp`, { code: 'a1b2c3d4' });
    assert.deepEqual([backup.status, backup.body.code_type], [200, 'backup_code'], JSON.stringify(backup.body));
    await passwordVerifies(ctx, barbara.id, passwords.clerk!.barbara!);
    const edsger = await userByExternalId(ctx, 'legacy-42');
    assert.deepEqual([edsger.first_name, edsger.phone_numbers[0].phone_number], ['Edsger', '+15555550105']);
  });

  await t.test('Firebase auth:export: scrypt with the project parameters, disabled → banned, mfaInfo phone → second factor', async () => {
    const ada = await userByExternalId(ctx, 'fbAdaK1ngL0velace000000001');
    assert.deepEqual([ada.first_name, ada.last_name], ['Ada', 'King Lovelace'], 'displayName split at its first space');
    assert.deepEqual(ada.public_metadata, { role: 'admin', beta: true }, 'customAttributes');
    assert.deepEqual([ada.created_at, ada.last_sign_in_at], [1615000000000, 1704164645000]);
    await passwordVerifies(ctx, ada.id, passwords.firebase!.ada!);
    const grace = await userByExternalId(ctx, 'fbGraceH0pper0000000000002');
    assert.deepEqual(emails(grace), { 'grace@firebase-export.example.com': 'unverified' });
    await passwordVerifies(ctx, grace.id, passwords.firebase!.grace!);
    const mallory = await userByExternalId(ctx, 'fbMall0ry00000000000000003');
    assert.equal(mallory.banned, true, 'disabled in Firebase → banned');
    assert.equal((await userByExternalId(ctx, 'fbAlanTur1ng0000000000004')).password_enabled, false);
    assert.equal((await userByExternalId(ctx, 'fbPh0ne0nly00000000000005')).phone_numbers[0].phone_number, '+15555550305');
    const margaret = await userByExternalId(ctx, 'fbTw0Fact0r00000000000006');
    assert.deepEqual(
      margaret.phone_numbers.map((p: { phone_number: string; reserved_for_second_factor: boolean; default_second_factor: boolean }) => [p.phone_number, p.reserved_for_second_factor, p.default_second_factor]),
      [['+15555550306', true, true]],
    );
    assert.equal(margaret.two_factor_enabled, true);
    await passwordVerifies(ctx, margaret.id, passwords.firebase!.margaret!);
  });

  await t.test('Supabase auth.users (CSV and JSON): GoTrue bcrypt, confirmations, banned_until, OAuth-only, phones without +', async () => {
    for (const shape of ['csv', 'json']) {
      const domain = `${shape}.supabase-export.example.com`;
      const ada = await byEmail(ctx, `ada@${domain}`);
      assert.deepEqual([ada.first_name, ada.last_name], ['Ada', 'Lovelace']);
      assert.equal(ada.created_at, Date.parse('2024-01-15T10:29:00.654Z'), shape);
      assert.equal(ada.last_sign_in_at, Date.parse('2024-03-01T09:00:00.500Z'));
      assert.deepEqual(ada.public_metadata, { first_name: 'Ada', last_name: 'Lovelace', plan: 'pro' });
      assert.deepEqual(ada.private_metadata, { provider: 'email', providers: ['email'] });
      await passwordVerifies(ctx, ada.id, passwords.supabase!.ada!);
      const grace = await byEmail(ctx, `grace@${domain}`);
      assert.deepEqual(emails(grace), { [`grace@${domain}`]: 'unverified' }, 'no email_confirmed_at: unverified');
      await passwordVerifies(ctx, grace.id, passwords.supabase!.grace!);
      assert.equal((await byEmail(ctx, `mallory@${domain}`)).banned, true, 'banned_until later → banned');
      assert.equal((await byEmail(ctx, `paroled@${domain}`)).banned, false, 'a ban that has ended is not carried');
      const alan = await byEmail(ctx, `alan@${domain}`);
      assert.deepEqual([alan.password_enabled, alan.first_name, alan.last_name], [false, 'Alan', 'Turing']);
      const phone = await byPhone(ctx, shape === 'csv' ? '+15555550405' : '+15555550415');
      assert.equal(status(phone.phone_numbers[0]), 'verified');
    }
  });
});
