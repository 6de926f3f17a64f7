import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test, type TestContext } from 'node:test';
import { assertError, buildTestApp, call, createTestUser, uniqueEmail, type TestApp } from '../helper.js';
import { vectors as digestVectors } from '../passwords/hashers/helpers.js';

// POST /v1/users (CreateUser, clerk-bapi-2025-03-12.yml) through app.inject: every body field, the
// response shape, and every documented failure with its exact Clerk code and meta.param_name.
// One database for the whole file; every test uses its own identifiers so tests do not collide.

const bcryptVector = digestVectors.find((v) => v.hasher === 'bcrypt' && v.digest.startsWith('$2b$'))!;

/** Every property of the spec's User schema (components.schemas.User), plus enterprise_accounts (CLERK-BEHAVIOUR §4). */
const USER_KEYS = [
  'id', 'object', 'external_id', 'primary_email_address_id', 'primary_phone_number_id', 'primary_web3_wallet_id',
  'username', 'first_name', 'last_name', 'profile_image_url', 'image_url', 'has_image', 'public_metadata',
  'private_metadata', 'unsafe_metadata', 'email_addresses', 'phone_numbers', 'web3_wallets', 'passkeys',
  'password_enabled', 'two_factor_enabled', 'totp_enabled', 'backup_code_enabled', 'mfa_enabled_at', 'mfa_disabled_at',
  'external_accounts', 'saml_accounts', 'enterprise_accounts', 'last_sign_in_at', 'banned', 'locked',
  'lockout_expires_in_seconds', 'verification_attempts_remaining', 'updated_at', 'created_at', 'delete_self_enabled',
  'create_organization_enabled', 'create_organizations_limit', 'last_active_at', 'legal_accepted_at',
];

const ADMIN_VERIFICATION = { status: 'verified', strategy: 'admin', attempts: null, expire_at: null };

let phoneCounter = 0;
/** A unique, valid E.164 number (North American fictional range). */
function uniquePhone(): string {
  phoneCounter += 1;
  return `+1555${String(phoneCounter).padStart(7, '0')}`;
}
/** A unique Ethereum address: 0x + 40 hex digits. */
function uniqueWallet(): string {
  return `0x${randomBytes(20).toString('hex')}`;
}
function uniqueName(prefix = 'user'): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

type Response = Awaited<ReturnType<typeof call>>;

/**
 * Asserts Clerk's error envelope exactly ({ errors: [{ message, long_message, code, meta? }], clerk_trace_id })
 * and returns the entry with `code` (and `param`, when given).
 */

/** Runs buildTestApp once for the file: its `t.after` cleanups run in the suite's `after` hook. */
function fileApp() {
  const cleanups: (() => unknown)[] = [];
  const holder: { ctx?: TestApp } = {};
  before(async () => {
    holder.ctx = await buildTestApp({ after: (fn: () => unknown) => cleanups.push(fn) } as unknown as TestContext);
  });
  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });
  return () => holder.ctx!;
}

