import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { copyFile } from 'node:fs/promises';
import { test } from 'node:test';
import { buildTestApp, call, engine } from '../helper.js';
import { importFile, readRejects, tempDir, userByExternalId } from './support.js';

// The two most common sources: an Auth0 export (JSON lines from the export job or the password-hash
// export, or the bulk-import JSON array; bcrypt digests) and a Firebase `auth:export` (scrypt_firebase,
// with the project's hash parameters as options). Fixtures are in ./fixtures.

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const verify = (ctx: Parameters<typeof call>[0], id: string, password: string) =>
  call(ctx, 'POST', `/v1/users/${id}/verify_password`, { password });

/** The project of firebase/scrypt's README: the parameters that produced the fixture's hashes. */
const FIREBASE = {
  signerKey: 'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==',
  saltSeparator: 'Bw==',
  rounds: 8,
  memCost: 14,
};

test(`gatehouse import --format auth0|firebase (${engine})`, async (t) => {
  const ctx = await buildTestApp(t);
  const dir = await tempDir(t);
  // Copies, so the rejects files land in the temporary directory.
  const copy = async (name: string) => {
    const to = path.join(dir, name);
    await copyFile(fixture(name), to);
    return to;
  };

  await t.test('Auth0 export (JSON lines): user_id → external_id, names, phone, metadata, bcrypt digests', async () => {
    const summary = await importFile(ctx, await copy('auth0-users.ndjson'), { format: 'auth0' });
    assert.deepEqual([summary.read, summary.inserted, summary.rejected], [6, 4, 2]);
    const rejects = await readRejects(summary.rejectsPath!);
    assert.deepEqual(rejects.map((r) => [r.line, r.errors[0]!.code, r.errors[0]!.param_name]), [
      [5, 'form_username_invalid_length', 'username'],
      [6, 'form_param_format_invalid', 'password_hasher'],
    ]);

    const ada = await userByExternalId(ctx, 'auth0|5f1a2b3c4d5e6f7a8b9c0d1e');
    assert.equal(ada.first_name, 'Ada');
    assert.equal(ada.last_name, 'Lovelace');
    assert.equal(ada.username, 'ada_l');
    assert.equal(ada.email_addresses[0].email_address, 'ada@example.com');
    assert.equal(ada.phone_numbers[0].phone_number, '+15555550101');
    assert.deepEqual(ada.public_metadata, { theme: 'dark' }, 'user_metadata → public_metadata');
    assert.deepEqual(ada.private_metadata, { roles: ['admin'], plan: 'pro' }, 'app_metadata → private_metadata');
    assert.deepEqual(ada.unsafe_metadata, {});
    assert.equal(ada.created_at, Date.parse('2021-03-05T10:12:31.123Z'));
    assert.equal((await verify(ctx, ada.id, 'correct horse battery staple')).status, 200);
    assert.equal((await verify(ctx, ada.id, 'wrong horse')).status, 422);

    // The password-hash export names users by _id.$oid: the same user_id as the export job's.
    const grace = await userByExternalId(ctx, 'auth0|60aa11bb22cc33dd44ee55ff');
    assert.equal(grace.email_addresses[0].email_address, 'grace@example.com');
    assert.equal((await verify(ctx, grace.id, 'Password123!')).status, 200);

    const alan = await userByExternalId(ctx, 'google-oauth2|103547991597142817347');
    assert.equal(alan.password_enabled, false);
    assert.equal(alan.last_name, 'Turing');

    const md5 = await userByExternalId(ctx, 'auth0|md5');
    assert.equal((await verify(ctx, md5.id, 'Password123!')).status, 200);
  });

  await t.test('Auth0 bulk-import format (a JSON array): password_hash and custom_password_hash argon2', async () => {
    const summary = await importFile(ctx, await copy('auth0-bulk.json'), { format: 'auth0' });
    assert.deepEqual([summary.read, summary.inserted, summary.rejected], [3, 2, 1]);
    const [reject] = await readRejects(summary.rejectsPath!);
    assert.deepEqual([reject!.line, reject!.errors[0]!.code, reject!.external_id], [20, 'form_param_format_invalid', 'auth0|bulk-3']);
    const b1 = await userByExternalId(ctx, 'auth0|bulk-1');
    assert.deepEqual([b1.first_name, b1.last_name], ['Barbara', 'Liskov']);
    assert.deepEqual(b1.public_metadata, { locale: 'en' });
    assert.equal((await verify(ctx, b1.id, 'Password123!')).status, 200);
    const b2 = await userByExternalId(ctx, 'auth0|bulk-2');
    assert.deepEqual(b2.private_metadata, { roles: ['editor'] });
    assert.equal((await verify(ctx, b2.id, 'Password123!')).status, 200);
  });

  await t.test('Firebase auth:export: localId → external_id, displayName split, scrypt_firebase from the project parameters', async () => {
    const summary = await importFile(ctx, await copy('firebase-users.json'), { format: 'firebase', firebase: FIREBASE });
    assert.deepEqual([summary.read, summary.inserted, summary.rejected], [4, 3, 1]);
    const [reject] = await readRejects(summary.rejectsPath!);
    assert.deepEqual([reject!.line, reject!.errors[0]!.code, reject!.errors[0]!.param_name], [31, 'form_param_format_invalid', 'email_address']);

    const one = await userByExternalId(ctx, 'fb-user-1');
    assert.deepEqual([one.first_name, one.last_name], ['User', 'One']);
    assert.equal(one.email_addresses[0].email_address, 'user1@example.com');
    assert.equal(one.created_at, 1600000000000);
    assert.deepEqual(one.public_metadata, { role: 'admin', beta: true }, 'customAttributes → public_metadata');
    assert.equal((await verify(ctx, one.id, 'user1Password')).status, 422);
    assert.equal((await verify(ctx, one.id, 'user1password')).status, 200);

    const two = await userByExternalId(ctx, 'fb-user-2');
    assert.deepEqual([two.first_name, two.last_name], ['Jean', 'Claude van Hunter']);
    assert.equal((await verify(ctx, two.id, 'hunter2')).status, 200);

    const phone = await userByExternalId(ctx, 'fb-phone');
    assert.equal(phone.phone_numbers[0].phone_number, '+15555550123');
    assert.equal(phone.password_enabled, false);
  });

  await t.test('Firebase: wrong project parameters make every digest fail to verify, not to import', async () => {
    const file = await copy('firebase-users.json');
    await call(ctx, 'DELETE', `/v1/users/${(await userByExternalId(ctx, 'fb-user-1')).id}`);
    const summary = await importFile(ctx, file, { format: 'firebase', firebase: { ...FIREBASE, saltSeparator: 'AQI=' } });
    assert.equal(summary.inserted, 1);
    const one = await userByExternalId(ctx, 'fb-user-1');
    assert.equal((await verify(ctx, one.id, 'user1password')).status, 422);
  });

  await t.test('Firebase: password hashes without the signer key stop the import with a clear message', async () => {
    await assert.rejects(importFile(ctx, await copy('firebase-users.json'), { format: 'firebase' }), /--firebase-signer-key/);
  });
});
