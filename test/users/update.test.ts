import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { findEventsAfter } from '../../src/webhooks/store.js';
import { assertError, buildTestApp, call, createTestUser, uniqueEmail, type TestApp } from '../helper.js';

// PATCH /v1/users/{id}: every field of ../shared/spec/seed-update-user.txt, through the front door.
// One database for the whole file; every subtest makes its own users.

/** bcrypt vector from ../shared/testdata/password-digests.json (python3-bcrypt 3.2.2, cost 10). */
const BCRYPT = {
  digest: '$2b$10$bLtc25S.sVUxJ0SL8bm2DupcdwPouTi441pKtuOnq8y8TTXN8BP0y',
  password: 'correct horse battery staple',
  wrong_password: 'correcthorsebatterystaple',
};
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const OLD_PASSWORD = 'Old-Unlisted-Pass-71';
const NEW_PASSWORD = 'New-Unlisted-Pass-93';

type Response = Awaited<ReturnType<typeof call>>;


let phoneCounter = 0;
function uniquePhone(): string {
  phoneCounter += 1;
  return `+1${200 + Math.floor(Math.random() * 700)}555${String(phoneCounter).padStart(4, '0')}`;
}
const uniqueWallet = () => `0x${randomBytes(20).toString('hex')}`;

async function patch(ctx: TestApp, id: string, body: unknown) {
  return call(ctx, 'PATCH', `/v1/users/${id}`, body);
}
async function get(ctx: TestApp, id: string) {
  const res = await call(ctx, 'GET', `/v1/users/${id}`);
  assert.equal(res.status, 200);
  return res.body;
}
async function verifyPassword(ctx: TestApp, id: string, password: string) {
  return call(ctx, 'POST', `/v1/users/${id}/verify_password`, { password });
}
async function addEmail(ctx: TestApp, userId: string, verified: boolean) {
  const res = await call(ctx, 'POST', '/v1/email_addresses', { user_id: userId, email_address: uniqueEmail('extra'), verified });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}
async function addPhone(ctx: TestApp, userId: string, verified: boolean) {
  const res = await call(ctx, 'POST', '/v1/phone_numbers', { user_id: userId, phone_number: uniquePhone(), verified });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}
