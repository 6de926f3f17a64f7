import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { runExport } from '../../src/import/export.js';
import { parseTotpSecret, timeStepAt, totpCode } from '../../src/mfa/totp.js';
import { buildTestApp, call, engine, type TestApp } from '../helper.js';
import { allUsers, importFile, tempDir, userByExternalId, writeLines } from './support.js';

// `gatehouse export` → `gatehouse import` into an empty instance gives the same users back: the same
// User JSON (ids and timestamps of the copy aside), and the same credentials (passwords, TOTP, backup codes).

const TOTP_SECRET = 'JBSWY3DPEHPK3PXP';
const BCRYPT = { digest: '$2b$10$bLtc25S.sVUxJ0SL8bm2DupcdwPouTi441pKtuOnq8y8TTXN8BP0y', password: 'correct horse battery staple' };
const PASSWORD = 'Round-Trip-Password-91';

type User = Record<string, any>;

/** The User JSON minus what a copy cannot keep: ids, the image URL (made from the id), updated_at, mfa_enabled_at. */
function comparable(user: User) {
  const values = (list: User[], field: string) => list.map((i) => i[field]).sort();
  const primary = (list: User[], id: string | null, field: string) => list.find((i) => i.id === id)?.[field] ?? null;
  const identification = (i: User) => {
    const { id, created_at, updated_at, ...rest } = i;
    return rest;
  };
  const {
    id, image_url, updated_at, mfa_enabled_at, email_addresses, phone_numbers, web3_wallets,
    primary_email_address_id, primary_phone_number_id, primary_web3_wallet_id, ...rest
  } = user;
  return {
    ...rest,
    email_addresses: values(email_addresses, 'email_address'),
    phone_numbers: values(phone_numbers, 'phone_number'),
    web3_wallets: values(web3_wallets, 'web3_wallet'),
    identifications: [...email_addresses, ...phone_numbers, ...web3_wallets].map(identification).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    primary_email_address: primary(email_addresses, primary_email_address_id, 'email_address'),
    primary_phone_number: primary(phone_numbers, primary_phone_number_id, 'phone_number'),
    primary_web3_wallet: primary(web3_wallets, primary_web3_wallet_id, 'web3_wallet'),
    mfa_enabled: mfa_enabled_at !== null,
  };
}

const key = (u: User) => u.external_id ?? u.email_addresses[0]?.email_address ?? u.phone_numbers[0]?.phone_number ?? u.username;

async function create(ctx: TestApp, body: Record<string, unknown>) {
  const res = await call(ctx, 'POST', '/v1/users', body);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

test(`gatehouse export → import into an empty instance (${engine})`, async (t) => {
  const source = await buildTestApp(t);
  const copy = await buildTestApp(t); // another database, another encryption key
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
  const moved = await create(source, { external_id: 'rt-moved', email_address: ['first@example.com', 'second@example.com'] });
  const second = moved.email_addresses.find((e: User) => e.email_address === 'second@example.com');
  assert.equal((await call(source, 'PATCH', `/v1/users/${moved.id}`, { primary_email_address_id: second.id })).status, 200);
  // Enough users for several export pages.
  const bulk = Array.from({ length: 620 }, (_, i) => ({ external_id: `rt-bulk-${i}`, email_address: [`bulk${i}@example.com`], public_metadata: { i } }));
  assert.equal((await importFile(source, await writeLines(path.join(dir, 'bulk.jsonl'), bulk))).inserted, 620);

  const file = path.join(dir, 'export.jsonl');
  const exported = await runExport(source.deps, file);
  assert.equal(exported.users, 625);
  assert.equal((await stat(file)).mode & 0o777, 0o600, 'the export holds secrets: owner only');
  const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  const full = lines.find((l) => l.external_id === 'rt-full');
  assert.equal(full.totp_secret, TOTP_SECRET, 'TOTP secrets are unsealed to base32');
  assert.equal(full.backup_codes.length, 2);
  assert.ok(full.backup_codes.every((c: string) => c.startsWith('$2')), 'backup codes as bcrypt digests');
  assert.equal(full.password_hasher, 'argon2id');

  const summary = await importFile(copy, file);
  assert.deepEqual([summary.inserted, summary.rejected], [625, 0]);

  await t.test('every user comes back equal', async () => {
    const before = (await allUsers(source)).map(comparable).sort((a, b) => String(key(a)).localeCompare(String(key(b))));
    const after = (await allUsers(copy)).map(comparable).sort((a, b) => String(key(a)).localeCompare(String(key(b))));
    assert.equal(after.length, before.length);
    for (const [i, user] of before.entries()) assert.deepEqual(after[i], user, `user ${key(user)}`);
  });

  await t.test('the copy exports to the same lines, digests and secrets included (in id order, so compared as sets)', async () => {
    const again = path.join(dir, 'export-again.jsonl');
    await runExport(copy.deps, again);
    const a = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    const b = (await readFile(again, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    // Digests, secrets and backup codes pass through unchanged; only the order (ids are new) differs.
    const norm = (rows: User[]) => rows.map((r) => JSON.stringify(r)).sort();
    assert.deepEqual(norm(b), norm(a));
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
    const code = totpCode(parseTotpSecret(TOTP_SECRET), timeStepAt(Date.now()));
    const totp = await call(copy, 'POST', `/v1/users/${full.id}/verify_totp`, { code });
    assert.equal(totp.status, 200, JSON.stringify(totp.body));
    assert.equal(totp.body.code_type, 'totp');
    const backup = await call(copy, 'POST', `/v1/users/${full.id}/verify_totp`, { code: 'rt-code-2' });
    assert.equal(backup.status, 200, JSON.stringify(backup.body));
    assert.equal(backup.body.code_type, 'backup_code');
  });

});
