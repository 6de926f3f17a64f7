import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { buildTestApp, call, engine, type TestApp } from '../helper.js';
import { exportFixture, importFile, tempDir, userByExternalId } from './support.js';

// Auth0's two files imported in two runs, in either order, with no flag: the second run fills what the
// first lacked (--on-conflict fill, the default) and never blanks or loosens a field. Whatever the order,
// the users end up as the one-command merge makes them (providers.test.ts).

const passwords = JSON.parse(readFileSync(exportFixture('passwords.json'), 'utf8')).auth0 as Record<string, string>;
const ADA = 'auth0|64b7f0c2a1e4d5f6a7b8c9d0';
const GRACE = 'auth0|64b7f0c2a1e4d5f6a7b8c9d1';
const MALLORY = 'auth0|64b7f0c2a1e4d5f6a7b8c9d2';

async function snapshot(ctx: TestApp) {
  const ada = await userByExternalId(ctx, ADA);
  const grace = await userByExternalId(ctx, GRACE);
  const mallory = await userByExternalId(ctx, MALLORY);
  return {
    ada: {
      names: [ada.first_name, ada.last_name, ada.username],
      phone: ada.phone_numbers.map((p: { phone_number: string }) => p.phone_number),
      created_at: ada.created_at,
      last_sign_in_at: ada.last_sign_in_at,
      metadata: [ada.public_metadata, ada.private_metadata],
      password: (await call(ctx, 'POST', `/v1/users/${ada.id}/verify_password`, { password: passwords.ada })).status,
    },
    grace: {
      verified: grace.email_addresses.map((e: { verification: unknown }) => e.verification !== null),
      password: (await call(ctx, 'POST', `/v1/users/${grace.id}/verify_password`, { password: passwords.grace })).status,
    },
    mallory: { banned: mallory.banned, created_at: mallory.created_at },
  };
}

const expected = {
  ada: {
    names: ['Ada', 'Lovelace', 'ada_l'],
    phone: ['+15555550201'],
    created_at: Date.parse('2021-03-05T10:12:31.123Z'),
    last_sign_in_at: Date.parse('2024-01-02T03:04:05.000Z'),
    metadata: [{ theme: 'dark' }, { roles: ['admin'], plan: 'pro' }],
    password: 200,
  },
  grace: { verified: [false], password: 200 },
  mallory: { banned: true, created_at: Date.parse('2020-01-01T00:00:00.000Z') },
};

for (const order of [['auth0-users.json.gz', 'auth0-passwords.json'], ['auth0-passwords.json', 'auth0-users.json.gz']]) {
  test(`Auth0 in two runs, ${order.join(' then ')}: the second fills what the first lacked (${engine})`, async (t) => {
    const ctx = await buildTestApp(t);
    const dir = await tempDir(t);
    const files = await Promise.all(
      order.map(async (name) => {
        const to = path.join(dir, name);
        await copyFile(exportFixture(name), to);
        return to;
      }),
    );
    const first = await importFile(ctx, files[0]!);
    const second = await importFile(ctx, files[1]!);
    assert.equal(first.rejected + second.rejected, 0);
    // 5 users in the users export, 4 in the password-hash export (3 of them the same): 6 users.
    assert.equal(first.inserted + second.inserted, 6);
    assert.equal(second.updated, 3, 'the three users in both files are completed');
    assert.deepEqual(await snapshot(ctx), expected);

    // A third run of either file changes nothing: nothing is blanked, nothing is lacking.
    const again = await importFile(ctx, files[0]!);
    assert.deepEqual([again.inserted, again.updated, again.skipped], [0, 0, first.inserted]);
    assert.deepEqual(await snapshot(ctx), expected);
  });
}