describe('POST /v1/users', () => {
  const app = fileApp();
  const create = (body: unknown) => call(app(), 'POST', '/v1/users', body);
  const count = async () => (await call(app(), 'GET', '/v1/users/count')).body.total_count as number;

  // ---------------------------------------------------------------- success: shape and every field

  test('POST /v1/users → 200 with every field of the User schema for a minimal user', async () => {
    const email = uniqueEmail('minimal');
    const res = await create({ email_address: [email] });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    const user = res.body;
    assert.deepEqual(Object.keys(user).sort(), [...USER_KEYS].sort());
    assert.equal(user.object, 'user');
    assert.match(user.id, /^user_[0-9A-Za-z]{27}$/);
    for (const key of [
      'external_id', 'username', 'first_name', 'last_name', 'primary_phone_number_id', 'primary_web3_wallet_id',
      'last_sign_in_at', 'last_active_at', 'mfa_enabled_at', 'mfa_disabled_at', 'legal_accepted_at',
      'lockout_expires_in_seconds', 'create_organizations_limit',
    ]) {
      assert.equal(user[key], null, `${key} should be null`);
    }
    for (const key of ['passkeys', 'phone_numbers', 'web3_wallets', 'external_accounts', 'saml_accounts', 'enterprise_accounts']) {
      assert.deepEqual(user[key], [], `${key} should be []`);
    }
    for (const key of ['public_metadata', 'private_metadata', 'unsafe_metadata']) assert.deepEqual(user[key], {});
    assert.equal(user.password_enabled, false);
    assert.equal(user.two_factor_enabled, false);
    assert.equal(user.totp_enabled, false);
    assert.equal(user.backup_code_enabled, false);
    assert.equal(user.banned, false);
    assert.equal(user.locked, false);
    assert.equal(user.has_image, false);
    assert.equal(user.delete_self_enabled, true);
    assert.equal(user.create_organization_enabled, true);
    assert.equal(typeof user.verification_attempts_remaining, 'number');
    assert.ok(user.image_url.startsWith('https://img.clerk.com/'));
    assert.equal(user.profile_image_url, 'https://www.gravatar.com/avatar?d=mp');
    assert.ok(Number.isInteger(user.created_at) && Math.abs(user.created_at - Date.now()) < 60_000, 'created_at is Unix ms');
    assert.ok(Number.isInteger(user.updated_at) && user.updated_at >= user.created_at);

    assert.equal(user.email_addresses.length, 1);
    const [emailObj] = user.email_addresses;
    assert.deepEqual(Object.keys(emailObj).sort(), [
      'created_at', 'email_address', 'id', 'linked_to', 'matches_sso_connection', 'object', 'reserved', 'updated_at', 'verification',
    ]);
    assert.match(emailObj.id, /^idn_[0-9A-Za-z]{27}$/);
    assert.equal(emailObj.object, 'email_address');
    assert.equal(emailObj.email_address, email);
    assert.equal(emailObj.reserved, false);
    assert.equal(emailObj.matches_sso_connection, false);
    assert.deepEqual(emailObj.linked_to, []);
    assert.deepEqual(emailObj.verification, ADMIN_VERIFICATION);
    assert.equal(user.primary_email_address_id, emailObj.id);
  });

  test('POST /v1/users → 200 stores every scalar field and GET /v1/users/{id} returns the same', async () => {
    const username = uniqueName('Full');
    const externalId = `ext-${randomBytes(6).toString('hex')}`;
    const res = await create({
      email_address: [uniqueEmail('full')],
      username,
      first_name: 'Ada',
      last_name: 'Lovelace',
      external_id: externalId,
      delete_self_enabled: false,
      create_organization_enabled: false,
      create_organizations_limit: 3,
      legal_accepted_at: '2024-05-06T07:08:09.123Z',
      created_at: '2023-01-02T03:04:05.678Z',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const user = res.body;
    assert.equal(user.username, username);
    assert.equal(user.first_name, 'Ada');
    assert.equal(user.last_name, 'Lovelace');
    assert.equal(user.external_id, externalId);
    assert.equal(user.delete_self_enabled, false);
    assert.equal(user.create_organization_enabled, false);
    assert.equal(user.create_organizations_limit, 3);
    assert.equal(user.legal_accepted_at, Date.UTC(2024, 4, 6, 7, 8, 9, 123));
    assert.equal(user.created_at, Date.UTC(2023, 0, 2, 3, 4, 5, 678));
    // The avatar carries the initials of a named user.
    const avatar = JSON.parse(Buffer.from(user.image_url.slice('https://img.clerk.com/'.length), 'base64url').toString());
    assert.equal(avatar.rid, user.id);
    assert.equal(avatar.initials, 'AL');

    const got = await call(app(), 'GET', `/v1/users/${user.id}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, user);
  });

  test('POST /v1/users → 200 converts an RFC3339 created_at with an offset to Unix ms', async () => {
    const res = await create({ email_address: [uniqueEmail()], created_at: '2021-06-15T12:00:00+02:00' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.created_at, Date.UTC(2021, 5, 15, 10, 0, 0));
  });

  test('POST /v1/users → 200 with several emails: the first is primary and all are verified by admin', async () => {
    const emails = [uniqueEmail('first'), uniqueEmail('second'), uniqueEmail('third')];
    const res = await create({ email_address: emails });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const user = res.body;
    assert.deepEqual(user.email_addresses.map((e: { email_address: string }) => e.email_address).sort(), [...emails].sort());
    const primary = user.email_addresses.find((e: { id: string }) => e.id === user.primary_email_address_id);
    assert.equal(primary.email_address, emails[0]);
    for (const e of user.email_addresses) {
      assert.deepEqual(e.verification, ADMIN_VERIFICATION);
      assert.deepEqual(e.linked_to, []);
    }
    assert.equal(new Set(user.email_addresses.map((e: { id: string }) => e.id)).size, 3);
  });

  test('POST /v1/users → 200 with several phone numbers: the first is primary and all are verified by admin', async () => {
    const phones = [uniquePhone(), uniquePhone()];
    const res = await create({ phone_number: phones });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const user = res.body;
    assert.deepEqual(user.email_addresses, []);
    assert.equal(user.primary_email_address_id, null);
    assert.equal(user.phone_numbers.length, 2);
    const primary = user.phone_numbers.find((p: { id: string }) => p.id === user.primary_phone_number_id);
    assert.equal(primary.phone_number, phones[0]);
    for (const p of user.phone_numbers) {
      assert.deepEqual(Object.keys(p).sort(), [
        'backup_codes', 'created_at', 'default_second_factor', 'id', 'linked_to', 'object', 'phone_number', 'reserved',
        'reserved_for_second_factor', 'updated_at', 'verification',
      ]);
      assert.equal(p.object, 'phone_number');
      assert.match(p.id, /^idn_/);
      assert.deepEqual(p.verification, ADMIN_VERIFICATION);
      assert.deepEqual(p.linked_to, []);
      assert.equal(p.reserved_for_second_factor, false);
      assert.equal(p.default_second_factor, false);
      assert.equal(p.reserved, false);
      assert.equal(p.backup_codes, null);
    }
    // A phone number on its own is not a second factor.
    assert.equal(user.two_factor_enabled, false);
  });

  test('POST /v1/users → 200 with several web3 wallets: the first is primary and all are verified by admin', async () => {
    const wallets = [uniqueWallet(), uniqueWallet()];
    const res = await create({ web3_wallet: wallets });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const user = res.body;
    assert.equal(user.web3_wallets.length, 2);
    const primary = user.web3_wallets.find((w: { id: string }) => w.id === user.primary_web3_wallet_id);
    assert.equal(primary.web3_wallet, wallets[0]);
    for (const w of user.web3_wallets) {
      assert.equal(w.object, 'web3_wallet');
      assert.match(w.id, /^idn_/);
      assert.deepEqual(w.verification, ADMIN_VERIFICATION);
      assert.ok(wallets.includes(w.web3_wallet));
    }
  });

  test('POST /v1/users → 200 with email, phone and wallet together, each kind with its own primary', async () => {
    const email = uniqueEmail();
    const phone = uniquePhone();
    const wallet = uniqueWallet();
    const res = await create({ email_address: [email], phone_number: [phone], web3_wallet: [wallet] });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const user = res.body;
    assert.equal(user.email_addresses[0].id, user.primary_email_address_id);
    assert.equal(user.phone_numbers[0].id, user.primary_phone_number_id);
    assert.equal(user.web3_wallets[0].id, user.primary_web3_wallet_id);
    assert.equal(user.email_addresses[0].email_address, email);
    assert.equal(user.phone_numbers[0].phone_number, phone);
    assert.equal(user.web3_wallets[0].web3_wallet, wallet);
  });

  test('POST /v1/users → 200 with a username only', async () => {
    const username = uniqueName('solo');
    const res = await create({ username });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.username, username);
    assert.deepEqual(res.body.email_addresses, []);
  });

  test('POST /v1/users → 200 with a password: password_enabled is true and no digest is returned', async () => {
    const password = 'Zq7!vmX2#plK9rT';
    const res = await create({ email_address: [uniqueEmail()], password });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.password_enabled, true);
    for (const key of ['password', 'password_digest', 'password_hasher', 'totp_secret', 'backup_codes']) {
      assert.ok(!(key in res.body), `${key} must not be returned`);
    }
    const row = await app().deps.db.selectFrom('users').select(['password_digest']).where('id', '=', res.body.id).executeTakeFirstOrThrow();
    assert.ok(row.password_digest, 'a digest is stored');
    assert.notEqual(row.password_digest, password, 'the password is not stored in plain text');
    const text = JSON.stringify(res.body);
    assert.ok(!text.includes(row.password_digest!), 'the digest never appears in the response');
    assert.ok(!text.includes(password), 'the password never appears in the response');
    const got = await call(app(), 'GET', `/v1/users/${res.body.id}`);
    assert.ok(!JSON.stringify(got.body).includes(row.password_digest!));

    const ok = await call(app(), 'POST', `/v1/users/${res.body.id}/verify_password`, { password });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { verified: true });
    const wrong = await call(app(), 'POST', `/v1/users/${res.body.id}/verify_password`, { password: 'Zq7!vmX2#plK9rt' });
    assertError(wrong, 422, 'incorrect_password');
  });

  test('POST /v1/users → 200 with a bcrypt password_digest, which then verifies the original password', async () => {
    const res = await create({
      email_address: [uniqueEmail()],
      password_digest: bcryptVector.digest,
      password_hasher: 'bcrypt',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.password_enabled, true);
    assert.ok(!JSON.stringify(res.body).includes(bcryptVector.digest), 'the imported digest is not returned');

    const wrong = await call(app(), 'POST', `/v1/users/${res.body.id}/verify_password`, { password: bcryptVector.wrong_password });
    assertError(wrong, 422, 'incorrect_password');
    const ok = await call(app(), 'POST', `/v1/users/${res.body.id}/verify_password`, { password: bcryptVector.password });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body, { verified: true });
  });

  test('POST /v1/users → 200 with a breached password when skip_password_checks is true', async () => {
    const res = await create({ email_address: [uniqueEmail()], password: 'password1', skip_password_checks: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.password_enabled, true);
    const ok = await call(app(), 'POST', `/v1/users/${res.body.id}/verify_password`, { password: 'password1' });
    assert.equal(ok.status, 200);
  });

  test('POST /v1/users → 200 without a password when skip_password_requirement is true', async () => {
    const res = await create({ email_address: [uniqueEmail()], skip_password_requirement: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.password_enabled, false);
    const verify = await call(app(), 'POST', `/v1/users/${res.body.id}/verify_password`, { password: 'whatever-123' });
    assertError(verify, 400, 'no_password_set');
  });

  test('POST /v1/users → 200 stores public, private and unsafe metadata exactly as sent, camelCase keys included', async () => {
    const publicMetadata = { planTier: 'pro', nestedObject: { camelCaseKey: 1, snake_case_key: [1, 'two', null, { deepKey: true }] } };
    const privateMetadata = { stripeCustomerId: 'cus_123', flags: { isAdmin: false, score: 3.5 }, emptyObj: {}, emptyArr: [] };
    const unsafeMetadata = { theme: 'dark', ünïcödé: '✓ 日本語', 'key.with.dots': 'x', nullValue: null };
    const res = await create({
      email_address: [uniqueEmail()],
      public_metadata: publicMetadata,
      private_metadata: privateMetadata,
      unsafe_metadata: unsafeMetadata,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.public_metadata, publicMetadata);
    assert.deepEqual(res.body.private_metadata, privateMetadata);
    assert.deepEqual(res.body.unsafe_metadata, unsafeMetadata);
    const got = await call(app(), 'GET', `/v1/users/${res.body.id}`);
    assert.deepEqual(got.body.public_metadata, publicMetadata);
    assert.deepEqual(got.body.private_metadata, privateMetadata);
    assert.deepEqual(got.body.unsafe_metadata, unsafeMetadata);
  });

  test('POST /v1/users → 200 with metadata just under 8 KB', async () => {
    const big = { blob: 'x'.repeat(8000) };
    const res = await create({ email_address: [uniqueEmail()], public_metadata: big });
    assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 300));
    assert.equal(res.body.public_metadata.blob.length, 8000);
  });

  test('POST /v1/users → 200 with skip_legal_checks true and no legal_accepted_at', async () => {
    const res = await create({ email_address: [uniqueEmail()], skip_legal_checks: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.legal_accepted_at, null);
  });

  test('POST /v1/users → 200 with nullable fields sent as null', async () => {
    const res = await create({
      email_address: [uniqueEmail()],
      first_name: null,
      last_name: null,
      username: null,
      external_id: null,
      password: null,
      delete_self_enabled: null,
      create_organization_enabled: null,
      create_organizations_limit: null,
      legal_accepted_at: null,
      created_at: null,
      totp_secret: null,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.first_name, null);
    assert.equal(res.body.username, null);
    assert.equal(res.body.password_enabled, false);
    assert.equal(res.body.delete_self_enabled, true);
    assert.equal(res.body.create_organization_enabled, true);
    assert.equal(res.body.totp_enabled, false);
  });

  test('POST /v1/users → 200 with a totp_secret: totp_enabled, two_factor_enabled and mfa_enabled_at are set', async () => {
    const before = Date.now();
    const res = await create({ email_address: [uniqueEmail()], totp_secret: '6JHMXLT5H3WOF5PSHX7ALXXFX7NLTRBJ' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.totp_enabled, true);
    assert.equal(res.body.two_factor_enabled, true);
    assert.equal(res.body.backup_code_enabled, false);
    assert.ok(Number.isInteger(res.body.mfa_enabled_at) && res.body.mfa_enabled_at >= before - 1000, 'mfa_enabled_at is set');
    assert.equal(res.body.mfa_disabled_at, null);
    assert.ok(!JSON.stringify(res.body).includes('6JHMXLT5H3WOF5PSHX7ALXXFX7NLTRBJ'), 'the secret is not returned');
  });

  test('POST /v1/users → 200 with backup_codes: backup_code_enabled and two_factor_enabled are true', async () => {
    const res = await create({ email_address: [uniqueEmail()], backup_codes: ['abcd1234', 'efgh5678'] });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.backup_code_enabled, true);
    assert.equal(res.body.two_factor_enabled, true);
    assert.equal(res.body.totp_enabled, false);
    assert.ok(Number.isInteger(res.body.mfa_enabled_at));
    assert.ok(!JSON.stringify(res.body).includes('abcd1234'), 'the codes are not returned');
  });

  test('POST /v1/users → 422 invalid_totp_secret_code for a totp_secret that is not base32', async () => {
    const res = await create({ email_address: [uniqueEmail()], totp_secret: 'not base32 at all!!' });
    assertError(res, 422, 'invalid_totp_secret_code', 'totp_secret');
  });

  // ---------------------------------------------------------------- failures: body and types

  test('POST /v1/users → 422 form_param_unknown for an unknown field', async () => {
    const res = await create({ email_address: [uniqueEmail()], favourite_colour: 'blue' });
    const err = assertError(res, 422, 'form_param_unknown', 'favourite_colour');
    assert.equal(err.message, 'is unknown');
    assert.equal(err.long_message, 'favourite_colour is not a valid parameter for this request.');
  });

  test('POST /v1/users → 422 form_param_unknown for a camelCase spelling of a real field', async () => {
    const res = await create({ emailAddress: [uniqueEmail()] });
    assertError(res, 422, 'form_param_unknown', 'emailAddress');
  });

  test('POST /v1/users → 400 request_body_invalid for malformed JSON', async () => {
    const before = await count();
    const response = await app().app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: { ...app().auth, 'content-type': 'application/json' },
      payload: '{"email_address": ["a@example.com"',
    });
    const res = { status: response.statusCode, body: JSON.parse(response.body), headers: response.headers };
    const err = assertError(res, 400, 'request_body_invalid');
    assert.equal(err.message, 'Request body invalid');
    assert.equal(await count(), before);
  });

  test('POST /v1/users → 422 form_param_type_invalid when first_name is a number', async () => {
    const res = await create({ email_address: [uniqueEmail()], first_name: 5 });
    assert.equal(res.status, 422);
    const err = res.body.errors.find((e: { meta?: { param_name?: string } }) => e.meta?.param_name === 'first_name');
    assert.ok(err, JSON.stringify(res.body));
    assert.ok(['form_param_type_invalid', 'form_param_value_invalid'].includes(err.code), err.code);
    assertError(res, 422, err.code, 'first_name');
  });

  test('POST /v1/users → 422 when email_address is a string instead of an array', async () => {
    const res = await create({ email_address: uniqueEmail() });
    assertError(res, 422, 'form_param_type_invalid', 'email_address');
  });

  test('POST /v1/users → 422 when a boolean field is sent as the string "true"', async () => {
    const res = await create({ email_address: [uniqueEmail()], delete_self_enabled: 'true' });
    assertError(res, 422, 'form_param_type_invalid', 'delete_self_enabled');
  });

  test('POST /v1/users → 422 form_param_nil for null in a non-nullable field', async () => {
    for (const field of ['email_address', 'phone_number', 'web3_wallet', 'backup_codes', 'public_metadata', 'private_metadata', 'unsafe_metadata']) {
      const res = await create({ username: uniqueName('nil'), [field]: null });
      const err = assertError(res, 422, 'form_param_nil', field);
      // Clerk: "Enter <human param>." as both messages (OLD: `Enter name.` for param `name`).
      assert.equal(err.message, `Enter ${field.replaceAll('_', ' ')}.`);
      assert.equal(err.long_message, err.message);
    }
  });

  test('POST /v1/users → 422 form_param_value_invalid for metadata that is not an object', async () => {
    for (const [field, human, value] of [
      ['public_metadata', 'public metadata', 'a string'],
      ['private_metadata', 'private metadata', [1, 2, 3]],
      ['unsafe_metadata', 'unsafe metadata', 42],
    ] as const) {
      const res = await create({ email_address: [uniqueEmail()], [field]: value });
      const err = assertError(res, 422, 'form_param_value_invalid', field);
      // Clerk's Go FormMetadataInvalidType wording (CLERK-BEHAVIOUR §2).
      const capitalised = `${human[0]!.toUpperCase()}${human.slice(1)}`;
      assert.equal(err.message, `${capitalised} must be a valid key-value object. To reset the ${human}, use an empty object ("{}").`);
      assert.equal(err.long_message, err.message);
    }
  });

  test('POST /v1/users → 422 form_param_exceeds_allowed_size for each metadata field over 8 KB', async () => {
    for (const field of ['public_metadata', 'private_metadata', 'unsafe_metadata']) {
      const res = await create({ email_address: [uniqueEmail()], [field]: { blob: 'x'.repeat(9000) } });
      const err = assertError(res, 422, 'form_param_exceeds_allowed_size', field);
      assert.equal(err.message, `The given ${field} exceeds the maximum allowed size of 8192 bytes (8 KB).`);
      assert.equal(err.long_message, err.message);
    }
  });

  test('POST /v1/users → 422 form_param_exceeds_allowed_size counts bytes, not characters', async () => {
    // 3000 three-byte characters: 3000 characters but 9000 bytes.
    const res = await create({ email_address: [uniqueEmail()], public_metadata: { text: '日'.repeat(3000) } });
    assertError(res, 422, 'form_param_exceeds_allowed_size', 'public_metadata');
  });

  test('POST /v1/users → 422 form_param_invalid_time for a created_at that is not RFC3339', async () => {
    for (const value of ['yesterday', '2023-01-02', '2023-13-45T99:99:99Z', '1700000000000']) {
      const res = await create({ email_address: [uniqueEmail()], created_at: value });
      const err = assertError(res, 422, 'form_param_invalid_time', 'created_at');
      assert.equal(err.message, 'invalid format');
      assert.match(err.long_message, /^created_at must contain a datetime specified in RFC3339 format/);
    }
  });

  test('POST /v1/users → 422 form_param_invalid_time for a legal_accepted_at that is not RFC3339', async () => {
    const res = await create({ email_address: [uniqueEmail()], legal_accepted_at: 'last tuesday' });
    assertError(res, 422, 'form_param_invalid_time', 'legal_accepted_at');
  });

  test('POST /v1/users → 422 for a negative create_organizations_limit', async () => {
    const res = await create({ email_address: [uniqueEmail()], create_organizations_limit: -1 });
    assert.equal(res.status, 422);
    assertError(res, 422, res.body.errors[0].code, 'create_organizations_limit');
  });

  // ---------------------------------------------------------------- failures: identifier formats

  test('POST /v1/users → 422 form_param_format_invalid for a bad email address', async () => {
    for (const bad of ['not-an-email', 'two@@example.com', 'spaces in@example.com', 'nodomain@', 'user@localhost', 'user@example.test']) {
      const res = await create({ email_address: [bad] });
      const err = assertError(res, 422, 'form_param_format_invalid', 'email_address');
      assert.equal(err.long_message, 'email_address must be a valid email address.', bad);
    }
  });

  test('POST /v1/users → 422 form_param_format_invalid when the second email is bad, and nothing is created', async () => {
    const good = uniqueEmail('goodfirst');
    const before = await count();
    const res = await create({ email_address: [good, 'broken'] });
    assertError(res, 422, 'form_param_format_invalid', 'email_address');
    assert.equal(await count(), before);
    assert.equal((await create({ email_address: [good] })).status, 200);
  });

  test('POST /v1/users → 422 form_param_format_invalid for a phone number that is not E.164', async () => {
    for (const bad of ['5555550100', '+0155555501', '+1 555 555 0100', '+1555555010012345', 'phone', '+1-555-555-0100']) {
      const res = await create({ phone_number: [bad] });
      const err = assertError(res, 422, 'form_param_format_invalid', 'phone_number');
      assert.match(err.long_message, /^phone_number must be a valid phone number according to E\.164 international standard\.$/, bad);
    }
  });

  test('POST /v1/users → 422 form_param_format_invalid for a bad web3 wallet', async () => {
    for (const bad of ['0x123', uniqueWallet().slice(2), `0x${'g'.repeat(40)}`, `${uniqueWallet()}00`]) {
      const res = await create({ web3_wallet: [bad] });
      const err = assertError(res, 422, 'form_param_format_invalid', 'web3_wallet');
      assert.match(err.long_message, /^web3_wallet must be a valid web3 wallet address/, bad);
    }
  });

  test('POST /v1/users → 422 with one error per bad field when several fields are bad', async () => {
    const res = await create({ email_address: ['bad'], phone_number: ['bad'], username: 'ab' });
    assertError(res, 422, 'form_param_format_invalid', 'email_address');
    assertError(res, 422, 'form_param_format_invalid', 'phone_number');
    assertError(res, 422, 'form_username_invalid_length', 'username');
  });

  // ---------------------------------------------------------------- failures: username

  test('POST /v1/users → 422 form_username_invalid_length for a username shorter than 4 or longer than 64', async () => {
    for (const bad of ['abc', 'a'.repeat(65)]) {
      const res = await create({ username: bad });
      const err = assertError(res, 422, 'form_username_invalid_length', 'username');
      assert.equal(err.message, 'Username must be between 4 and 64 characters long.');
    }
    // The bounds themselves are allowed.
    assert.equal((await create({ username: `a${randomBytes(2).toString('hex').slice(0, 3)}` })).status, 200);
    assert.equal((await create({ username: `b${randomBytes(32).toString('hex').slice(0, 63)}` })).status, 200);
  });

  test('POST /v1/users → 422 form_username_invalid_character for a username with bad characters', async () => {
    for (const bad of ['bad name', 'bad!name', 'user@name', 'ünïcode']) {
      const res = await create({ username: bad });
      const err = assertError(res, 422, 'form_username_invalid_character', 'username');
      assert.equal(err.message, "Username can only contain letters, numbers and '_' or '-'.");
    }
  });

  test('POST /v1/users → 200 for a username with underscores and dashes', async () => {
    const username = `ok_name-${randomBytes(3).toString('hex')}`;
    const res = await create({ username });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.username, username);
  });

  // ---------------------------------------------------------------- failures: passwords

  test('POST /v1/users → 422 form_password_length_too_short for a 7-character password', async () => {
    const before = await count();
    const res = await create({ email_address: [uniqueEmail()], password: 'Zq7!vmX' });
    const err = assertError(res, 422, 'form_password_length_too_short', 'password');
    assert.equal(err.message, 'Passwords must be 8 characters or more.');
    assert.equal(await count(), before);
  });

  test('POST /v1/users → 422 form_password_pwned for a breached password', async () => {
    for (const pwned of ['password1', 'Password1', 'qwertyuiop']) {
      const res = await create({ email_address: [uniqueEmail()], password: pwned });
      const err = assertError(res, 422, 'form_password_pwned', 'password');
      assert.equal(
        err.message,
        'Password has been found in an online data breach. For account safety, please use a different password.',
      );
    }
  });

  test('POST /v1/users → 422 form_conditional_param_missing for password_digest without password_hasher', async () => {
    const res = await create({ email_address: [uniqueEmail()], password_digest: bcryptVector.digest });
    assertError(res, 422, 'form_conditional_param_missing', 'password_hasher');
  });

  test('POST /v1/users → 422 form_conditional_param_missing for password_hasher without password_digest', async () => {
    const res = await create({ email_address: [uniqueEmail()], password_hasher: 'bcrypt' });
    assertError(res, 422, 'form_conditional_param_missing', 'password_digest');
  });

  test('POST /v1/users → 422 form_param_format_invalid for an unknown password_hasher', async () => {
    const res = await create({ email_address: [uniqueEmail()], password_digest: bcryptVector.digest, password_hasher: 'rot13' });
    assertError(res, 422, 'form_param_format_invalid', 'password_hasher');
  });

  test('POST /v1/users → 422 form_param_format_invalid for a malformed bcrypt digest', async () => {
    const before = await count();
    for (const bad of [
      'not-a-bcrypt-digest',
      bcryptVector.digest.slice(0, -1), // one character short
      bcryptVector.digest.replace(/^\$2b\$10\$/, '$2b$31$'), // cost above Clerk's limit of 15
      bcryptVector.digest.replace(/^\$2b\$/, '$9x$'),
    ]) {
      const res = await create({ email_address: [uniqueEmail()], password_digest: bad, password_hasher: 'bcrypt' });
      assertError(res, 422, 'form_param_format_invalid', 'password_digest');
    }
    assert.equal(await count(), before);
  });

  // ---------------------------------------------------------------- failures: duplicates

  test('POST /v1/users → 422 form_identifier_exists when the email is taken, in any case', async () => {
    const email = uniqueEmail('taken');
    await createTestUser(app(), { email_address: [email] });
    for (const dup of [email, email.toUpperCase()]) {
      const res = await create({ email_address: [dup] });
      const err = assertError(res, 422, 'form_identifier_exists', 'email_address');
      assert.equal(err.message, 'That email address is taken. Please try another.');
      assert.equal(err.long_message, err.message);
    }
  });

  test('POST /v1/users → 422 form_identifier_exists when the same email appears twice in one request', async () => {
    const email = uniqueEmail('twice');
    const before = await count();
    const res = await create({ email_address: [email, email.toUpperCase()] });
    assertError(res, 422, 'form_identifier_exists', 'email_address');
    assert.equal(await count(), before);
  });

  test('POST /v1/users → 422 form_identifier_exists when the username is taken, in any case', async () => {
    const username = uniqueName('Taken');
    await createTestUser(app(), { username });
    for (const dup of [username, username.toLowerCase(), username.toUpperCase()]) {
      const res = await create({ email_address: [uniqueEmail()], username: dup });
      const err = assertError(res, 422, 'form_identifier_exists', 'username');
      assert.equal(err.message, 'That username is taken. Please try another.');
      assert.equal(err.long_message, err.message);
    }
  });

  test('POST /v1/users → 422 form_identifier_exists when the phone number is taken', async () => {
    const phone = uniquePhone();
    await createTestUser(app(), { phone_number: [phone] });
    const res = await create({ email_address: [uniqueEmail()], phone_number: [phone] });
    const err = assertError(res, 422, 'form_identifier_exists', 'phone_number');
    assert.equal(err.message, 'That phone number is taken. Please try another.');
    assert.equal(err.long_message, err.message);
  });

  test('POST /v1/users → 422 form_identifier_exists when the external_id is taken', async () => {
    const externalId = `ext-${randomBytes(6).toString('hex')}`;
    await createTestUser(app(), { external_id: externalId });
    const res = await create({ email_address: [uniqueEmail()], external_id: externalId });
    assertError(res, 422, 'form_identifier_exists', 'external_id');
  });

  test('POST /v1/users → 422 form_identifier_exists when the web3 wallet is taken, in any case', async () => {
    const wallet = `0x${randomBytes(20).toString('hex').replace(/[0-9]/g, 'a')}`; // letters only, so case matters
    await createTestUser(app(), { web3_wallet: [wallet] });
    const res = await create({ email_address: [uniqueEmail()], web3_wallet: [`0x${wallet.slice(2).toUpperCase()}`] });
    assertError(res, 422, 'form_identifier_exists', 'web3_wallet');
  });

  test('POST /v1/users → a failed create leaves nothing behind: the other identifiers stay free', async () => {
    const takenEmail = uniqueEmail('owner');
    await createTestUser(app(), { email_address: [takenEmail] });
    const freeEmail = uniqueEmail('free');
    const freePhone = uniquePhone();
    const freeWallet = uniqueWallet();
    const freeUsername = uniqueName('free');
    const freeExternalId = `ext-${randomBytes(6).toString('hex')}`;
    const before = await count();

    // The taken email comes last, so the user row and the first email were written before the conflict.
    const res = await create({
      email_address: [freeEmail, takenEmail],
      phone_number: [freePhone],
      web3_wallet: [freeWallet],
      username: freeUsername,
      external_id: freeExternalId,
    });
    assertError(res, 422, 'form_identifier_exists', 'email_address');
    assert.equal(await count(), before, 'the user count is unchanged');
    const search = await call(app(), 'GET', `/v1/users?email_address=${encodeURIComponent(freeEmail)}`);
    assert.deepEqual(search.body, []);

    const retry = await create({
      email_address: [freeEmail],
      phone_number: [freePhone],
      web3_wallet: [freeWallet],
      username: freeUsername,
      external_id: freeExternalId,
    });
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    assert.equal(await count(), before + 1);
  });

  test('POST /v1/users → a failed create with a taken username leaves its email free', async () => {
    const username = uniqueName('held');
    await createTestUser(app(), { username });
    const email = uniqueEmail('unblocked');
    const before = await count();
    const res = await create({ email_address: [email], username });
    assertError(res, 422, 'form_identifier_exists', 'username');
    assert.equal(await count(), before);
    assert.equal((await create({ email_address: [email] })).status, 200);
  });

  // ---------------------------------------------------------------- auth

  test('POST /v1/users → 401 clerk_key_invalid without a secret key, and nothing is created', async () => {
    const before = await count();
    const response = await app().app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email_address: [uniqueEmail()] }),
    });
    assertError({ status: response.statusCode, body: JSON.parse(response.body) }, 401, 'clerk_key_invalid');
    assert.equal(await count(), before);
  });
});
