import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { runExport } from '../../src/import/export.js';
import { parseTotpSecret, timeStepAt, totpCode } from '../../src/mfa/totp.js';
import { buildTestApp, call, engine, fixedClock, type TestApp } from '../helper.js';
import { allUsers, importFile, tempDir, userByExternalId, writeLines } from './support.js';

// `gatehouse export` → `gatehouse import` into an empty instance gives the same users back: the same
// User JSON, ids and every timestamp included, every state (banned, locked, unverified, second factors,
// sessions' traces, MFA history), the same credentials (passwords, TOTP, backup codes), and an export of
// the copy that is the same file.

const TOTP_SECRET = 'JBSWY3DPEHPK3PXP';
const BCRYPT = { digest: '$2b$10$bLtc25S.sVUxJ0SL8bm2DupcdwPouTi441pKtuOnq8y8TTXN8BP0y', password: 'correct horse battery staple' };
const PASSWORD = 'Round-Trip-Password-91';

type User = Record<string, any>;

/**
 * The User JSON as it is, but for one thing a copy cannot keep: the image URL encodes the instance's id
 * (`iid`), and the copy is another instance. The rest of the URL (the user id, the initials) must match.
 */
function comparable(user: User) {
  const { iid, ...image } = JSON.parse(Buffer.from(new URL(user.image_url).pathname.slice(1), 'base64url').toString());
  assert.match(iid, /^ins_/);
  return { ...user, image_url: image };
}

async function create(ctx: TestApp, body: Record<string, unknown>) {
  return ok(ctx, 'POST', '/v1/users', body);
}

/** A call that must answer 200; its body. */
async function ok(ctx: TestApp, method: Parameters<typeof call>[1], url: string, body?: unknown) {
  const res = await call(ctx, method, url, body);
  assert.equal(res.status, 200, `${method} ${url}: ${JSON.stringify(res.body)}`);
  return res.body;
}