const ids = (list: { id: string }[]) => list.map((x) => x.id);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('PATCH /v1/users/{id}', async (t) => {
  const ctx = await buildTestApp(t);

  await t.test('PATCH /v1/users/{id} → 200 sets external_id, first_name and last_name, and null clears the names', async () => {
    const user = await createTestUser(ctx);
    const externalId = `ext_${randomBytes(4).toString('hex')}`;
    const set = await patch(ctx, user.id, { external_id: externalId, first_name: 'Grace', last_name: 'Hopper' });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.external_id, externalId);
    assert.equal(set.body.first_name, 'Grace');
    assert.equal(set.body.last_name, 'Hopper');
    assert.ok(set.body.updated_at >= user.updated_at);
    const got = await get(ctx, user.id);
    assert.equal(got.external_id, externalId);
    assert.equal(got.first_name, 'Grace');

    const cleared = await patch(ctx, user.id, { first_name: null, last_name: null });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.first_name, null);
    assert.equal(cleared.body.last_name, null);
    assert.equal(cleared.body.external_id, externalId, 'fields not given stay as they were');

    const noExternal = await patch(ctx, user.id, { external_id: null });
    assert.equal(noExternal.status, 200);
    assert.equal(noExternal.body.external_id, null);
  });

  await t.test('PATCH /v1/users/{id} → 422 form_identifier_exists for an external_id another user has', async () => {
    const other = await createTestUser(ctx, { external_id: `ext_taken_${randomBytes(4).toString('hex')}` });
    const user = await createTestUser(ctx);
    const res = await patch(ctx, user.id, { external_id: other.external_id });
    assertError(res, 422, 'form_identifier_exists', 'external_id');
  });

  await t.test('PATCH /v1/users/{id} → 404 resource_not_found for an unknown user', async () => {
    const res = await patch(ctx, 'user_doesnotexist000000000000000', { first_name: 'Nobody' });
    assertError(res, 404, 'resource_not_found');
  });

  await t.test('PATCH /v1/users/{id} → 422 form_param_unknown for a field the seed does not list', async () => {
    const user = await createTestUser(ctx);
    const res = await patch(ctx, user.id, { first_name: 'Ada', favourite_colour: 'green' });
    assertError(res, 422, 'form_param_unknown', 'favourite_colour');
    const createOnly = await patch(ctx, user.id, { email_address: [uniqueEmail()] });
    assertError(createOnly, 422, 'form_param_unknown', 'email_address');
    assert.equal((await get(ctx, user.id)).first_name, null);
  });

  // primary_email_address_id

  await t.test('PATCH /v1/users/{id} → 200 changes primary_email_address_id without reordering email_addresses', async () => {
    const user = await createTestUser(ctx);
    const second = await addEmail(ctx, user.id, true);
    const before = await get(ctx, user.id);
    assert.equal(before.primary_email_address_id, user.primary_email_address_id);
    const res = await patch(ctx, user.id, { primary_email_address_id: second.id });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.primary_email_address_id, second.id);
    assert.deepEqual(ids(res.body.email_addresses), ids(before.email_addresses));
    assert.equal((await get(ctx, user.id)).primary_email_address_id, second.id);
  });

  await t.test('PATCH /v1/users/{id} → 422 form_verification_needed for an unverified primary email', async () => {
    const user = await createTestUser(ctx);
    const unverified = await addEmail(ctx, user.id, false);
    assert.equal(unverified.verification, null);
    const res = await patch(ctx, user.id, { primary_email_address_id: unverified.id });
    assertError(res, 422, 'form_verification_needed', 'primary_email_address_id');
    assert.equal((await get(ctx, user.id)).primary_email_address_id, user.primary_email_address_id);
  });

  await t.test("PATCH /v1/users/{id} → 422 form_resource_not_found for another user's email id", async () => {
    const other = await createTestUser(ctx);
    const user = await createTestUser(ctx);
    const res = await patch(ctx, user.id, { primary_email_address_id: other.primary_email_address_id });
    assertError(res, 422, 'form_resource_not_found', 'primary_email_address_id');
    const missing = await patch(ctx, user.id, { primary_email_address_id: 'idn_doesnotexist0000000000000' });
    assertError(missing, 422, 'form_resource_not_found', 'primary_email_address_id');
    assert.equal((await get(ctx, other.id)).primary_email_address_id, other.primary_email_address_id);
    assert.equal((await get(ctx, user.id)).primary_email_address_id, user.primary_email_address_id);
  });

  // notify_primary_email_address_changed

  // Without SMTP (these tests), an email is its email.created event (test/email/ sends them over SMTP).
  const notificationsOf = async (userId: string) =>
    (await findEventsAfter(ctx.deps.db, null, 10_000, 'email.created'))
      .map((event) => event.payload.data as Record<string, any>)
      .filter((email) => email.user_id === userId);

  await t.test('PATCH /v1/users/{id} → 200 emails the previous primary address when notify_primary_email_address_changed is true and the primary changes', async () => {
    const user = await createTestUser(ctx);
    const second = await addEmail(ctx, user.id, true);
    const res = await patch(ctx, user.id, { primary_email_address_id: second.id, notify_primary_email_address_changed: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const emails = await notificationsOf(user.id);
    assert.equal(emails.length, 1);
    assert.equal(emails[0]!.slug, 'primary_email_address_changed');
    assert.equal(emails[0]!.to_email_address, user.email_addresses[0].email_address);
    assert.equal(emails[0]!.email_address_id, user.primary_email_address_id);
    assert.equal(emails[0]!.data.new_email_address, second.email_address);
    assert.equal(emails[0]!.delivered_by_clerk, false);

    // Same primary again: nothing changed, nothing to tell.
    const same = await patch(ctx, user.id, { primary_email_address_id: second.id, notify_primary_email_address_changed: true });
    assert.equal(same.status, 200);
    assert.equal((await notificationsOf(user.id)).length, 1);
  });

  await t.test('PATCH /v1/users/{id} → 200 records no notification when notify_primary_email_address_changed is false or absent', async () => {
    const user = await createTestUser(ctx);
    const second = await addEmail(ctx, user.id, true);
    const res = await patch(ctx, user.id, { primary_email_address_id: second.id, notify_primary_email_address_changed: false });
    assert.equal(res.status, 200);
    assert.equal(res.body.primary_email_address_id, second.id);
    const back = await patch(ctx, user.id, { primary_email_address_id: user.primary_email_address_id });
    assert.equal(back.status, 200);
    assert.equal((await notificationsOf(user.id)).length, 0);
  });

  await t.test('PATCH /v1/users/{id} → 200 records no notification for notify_primary_email_address_changed alone', async () => {
    const user = await createTestUser(ctx);
    const res = await patch(ctx, user.id, { notify_primary_email_address_changed: true, first_name: 'Quiet' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((await notificationsOf(user.id)).length, 0);
  });

  await t.test('PATCH /v1/users/{id} → 422 and no notification when notify is true but the primary is rejected', async () => {
    const user = await createTestUser(ctx);
    const unverified = await addEmail(ctx, user.id, false);
    const res = await patch(ctx, user.id, { primary_email_address_id: unverified.id, notify_primary_email_address_changed: true });
    assertError(res, 422, 'form_verification_needed');
    assert.equal((await notificationsOf(user.id)).length, 0);
  });

  // primary_phone_number_id

  await t.test('PATCH /v1/users/{id} → 200 changes primary_phone_number_id without reordering phone_numbers', async () => {
    const user = await createTestUser(ctx, { phone_number: [uniquePhone()] });
    const second = await addPhone(ctx, user.id, true);
    const before = await get(ctx, user.id);
    assert.notEqual(before.primary_phone_number_id, second.id);
    const res = await patch(ctx, user.id, { primary_phone_number_id: second.id });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.primary_phone_number_id, second.id);
    assert.deepEqual(ids(res.body.phone_numbers), ids(before.phone_numbers));
  });

  await t.test('PATCH /v1/users/{id} → 422 form_verification_needed for an unverified primary phone', async () => {
    const user = await createTestUser(ctx, { phone_number: [uniquePhone()] });
    const unverified = await addPhone(ctx, user.id, false);
    const res = await patch(ctx, user.id, { primary_phone_number_id: unverified.id });
    assertError(res, 422, 'form_verification_needed', 'primary_phone_number_id');
    assert.equal((await get(ctx, user.id)).primary_phone_number_id, user.primary_phone_number_id);
  });

  await t.test("PATCH /v1/users/{id} → 422 form_resource_not_found for another user's phone id", async () => {
    const other = await createTestUser(ctx, { phone_number: [uniquePhone()] });
    const user = await createTestUser(ctx, { phone_number: [uniquePhone()] });
    const res = await patch(ctx, user.id, { primary_phone_number_id: other.primary_phone_number_id });
    assertError(res, 422, 'form_resource_not_found', 'primary_phone_number_id');
    // An email id is not a phone id either.
    const wrongKind = await patch(ctx, user.id, { primary_phone_number_id: user.primary_email_address_id });
    assertError(wrongKind, 422, 'form_resource_not_found', 'primary_phone_number_id');
  });

  // primary_web3_wallet_id

  await t.test('PATCH /v1/users/{id} → 200 changes primary_web3_wallet_id without reordering web3_wallets', async () => {
    const user = await createTestUser(ctx, { web3_wallet: [uniqueWallet(), uniqueWallet()] });
    const other = user.web3_wallets.find((w: { id: string }) => w.id !== user.primary_web3_wallet_id);
    assert.ok(other);
    const res = await patch(ctx, user.id, { primary_web3_wallet_id: other.id });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.primary_web3_wallet_id, other.id);
    assert.deepEqual(ids(res.body.web3_wallets), ids(user.web3_wallets));
  });

  await t.test("PATCH /v1/users/{id} → 422 form_resource_not_found for another user's web3 wallet id", async () => {
    const other = await createTestUser(ctx, { web3_wallet: [uniqueWallet()] });
    const user = await createTestUser(ctx, { web3_wallet: [uniqueWallet()] });
    const res = await patch(ctx, user.id, { primary_web3_wallet_id: other.primary_web3_wallet_id });
    assertError(res, 422, 'form_resource_not_found', 'primary_web3_wallet_id');
    assert.equal((await get(ctx, user.id)).primary_web3_wallet_id, user.primary_web3_wallet_id);
  });

  await t.test('PATCH /v1/users/{id} → 422 form_verification_needed for an unverified primary web3 wallet', async () => {
    const user = await createTestUser(ctx, { web3_wallet: [uniqueWallet()] });
    // The Backend API cannot add an unverified wallet (sign-up flows do), so put one in the table.
    const now = Date.now();
    const walletId = `idn_unverifiedwallet${randomBytes(4).toString('hex')}`;
    await ctx.deps.db
      .insertInto('web3_wallets')
      .values({ id: walletId, user_id: user.id, web3_wallet: uniqueWallet(), verified: false, created_at: now, updated_at: now })
      .execute();
    const res = await patch(ctx, user.id, { primary_web3_wallet_id: walletId });
    assertError(res, 422, 'form_verification_needed', 'primary_web3_wallet_id');
  });

  // username

  await t.test('PATCH /v1/users/{id} → 200 sets the username', async () => {
    const user = await createTestUser(ctx);
    const name = `user_${randomBytes(4).toString('hex')}`;
    const res = await patch(ctx, user.id, { username: name });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.username, name);
    assert.equal((await get(ctx, user.id)).username, name);
  });

  await t.test('PATCH /v1/users/{id} → 422 form_identifier_exists for a username taken in another case', async () => {
    const name = `taken_${randomBytes(4).toString('hex')}`;
    await createTestUser(ctx, { username: name });
    const user = await createTestUser(ctx);
    const res = await patch(ctx, user.id, { username: name.toUpperCase() });
    assertError(res, 422, 'form_identifier_exists', 'username');
    assert.equal((await get(ctx, user.id)).username, null);
  });

  await t.test('PATCH /v1/users/{id} → 200 with username null or "" removes the username', async () => {
    const user = await createTestUser(ctx, { username: `gone_${randomBytes(4).toString('hex')}` });
    const viaNull = await patch(ctx, user.id, { username: null });
    assert.equal(viaNull.status, 200, JSON.stringify(viaNull.body));
    assert.equal(viaNull.body.username, null);

    const again = `back_${randomBytes(4).toString('hex')}`;
    assert.equal((await patch(ctx, user.id, { username: again })).body.username, again);
    const viaEmpty = await patch(ctx, user.id, { username: '' });
    assert.equal(viaEmpty.status, 200, JSON.stringify(viaEmpty.body));
    assert.equal(viaEmpty.body.username, null);
    assert.equal((await get(ctx, user.id)).username, null);

    // The removed username is free for someone else.
    const next = await createTestUser(ctx, { username: again });
    assert.equal(next.username, again);
  });

  await t.test("PATCH /v1/users/{id} → 400 identification_deletion_failed when removing the user's last identification (the username)", async () => {
    const name = `solo_${randomBytes(4).toString('hex')}`;
    const user = await createTestUser(ctx, { email_address: [], username: name, password: OLD_PASSWORD });
    assert.equal(user.email_addresses.length, 0);
    for (const value of [null, '']) {
      const res = await patch(ctx, user.id, { username: value });
      assertError(res, 400, 'identification_deletion_failed');
    }
    assert.equal((await get(ctx, user.id)).username, name);
  });

  // profile_image_id

  await t.test('PATCH /v1/users/{id} → 422 form_resource_not_found naming profile_image_id for an unknown image', async () => {
    const user = await createTestUser(ctx);
    const res = await patch(ctx, user.id, { profile_image_id: 'img_2doesnotexist00000000000000' });
    assertError(res, 422, 'form_resource_not_found', 'profile_image_id');
    assert.match(res.body.errors[0].long_message, /profile_image_id/);
  });

  // password

  await t.test('PATCH /v1/users/{id} → 200 with a new password: verify_password accepts it and refuses the old one', async () => {
    const user = await createTestUser(ctx, { password: OLD_PASSWORD });
    assert.equal((await verifyPassword(ctx, user.id, OLD_PASSWORD)).status, 200);
    const res = await patch(ctx, user.id, { password: NEW_PASSWORD });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.password_enabled, true);
    const ok = await verifyPassword(ctx, user.id, NEW_PASSWORD);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { verified: true });
    assertError(await verifyPassword(ctx, user.id, OLD_PASSWORD), 422, 'incorrect_password');
  });

  await t.test('PATCH /v1/users/{id} → 200 sets a first password on a passwordless user', async () => {
    const user = await createTestUser(ctx);
    assert.equal(user.password_enabled, false);
    const res = await patch(ctx, user.id, { password: NEW_PASSWORD });
    assert.equal(res.status, 200);
    assert.equal(res.body.password_enabled, true);
    assert.equal((await verifyPassword(ctx, user.id, NEW_PASSWORD)).status, 200);
  });

  await t.test('PATCH /v1/users/{id} → 422 form_password_length_too_short for a short password', async () => {
    const user = await createTestUser(ctx, { password: OLD_PASSWORD });
    const res = await patch(ctx, user.id, { password: 'Sh0rt!' });
    assertError(res, 422, 'form_password_length_too_short', 'password');
    assert.equal(res.body.errors[0].message, 'Passwords must be 8 characters or more.');
    assert.equal((await verifyPassword(ctx, user.id, OLD_PASSWORD)).status, 200);
  });

  await t.test('PATCH /v1/users/{id} → 422 form_password_pwned for a breached password', async () => {
    const user = await createTestUser(ctx, { password: OLD_PASSWORD });
    const res = await patch(ctx, user.id, { password: 'password123' });
    assertError(res, 422, 'form_password_pwned', 'password');
    assert.equal((await verifyPassword(ctx, user.id, OLD_PASSWORD)).status, 200);
    assertError(await verifyPassword(ctx, user.id, 'password123'), 422, 'incorrect_password');
  });

  await t.test('PATCH /v1/users/{id} → 200 with skip_password_checks lets a short or breached password through', async () => {
    const user = await createTestUser(ctx, { password: OLD_PASSWORD });
    for (const password of ['short', 'password123']) {
      const res = await patch(ctx, user.id, { password, skip_password_checks: true });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal((await verifyPassword(ctx, user.id, password)).status, 200);
    }
    assertError(await verifyPassword(ctx, user.id, OLD_PASSWORD), 422, 'incorrect_password');
  });

  await t.test('PATCH /v1/users/{id} → 422 form_conditional_param_missing for skip_password_checks without password', async () => {
    const user = await createTestUser(ctx, { password: OLD_PASSWORD });
    const res = await patch(ctx, user.id, { skip_password_checks: true });
    assertError(res, 422, 'form_conditional_param_missing', 'password');
  });

  await t.test('PATCH /v1/users/{id} → 200 imports a bcrypt password_digest; verify_password checks it', async () => {
    const user = await createTestUser(ctx, { password: OLD_PASSWORD });
    const res = await patch(ctx, user.id, { password_digest: BCRYPT.digest, password_hasher: 'bcrypt' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.password_enabled, true);
    assert.deepEqual((await verifyPassword(ctx, user.id, BCRYPT.password)).body, { verified: true });
    assertError(await verifyPassword(ctx, user.id, BCRYPT.wrong_password), 422, 'incorrect_password');
    assertError(await verifyPassword(ctx, user.id, OLD_PASSWORD), 422, 'incorrect_password');
  });

  await t.test('PATCH /v1/users/{id} → 422 form_conditional_param_missing for password_digest without password_hasher', async () => {
    const user = await createTestUser(ctx, { password: OLD_PASSWORD });
    const res = await patch(ctx, user.id, { password_digest: BCRYPT.digest });
    assertError(res, 422, 'form_conditional_param_missing', 'password_hasher');
    assert.equal((await verifyPassword(ctx, user.id, OLD_PASSWORD)).status, 200);
  });

  await t.test('PATCH /v1/users/{id} → 200 with sign_out_of_other_sessions and a password', async () => {
    const user = await createTestUser(ctx, { password: OLD_PASSWORD });
    const res = await patch(ctx, user.id, { password: NEW_PASSWORD, sign_out_of_other_sessions: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((await verifyPassword(ctx, user.id, NEW_PASSWORD)).status, 200);
  });

  await t.test('PATCH /v1/users/{id} → 422 form_conditional_param_missing for sign_out_of_other_sessions without password', async () => {
    const user = await createTestUser(ctx, { first_name: 'Before' });
    const res = await patch(ctx, user.id, { sign_out_of_other_sessions: true, first_name: 'After' });
    assertError(res, 422, 'form_conditional_param_missing', 'password');
    assert.equal((await get(ctx, user.id)).first_name, 'Before');
  });

  // totp_secret, backup_codes

  await t.test('PATCH /v1/users/{id} → 200 with a base32 totp_secret enables TOTP and sets mfa_enabled_at', async () => {
    const user = await createTestUser(ctx);
    assert.equal(user.totp_enabled, false);
    assert.equal(user.mfa_enabled_at, null);
    const res = await patch(ctx, user.id, { totp_secret: TOTP_SECRET });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.totp_enabled, true);
    assert.equal(res.body.two_factor_enabled, true);
    assert.equal(typeof res.body.mfa_enabled_at, 'number');
    assert.ok(res.body.mfa_enabled_at >= user.created_at);
  });

  await t.test('PATCH /v1/users/{id} → 200 accepts a lower-case totp_secret with spaces, as authenticator exports show it', async () => {
    const user = await createTestUser(ctx);
    const res = await patch(ctx, user.id, { totp_secret: 'jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.totp_enabled, true);
  });

  await t.test('PATCH /v1/users/{id} → 422 invalid_totp_secret_code for a secret that is not base32', async () => {
    const user = await createTestUser(ctx);
    for (const secret of ['not base32 at all!!', 'JBSWY3DP18']) {
      const res = await patch(ctx, user.id, { totp_secret: secret });
      assertError(res, 422, 'invalid_totp_secret_code', 'totp_secret');
    }
    assert.equal((await get(ctx, user.id)).totp_enabled, false);
  });

  await t.test('PATCH /v1/users/{id} → 200 with totp_secret null removes TOTP and sets mfa_disabled_at', async () => {
    const user = await createTestUser(ctx, { totp_secret: TOTP_SECRET });
    assert.equal(user.totp_enabled, true);
    assert.equal(user.mfa_disabled_at, null);
    const res = await patch(ctx, user.id, { totp_secret: null });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.totp_enabled, false);
    assert.equal(res.body.two_factor_enabled, false);
    assert.equal(typeof res.body.mfa_disabled_at, 'number');
  });

  await t.test('PATCH /v1/users/{id} → 200 with backup_codes enables backup codes; [] removes them', async () => {
    const user = await createTestUser(ctx);
    const res = await patch(ctx, user.id, { backup_codes: ['abcd1234', 'efgh5678'] });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.backup_code_enabled, true);
    assert.equal(res.body.two_factor_enabled, true);
    assert.equal(typeof res.body.mfa_enabled_at, 'number');
    const cleared = await patch(ctx, user.id, { backup_codes: [] });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.backup_code_enabled, false);
    assert.equal(cleared.body.two_factor_enabled, false);
  });

  await t.test('PATCH /v1/users/{id} → 422 form_param_format_invalid for a malformed bcrypt backup code digest', async () => {
    const user = await createTestUser(ctx);
    const res = await patch(ctx, user.id, { backup_codes: [`$2b$99$${'a'.repeat(53)}`] });
    assertError(res, 422, 'form_param_format_invalid', 'backup_codes');
    assert.equal((await get(ctx, user.id)).backup_code_enabled, false);
  });

  await t.test('PATCH /v1/users/{id} → 422 when password and password_digest are both given', async () => {
    const user = await createTestUser(ctx, { password: OLD_PASSWORD });
    const res = await patch(ctx, user.id, { password: NEW_PASSWORD, password_digest: BCRYPT.digest, password_hasher: 'bcrypt' });
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal((await verifyPassword(ctx, user.id, OLD_PASSWORD)).status, 200);
  });

  // metadata

  await t.test('PATCH /v1/users/{id} → 200 replaces public/private/unsafe metadata (no merge) and null resets to {}', async () => {
    const user = await createTestUser(ctx, {
      public_metadata: { keep: 1, nested: { a: 1 } },
      private_metadata: { secret: 'x' },
      unsafe_metadata: { theme: 'dark' },
    });
    const res = await patch(ctx, user.id, { public_metadata: { nested: { b: 2 } }, private_metadata: { other: true } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.public_metadata, { nested: { b: 2 } });
    assert.deepEqual(res.body.private_metadata, { other: true });
    assert.deepEqual(res.body.unsafe_metadata, { theme: 'dark' }, 'metadata not given is left alone');

    const reset = await patch(ctx, user.id, { public_metadata: null, private_metadata: null, unsafe_metadata: null });
    assert.equal(reset.status, 200, JSON.stringify(reset.body));
    assert.deepEqual(reset.body.public_metadata, {});
    assert.deepEqual(reset.body.private_metadata, {});
    assert.deepEqual(reset.body.unsafe_metadata, {});
  });

  await t.test('PATCH /v1/users/{id} → 422 form_param_exceeds_allowed_size for metadata over 8 KB', async () => {
    const user = await createTestUser(ctx);
    const res = await patch(ctx, user.id, { public_metadata: { blob: 'x'.repeat(8200) } });
    assertError(res, 422, 'form_param_exceeds_allowed_size', 'public_metadata');
    assert.deepEqual((await get(ctx, user.id)).public_metadata, {});
  });

  // flags, limits, timestamps

  await t.test('PATCH /v1/users/{id} → 200 sets delete_self_enabled and create_organization_enabled', async () => {
    const user = await createTestUser(ctx);
    assert.equal(user.delete_self_enabled, true);
    assert.equal(user.create_organization_enabled, true);
    const res = await patch(ctx, user.id, { delete_self_enabled: false, create_organization_enabled: false });
    assert.equal(res.status, 200);
    assert.equal(res.body.delete_self_enabled, false);
    assert.equal(res.body.create_organization_enabled, false);
    const back = await patch(ctx, user.id, { delete_self_enabled: true });
    assert.equal(back.body.delete_self_enabled, true);
    assert.equal(back.body.create_organization_enabled, false);
  });

  await t.test('PATCH /v1/users/{id} → 200 sets create_organizations_limit', async () => {
    const user = await createTestUser(ctx);
    const res = await patch(ctx, user.id, { create_organizations_limit: 5 });
    assert.equal(res.status, 200);
    assert.equal(res.body.create_organizations_limit, 5);
    assert.equal((await get(ctx, user.id)).create_organizations_limit, 5);
    const negative = await patch(ctx, user.id, { create_organizations_limit: -1 });
    assert.equal(negative.status, 422);
    assert.equal((await get(ctx, user.id)).create_organizations_limit, 5);
  });

  await t.test('PATCH /v1/users/{id} → 200 sets legal_accepted_at from RFC 3339, and skip_legal_checks is accepted', async () => {
    const user = await createTestUser(ctx);
    assert.equal(user.legal_accepted_at, null);
    const when = '2024-05-06T07:08:09.123Z';
    const res = await patch(ctx, user.id, { legal_accepted_at: when });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.legal_accepted_at, Date.parse(when));
    const skip = await patch(ctx, user.id, { skip_legal_checks: true, first_name: 'Legal' });
    assert.equal(skip.status, 200, JSON.stringify(skip.body));
    assert.equal(skip.body.first_name, 'Legal');
    assert.equal(skip.body.legal_accepted_at, Date.parse(when));
    const bad = await patch(ctx, user.id, { legal_accepted_at: 'yesterday' });
    assertError(bad, 422, 'form_param_invalid_time', 'legal_accepted_at');
    const cleared = await patch(ctx, user.id, { legal_accepted_at: null });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.legal_accepted_at, null);
  });

  await t.test('PATCH /v1/users/{id} → 200 sets created_at from RFC 3339; a bad one → 422 form_param_invalid_time', async () => {
    const user = await createTestUser(ctx);
    const when = '2020-01-02T03:04:05.678Z';
    const res = await patch(ctx, user.id, { created_at: when });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.created_at, Date.parse(when));
    assert.equal((await get(ctx, user.id)).created_at, Date.parse(when));
    const bad = await patch(ctx, user.id, { created_at: '2020-13-45' });
    assertError(bad, 422, 'form_param_invalid_time', 'created_at');
    assert.equal((await get(ctx, user.id)).created_at, Date.parse(when));
  });

  // all or nothing

  await t.test('PATCH /v1/users/{id} → 422 for a valid first_name with a taken username changes nothing', async () => {
    const taken = `held_${randomBytes(4).toString('hex')}`;
    await createTestUser(ctx, { username: taken });
    const user = await createTestUser(ctx, { first_name: 'Original', password: OLD_PASSWORD });
    const before = await get(ctx, user.id);
    await sleep(5);
    const res = await patch(ctx, user.id, {
      first_name: 'Changed',
      public_metadata: { changed: true },
      password: NEW_PASSWORD,
      username: taken,
    });
    assertError(res, 422, 'form_identifier_exists', 'username');
    assert.deepEqual(await get(ctx, user.id), before);
    assert.equal((await verifyPassword(ctx, user.id, OLD_PASSWORD)).status, 200, 'the old password still verifies');
    assertError(await verifyPassword(ctx, user.id, NEW_PASSWORD), 422, 'incorrect_password');
  });

  await t.test('PATCH /v1/users/{id} → 422 for a valid password with a bad primary id changes nothing', async () => {
    const user = await createTestUser(ctx, { password: OLD_PASSWORD, first_name: 'Original' });
    const unverified = await addEmail(ctx, user.id, false);
    const before = await get(ctx, user.id);
    await sleep(5);
    for (const primary of [unverified.id, 'idn_doesnotexist0000000000000']) {
      const res = await patch(ctx, user.id, {
        password: NEW_PASSWORD,
        first_name: 'Changed',
        totp_secret: TOTP_SECRET,
        primary_email_address_id: primary,
      });
      assert.equal(res.status, 422, JSON.stringify(res.body));
      assert.deepEqual(await get(ctx, user.id), before);
      // Wrong one first: the success that follows clears the failed-attempt count it adds.
      assertError(await verifyPassword(ctx, user.id, NEW_PASSWORD), 422, 'incorrect_password');
      assert.equal((await verifyPassword(ctx, user.id, OLD_PASSWORD)).status, 200, 'the old password still verifies');
    }
  });

  await t.test('PATCH /v1/users/{id} → 422 for a good primary and notify with a taken external_id rolls both back', async () => {
    const other = await createTestUser(ctx, { external_id: `ext_held_${randomBytes(4).toString('hex')}` });
    const user = await createTestUser(ctx);
    const second = await addEmail(ctx, user.id, true);
    const before = await get(ctx, user.id);
    await sleep(5);
    const res = await patch(ctx, user.id, {
      primary_email_address_id: second.id,
      notify_primary_email_address_changed: true,
      external_id: other.external_id,
    });
    assertError(res, 422, 'form_identifier_exists', 'external_id');
    assert.deepEqual(await get(ctx, user.id), before);
    assert.equal((await notificationsOf(user.id)).length, 0);
  });

  await t.test('PATCH /v1/users/{id} → 422 for a good primary with a bad totp_secret changes nothing', async () => {
    const user = await createTestUser(ctx);
    const second = await addEmail(ctx, user.id, true);
    const before = await get(ctx, user.id);
    await sleep(5);
    const res = await patch(ctx, user.id, { primary_email_address_id: second.id, totp_secret: '!!!', last_name: 'Changed' });
    assertError(res, 422, 'invalid_totp_secret_code');
    assert.deepEqual(await get(ctx, user.id), before);
  });

  // secrets

  await t.test('PATCH /v1/users/{id} → 200 never returns the password, digest, TOTP secret or backup codes', async () => {
    const user = await createTestUser(ctx);
    const backupCodes = ['zyxw9876', 'vuts5432'];
    const secrets = [BCRYPT.digest, TOTP_SECRET, ...backupCodes, 'password_digest', 'totp_secret', 'backup_codes'];
    const raw = async (method: 'PATCH' | 'GET', url: string, body?: unknown) => {
      const response = await ctx.app.inject({
        method,
        url,
        headers: { ...ctx.auth, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { payload: JSON.stringify(body) } : {}),
      });
      return response;
    };
    const res = await raw('PATCH', `/v1/users/${user.id}`, {
      password_digest: BCRYPT.digest,
      password_hasher: 'bcrypt',
      totp_secret: TOTP_SECRET,
      backup_codes: backupCodes,
    });
    assert.equal(res.statusCode, 200, res.body);
    const passwordRes = await raw('PATCH', `/v1/users/${user.id}`, { password: NEW_PASSWORD });
    assert.equal(passwordRes.statusCode, 200);
    const bodies = [
      res.body,
      passwordRes.body,
      (await raw('GET', `/v1/users/${user.id}`)).body,
      (await raw('GET', `/v1/users?user_id=${user.id}`)).body,
    ];
    const digestRow = await ctx.deps.db.selectFrom('users').select(['password_digest', 'totp_secret']).where('id', '=', user.id).executeTakeFirstOrThrow();
    for (const body of bodies) {
      for (const secret of [...secrets, NEW_PASSWORD, digestRow.password_digest!, digestRow.totp_secret!]) {
        assert.ok(!body.toLowerCase().includes(secret.toLowerCase()), `response leaks ${secret}`);
      }
    }
    const rejected = await raw('PATCH', `/v1/users/${user.id}`, { password: 'password123' });
    assert.equal(rejected.statusCode, 422);
    assert.ok(!rejected.body.includes('password123'), 'an error does not echo the password');
    const badDigest = `${BCRYPT.digest.slice(0, 30)}!!`;
    const rejectedDigest = await raw('PATCH', `/v1/users/${user.id}`, { password_digest: badDigest, password_hasher: 'bcrypt' });
    assert.equal(rejectedDigest.statusCode, 422, rejectedDigest.body);
    assert.ok(!rejectedDigest.body.includes(badDigest), 'an error does not echo the digest');
    const longPassword = `Long-${'p'.repeat(5000)}`;
    const rejectedLong = await raw('PATCH', `/v1/users/${user.id}`, { password: longPassword });
    assert.equal(rejectedLong.statusCode, 422, rejectedLong.body.slice(0, 300));
    assert.ok(!rejectedLong.body.includes('pppppppppp'), 'a validation error does not echo the value');
    const badTotp = 'NOT-A-SECRET-0189';
    const rejectedTotp = await raw('PATCH', `/v1/users/${user.id}`, { totp_secret: badTotp });
    assert.equal(rejectedTotp.statusCode, 422);
    assert.ok(!rejectedTotp.body.includes(badTotp), 'an error does not echo the TOTP secret');
  });
});
