import assert from 'node:assert/strict';
import { copyFile, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { runExport } from '../../src/import/export.js';
import { buildTestApp, call, engine, type TestApp } from '../helper.js';
import { exportFixture, importFile, tempDir } from './support.js';

// `gatehouse export --format clerk`: Clerk's Dashboard CSV, so nobody is locked in. Clerk's export goes
// in, Clerk's format comes out, and that file imported into another instance gives the same users
// (ids, names, verified and unverified identifiers, passwords, TOTP); what the CSV cannot hold is counted.

const IDS = ['user_2rvWkk90azWI2o3PH4LDuCMDPPh', 'user_2rvWkk7aB1cD2eF3gH4iJ5kL6mN', 'user_2rvWkk8tV9eQ6y0b2cL3mN4pQ5r', 'user_2rvWkk6sT7uV8wX9yZ0aB1cD2eF'];

const carried = async (ctx: TestApp, id: string) => {
  const u = (await call(ctx, 'GET', `/v1/users/${id}`)).body;
  const ids = (list: { id: string; email_address?: string; phone_number?: string; verification: unknown }[]) =>
    list.map((i) => [i.email_address ?? i.phone_number, i.verification !== null]).sort();
  const primary = u.email_addresses.find((e: { id: string }) => e.id === u.primary_email_address_id)?.email_address ?? null;
  return [u.id, u.first_name, u.last_name, u.username, primary, ids(u.email_addresses), ids(u.phone_numbers), u.password_enabled, u.totp_enabled];
};

test(`gatehouse export --format clerk: Clerk's CSV in, Clerk's CSV out, same users (${engine})`, async (t) => {
  const dir = await tempDir(t);
  const source = await buildTestApp(t);
  const original = path.join(dir, 'clerk.csv');
  await copyFile(exportFixture('clerk-dashboard.csv'), original);
  assert.equal((await importFile(source, original)).inserted, 4);
  await call(source, 'PATCH', `/v1/users/${IDS[0]}/metadata`, { public_metadata: { plan: 'pro' } });

  const out = path.join(dir, 'exported.csv');
  const summary = await runExport(source.deps, out, 'clerk');
  assert.equal(summary.users, 4);
  assert.deepEqual(summary.lost, { metadata: 1, 'created_at and other times': 4 }, 'what the CSV cannot hold is counted');
  assert.equal((await stat(out)).mode & 0o777, 0o600);
  const lines = (await readFile(out, 'utf8')).trim().split('\n');
  assert.equal(lines[0], 'id,first_name,last_name,username,primary_email_address,primary_phone_number,verified_email_addresses,unverified_email_addresses,verified_phone_numbers,unverified_phone_numbers,totp_secret,password_digest,password_hasher');
  assert.match(lines[1]!, /^user_2rvWkk6sT7uV8wX9yZ0aB1cD2eF,,,,,\+15555550104,,,\+15555550104,,,,$/);

  const copy = await buildTestApp(t);
  const imported = await importFile(copy, out);
  assert.deepEqual([imported.inserted, imported.rejected], [4, 0]);
  assert.match(imported.description, /^Clerk \(CSV with a header row\)/);
  for (const id of IDS) assert.deepEqual(await carried(copy, id), await carried(source, id), id);
  const passwords = JSON.parse(await readFile(exportFixture('passwords.json'), 'utf8')).clerk;
  for (const [id, password] of [[IDS[0]!, passwords.ada], [IDS[1]!, passwords.grace]]) {
    assert.equal((await call(copy, 'POST', `/v1/users/${id}/verify_password`, { password })).status, 200, id);
  }
});