test(`gatehouse export → import into an empty instance (${engine})`, async (t) => {
  // One clock for both instances, moved by hand: every write gets its own time (so "oldest" means
  // something), and both answer lockout_expires_in_seconds for the same moment.
  const clock = fixedClock(Date.now());
  const tick = () => clock.advance(1000);
  const source = await buildTestApp(t, { clock });
  const copy = await buildTestApp(t, { clock }); // another database, another encryption key, another instance id
  const dir = await tempDir(t);

  await create(source, {
    external_id: 'rt-full',
    first_name: 'Zoë',
    last_name: 'Ünal-Smith',
    username: 'zoe_u',
    email_address: ['zoe@example.com', 'zoe.work@example.org'],
    phone_number: ['+15555550111', '+15555550112'],
    web3_wallet: ['0x52908400098527886E0F7030069857D2E4169EE7'],
    password: PASSWORD,
    totp_secret: TOTP_SECRET,
    backup_codes: ['rt-code-1', 'rt-code-2'],
    public_metadata: { plan: 'pro', nested: { a: [1, 2, { b: null }] } },
    private_metadata: { stripe: 'cus_123' },
    unsafe_metadata: { theme: 'dark' },
    created_at: '2020-05-06T07:08:09.123Z',
    legal_accepted_at: '2021-01-02T03:04:05.000Z',
    delete_self_enabled: false,
    create_organization_enabled: false,
    create_organizations_limit: 7,
  });
  await create(source, { external_id: 'rt-digest', email_address: ['digest@example.com'], password_digest: BCRYPT.digest, password_hasher: 'bcrypt' });
  await create(source, { phone_number: ['+15555550133'], first_name: 'Phone only' });
  await create(source, { username: 'only_a_username' });
  tick();
  // A primary email that is not the oldest: added later, then made primary.
  const moved = await create(source, { external_id: 'rt-moved', email_address: ['first@example.com'] });
  tick();
  const second = await ok(source, 'POST', '/v1/email_addresses', { user_id: moved.id, email_address: 'second@example.com', verified: true });
  tick();
  await ok(source, 'PATCH', `/v1/users/${moved.id}`, { primary_email_address_id: second.id });

  tick();
  const banned = await create(source, { external_id: 'rt-banned', email_address: ['banned@example.com'] });
  await ok(source, 'POST', `/v1/users/${banned.id}/ban`);
  tick();
  const locked = await create(source, { external_id: 'rt-locked', email_address: ['locked@example.com'] });
  await ok(source, 'POST', `/v1/users/${locked.id}/lock`);
  tick();
  const failed = await create(source, { external_id: 'rt-failed', email_address: ['failed@example.com'], password: PASSWORD });
  assert.equal((await call(source, 'POST', `/v1/users/${failed.id}/verify_password`, { password: 'wrong-password-1' })).status, 422);
  tick();
  const signedIn = await create(source, { external_id: 'rt-session', email_address: ['session@example.com'] });
  tick();
  await ok(source, 'POST', '/v1/sessions', { user_id: signedIn.id });
  tick();
  // MFA on, a TOTP code used (the step is remembered), then TOTP off: mfa_enabled_at and mfa_disabled_at.
  const mfaOff = await create(source, { external_id: 'rt-mfa-off', email_address: ['mfa-off@example.com'], totp_secret: TOTP_SECRET });
  tick();
  await ok(source, 'DELETE', `/v1/users/${mfaOff.id}/totp`);
  const totpUsed = await create(source, { external_id: 'rt-totp-used', email_address: ['totp-used@example.com'], totp_secret: TOTP_SECRET });
  const usedCode = totpCode(parseTotpSecret(TOTP_SECRET), timeStepAt(clock.now()));
  assert.equal((await ok(source, 'POST', `/v1/users/${totpUsed.id}/verify_totp`, { code: usedCode })).code_type, 'totp');
  tick();
  // Unverified identifiers; the unverified phone is the user's first phone, so it is the primary one.
  const unverified = await create(source, { external_id: 'rt-unverified', email_address: ['verified@example.com'] });
  tick();
  await ok(source, 'POST', '/v1/email_addresses', { user_id: unverified.id, email_address: 'unverified@example.com', verified: false });
  await ok(source, 'POST', '/v1/phone_numbers', { user_id: unverified.id, phone_number: '+15555550144', verified: false });
  tick();
  // A phone reserved for second factor (and so the default one), changed after it was added (updated_at).
  const twoFactor = await create(source, { external_id: 'rt-2fa', phone_number: ['+15555550155'] });
  tick();
  const sms = await ok(source, 'POST', '/v1/phone_numbers', { user_id: twoFactor.id, phone_number: '+15555550156', verified: true });
  tick();
  await ok(source, 'PATCH', `/v1/phone_numbers/${sms.id}`, { reserved_for_second_factor: true });
  tick();
  // No primary email at all: the primary went, and the one left is unverified.
  const noPrimary = await create(source, { external_id: 'rt-no-primary', username: 'no_primary', email_address: ['gone@example.com'] });
  tick();
  await ok(source, 'POST', '/v1/email_addresses', { user_id: noPrimary.id, email_address: 'left@example.com', verified: false });
  tick();
  await ok(source, 'DELETE', `/v1/email_addresses/${noPrimary.primary_email_address_id}`);
  tick();
  // Enough users for several export pages.
  const bulk = Array.from({ length: 620 }, (_, i) => ({ external_id: `rt-bulk-${i}`, email_address: [`bulk${i}@example.com`], public_metadata: { i } }));
  assert.equal((await importFile(source, await writeLines(path.join(dir, 'bulk.jsonl'), bulk))).inserted, 620);

  const file = path.join(dir, 'export.jsonl');
  const exported = await runExport(source.deps, file);
  assert.equal(exported.users, 634);
  assert.equal((await stat(file)).mode & 0o777, 0o600, 'the export holds secrets: owner only');
  const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  const full = lines.find((l) => l.external_id === 'rt-full');
  assert.equal(full.totp_secret, TOTP_SECRET, 'TOTP secrets are unsealed to base32');
  assert.equal(full.backup_codes.length, 2);
  assert.ok(full.backup_codes.every((c: string) => c.startsWith('$2')), 'backup codes as bcrypt digests');
  assert.equal(full.password_hasher, 'argon2id');

  const gatehouse = (externalId: string) => lines.find((l) => l.external_id === externalId).gatehouse;
  assert.equal(gatehouse('rt-banned').banned, true);
  assert.ok(gatehouse('rt-locked').locked_at && gatehouse('rt-locked').lockout_expires_at);
  assert.equal(gatehouse('rt-failed').failed_verification_attempts, 1);
  assert.ok(gatehouse('rt-session').last_sign_in_at && gatehouse('rt-session').last_active_at);
  assert.ok(gatehouse('rt-mfa-off').mfa_enabled_at && gatehouse('rt-mfa-off').mfa_disabled_at);
  assert.equal(typeof gatehouse('rt-totp-used').totp_last_used_step, 'number');
  assert.deepEqual(gatehouse('rt-unverified').phone_numbers.map((p: User) => p.verified), [false]);
  assert.equal(gatehouse('rt-no-primary').primary_email_address_id, null);
  assert.deepEqual(
    gatehouse('rt-2fa').phone_numbers.map((p: User) => [p.reserved_for_second_factor, p.default_second_factor, p.updated_at !== undefined]),
    [[undefined, undefined, false], [true, true, true]],
  );
  assert.equal(lines.find((l) => l.external_id === 'rt-moved').email_address[0], 'second@example.com', 'the primary first');

  const summary = await importFile(copy, file);
  assert.deepEqual([summary.inserted, summary.rejected], [634, 0]);

  await t.test('every user comes back with the same GET /v1/users/{id} JSON: ids, timestamps and states included', async () => {
    const users = await allUsers(source);
    assert.equal(users.length, 634);
    assert.equal((await allUsers(copy)).length, 634);
    for (const user of users) {
      const before = await ok(source, 'GET', `/v1/users/${user.id}`);
      const after = await ok(copy, 'GET', `/v1/users/${user.id}`);
      assert.deepEqual(comparable(after), comparable(before), `user ${user.external_id ?? user.username ?? user.id}`);
    }
    // The states are really there (not equal because both are empty).
    const state = async (id: string) => ok(copy, 'GET', `/v1/users/${id}`);
    assert.equal((await state(banned.id)).banned, true);
    assert.equal((await state(locked.id)).locked, true);
    assert.equal((await state(failed.id)).verification_attempts_remaining, 9);
    assert.ok((await state(signedIn.id)).last_sign_in_at);
    assert.ok((await state(mfaOff.id)).mfa_disabled_at > (await state(mfaOff.id)).mfa_enabled_at);
    const noPrimaryCopy = await state(noPrimary.id);
    assert.equal(noPrimaryCopy.primary_email_address_id, null);
    assert.equal(noPrimaryCopy.email_addresses[0].verification, null);
    const movedCopy = await state(moved.id);
    assert.equal(movedCopy.primary_email_address_id, second.id);
    assert.ok(movedCopy.email_addresses.find((e: User) => e.id === second.id).created_at > movedCopy.created_at, 'the primary is not the oldest');
  });

  await t.test('the copy exports to the same file, line for line, digests and secrets included', async () => {
    const again = path.join(dir, 'export-again.jsonl');
    await runExport(copy.deps, again);
    const a = (await readFile(file, 'utf8')).split('\n');
    const b = (await readFile(again, 'utf8')).split('\n');
    assert.equal(b.length, a.length);
    for (const [i, line] of a.entries()) assert.equal(b[i], line, `line ${i + 1}`);
  });

  await t.test('a TOTP code used on the source is a replay on the copy (the last used step came along)', async () => {
    const res = await call(copy, 'POST', `/v1/users/${totpUsed.id}/verify_totp`, { code: usedCode });
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.errors[0].code, 'totp_incorrect_code');
  });
  await t.test('passwords verify on the copy: a plain one (argon2id) and an imported digest', async () => {
    const full = await userByExternalId(copy, 'rt-full');
    assert.equal((await call(copy, 'POST', `/v1/users/${full.id}/verify_password`, { password: PASSWORD })).status, 200);
    assert.equal((await call(copy, 'POST', `/v1/users/${full.id}/verify_password`, { password: 'nope-nope-nope' })).status, 422);
    const digest = await userByExternalId(copy, 'rt-digest');
    assert.equal((await call(copy, 'POST', `/v1/users/${digest.id}/verify_password`, { password: BCRYPT.password })).status, 200);
  });

  await t.test('TOTP and backup codes verify on the copy', async () => {
    const full = await userByExternalId(copy, 'rt-full');
    assert.equal(full.totp_enabled, true);
    assert.equal(full.backup_code_enabled, true);
    const code = totpCode(parseTotpSecret(TOTP_SECRET), timeStepAt(clock.now()));
    const totp = await call(copy, 'POST', `/v1/users/${full.id}/verify_totp`, { code });
    assert.equal(totp.status, 200, JSON.stringify(totp.body));
    assert.equal(totp.body.code_type, 'totp');
    const backup = await call(copy, 'POST', `/v1/users/${full.id}/verify_totp`, { code: 'rt-code-2' });
    assert.equal(backup.status, 200, JSON.stringify(backup.body));
    assert.equal(backup.body.code_type, 'backup_code');
  });

});
