import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { newId } from '../../../src/lib/ids.js';
import { buildTestApp, call, engine } from '../../helper.js';
import { importFile, readRejects, tempDir, userByExternalId, writeLines } from '../../import/support.js';

// The `gatehouse` key of an import line (what `gatehouse export` writes beyond POST /v1/users: ids,
// states, timestamps; src/users/gatehouse-extension.ts): checked with its own schema and rules, each error
// naming its path (`gatehouse.banned`), with POST's codes; its ids make a row "the same user" first.

const userId = () => newId('user');
const idnId = () => newId('idn');

test(`gatehouse import: the gatehouse key (${engine})`, async (t) => {
  const ctx = await buildTestApp(t);
  const dir = await tempDir(t);

  await t.test('bad gatehouse objects reject their row with the code and the path of each problem', async () => {
    const email = (n: number) => [`ext-bad-${n}@example.com`];
    const twice = idnId();
    const rows: [Record<string, unknown>, [string, string][]][] = [
      [{ gatehouse: { nickname: 'x' } }, [['form_param_unknown', 'gatehouse.nickname']]],
      [{ gatehouse: { email_addresses: [{ id: idnId(), colour: 'red' }] } }, [['form_param_unknown', 'gatehouse.email_addresses[0].colour']]],
      [{ gatehouse: { id: 'user_123' } }, [['form_param_format_invalid', 'gatehouse.id']]],
      [{ gatehouse: { id: idnId() } }, [['form_param_format_invalid', 'gatehouse.id']]],
      [{ gatehouse: { email_addresses: [{ id: userId() }] } }, [['form_param_format_invalid', 'gatehouse.email_addresses[0].id']]],
      [{ gatehouse: { banned: 'yes' } }, [['form_param_type_invalid', 'gatehouse.banned']]],
      [{ gatehouse: { banned: null } }, [['form_param_nil', 'gatehouse.banned']]],
      [{ gatehouse: { failed_verification_attempts: -1 } }, [['form_param_value_invalid', 'gatehouse.failed_verification_attempts']]],
      [{ gatehouse: { last_sign_in_at: 1700000000000 } }, [['form_param_type_invalid', 'gatehouse.last_sign_in_at']]],
      [{ gatehouse: { locked_at: 'yesterday' } }, [['form_param_invalid_time', 'gatehouse.locked_at']]],
      [{ gatehouse: { email_addresses: [{ created_at: '2024-13-01T00:00:00Z' }] } }, [['form_param_invalid_time', 'gatehouse.email_addresses[0].created_at']]],
      [{ gatehouse: 'not an object' }, [['form_param_type_invalid', 'gatehouse']]],
      [{ gatehouse: { email_addresses: [{}, {}] } }, [['form_param_value_invalid', 'gatehouse.email_addresses']]],
      [{ gatehouse: { primary_email_address_id: idnId() } }, [['form_resource_not_found', 'gatehouse.primary_email_address_id']]],
      [
        { phone_number: ['+15555550301'], gatehouse: { phone_numbers: [{ verified: false, reserved_for_second_factor: true }] } },
        [['form_verification_needed', 'gatehouse.phone_numbers[0].reserved_for_second_factor']],
      ],
      [
        { phone_number: ['+15555550302'], gatehouse: { phone_numbers: [{ default_second_factor: true }] } },
        [['form_param_value_invalid', 'gatehouse.phone_numbers[0].default_second_factor']],
      ],
      [
        { email_address: ['ext-bad-twice@example.com'], phone_number: ['+15555550303'], gatehouse: { email_addresses: [{ id: twice }], phone_numbers: [{ id: twice }] } },
        [['form_param_value_invalid', 'gatehouse.phone_numbers[0].id']],
      ],
      // POST's errors and the gatehouse key's together, POST's first.
      [{ email_address: ['not-an-email'], gatehouse: { banned: 1 } }, [['form_param_format_invalid', 'email_address'], ['form_param_type_invalid', 'gatehouse.banned']]],
    ];
    const lines = rows.map(([row], i) => ({ external_id: `ext-bad-${i}`, email_address: email(i), ...row }));
    const summary = await importFile(ctx, await writeLines(path.join(dir, 'bad.jsonl'), lines));
    assert.deepEqual([summary.inserted, summary.rejected], [0, rows.length]);
    const rejects = await readRejects(summary.rejectsPath!);
    assert.equal(rejects.length, rows.length);
    for (const [i, [row, expected]] of rows.entries()) {
      const reject = rejects[i]!;
      assert.equal(reject.line, i + 1);
      const got = reject.errors.map((e) => [e.code, e.param_name]);
      assert.deepEqual(got, expected, `line ${i + 1}: ${JSON.stringify(row)} → ${JSON.stringify(reject.errors)}`);
      for (const e of reject.errors) assert.ok(e.message && e.long_message);
    }
  });

  await t.test('a hand-written gatehouse key is applied: ids, states, unverified identifiers, a primary that is not the first', async () => {
    const id = userId();
    const [first, second, phone] = [idnId(), idnId(), idnId()];
    const file = await writeLines(path.join(dir, 'good.jsonl'), [
      {
        external_id: 'ext-good',
        email_address: ['good-1@example.com', 'good-2@example.com'],
        phone_number: ['+15555550311'],
        created_at: '2020-01-01T00:00:00.000Z',
        gatehouse: {
          id,
          updated_at: '2021-01-01T00:00:00.000Z',
          banned: true,
          last_sign_in_at: '2022-02-02T02:02:02.022Z',
          primary_email_address_id: second,
          email_addresses: [{ id: first, created_at: '2020-01-01T00:00:00.001Z', verified: false }, { id: second, created_at: '2020-06-01T00:00:00.000Z' }],
          phone_numbers: [{ id: phone, reserved_for_second_factor: true, default_second_factor: true }],
        },
      },
    ]);
    assert.equal((await importFile(ctx, file)).inserted, 1);
    const user = (await call(ctx, 'GET', `/v1/users/${id}`)).body;
    assert.equal(user.external_id, 'ext-good');
    assert.equal(user.updated_at, Date.parse('2021-01-01T00:00:00.000Z'));
    assert.equal(user.banned, true);
    assert.equal(user.last_sign_in_at, Date.parse('2022-02-02T02:02:02.022Z'));
    assert.equal(user.primary_email_address_id, second);
    assert.deepEqual(
      user.email_addresses.map((e: any) => [e.id, e.email_address, e.verification?.status ?? null, e.created_at]),
      [
        [second, 'good-2@example.com', 'verified', Date.parse('2020-06-01T00:00:00.000Z')],
        [first, 'good-1@example.com', null, Date.parse('2020-01-01T00:00:00.001Z')],
      ],
    );
    assert.equal(user.primary_phone_number_id, phone);
    assert.deepEqual([user.phone_numbers[0].reserved_for_second_factor, user.phone_numbers[0].default_second_factor, user.two_factor_enabled], [true, true, true]);
  });

  await t.test('CSV: a gatehouse column holds the object as JSON, like the metadata columns', async () => {
    const id = userId();
    const cell = JSON.stringify({ id, banned: true }).replaceAll('"', '""');
    const file = path.join(dir, 'extension.csv');
    await writeFile(file, `external_id,email_address,gatehouse\next-csv,csv-ext@example.com,"${cell}"\n`);
    assert.equal((await importFile(ctx, file)).inserted, 1);
    const user = (await call(ctx, 'GET', `/v1/users/${id}`)).body;
    assert.equal(user.external_id, 'ext-csv');
    assert.equal(user.banned, true);
  });

  await t.test('order_by=email_address sorts by the primary the line gave, not by its first email', async () => {
    const a = { id: userId(), emails: [idnId(), idnId()] };
    const file = await writeLines(path.join(dir, 'sort.jsonl'), [
      {
        external_id: 'sort-a',
        email_address: ['sortcheck-a@example.com', 'sortcheck-z@example.com'],
        gatehouse: { id: a.id, primary_email_address_id: a.emails[1], email_addresses: a.emails.map((id) => ({ id })) },
      },
      { external_id: 'sort-m', email_address: ['sortcheck-m@example.com'] },
    ]);
    assert.equal((await importFile(ctx, file)).inserted, 2);
    const order = async (by: string) =>
      (await call(ctx, 'GET', `/v1/users?email_address_query=sortcheck&order_by=${by}`)).body.map((u: any) => u.external_id);
    assert.deepEqual(await order('email_address'), ['sort-m', 'sort-a']);
    assert.deepEqual(await order('-email_address'), ['sort-a', 'sort-m']);
  });

  await t.test('the same gatehouse.id twice in a file, in one batch or in two: the second row is the same user', async () => {
    for (const batchSize of [100, 1]) {
      const id = userId();
      const file = await writeLines(path.join(dir, `dup-id-${batchSize}.jsonl`), [
        { external_id: `dup-id-a-${batchSize}`, email_address: [`dup-id-a-${batchSize}@example.com`], gatehouse: { id } },
        { external_id: `dup-id-b-${batchSize}`, email_address: [`dup-id-b-${batchSize}@example.com`], gatehouse: { id } },
      ]);
      const summary = await importFile(ctx, file, { batchSize, onConflict: 'skip' });
      assert.deepEqual([summary.inserted, summary.skipped, summary.rejected], [1, 1, 0], `batch size ${batchSize}`);
      assert.equal((await userByExternalId(ctx, `dup-id-a-${batchSize}`)).id, id);
      assert.equal(await userByExternalId(ctx, `dup-id-b-${batchSize}`), undefined);
    }
  });

  await t.test('a gatehouse.id already in the database: skipped, or with --on-conflict update the line applies to that user', async () => {
    const existing = (await call(ctx, 'POST', '/v1/users', { external_id: 'in-db', email_address: ['in-db@example.com'] })).body;
    const session = await call(ctx, 'POST', '/v1/sessions', { user_id: existing.id });
    assert.equal(session.status, 200, JSON.stringify(session.body));
    // Another external_id and email: the id is tried first, so this is still the same user.
    const line = {
      external_id: 'in-db-renamed',
      email_address: ['in-db-other@example.com'],
      first_name: 'Renamed',
      gatehouse: { id: existing.id, banned: true, updated_at: '2023-03-03T03:03:03.003Z', email_addresses: [{ id: idnId() }] },
    };
    const file = await writeLines(path.join(dir, 'id-in-db.jsonl'), [line]);
    const skipped = await importFile(ctx, file, { onConflict: 'skip' });
    assert.deepEqual([skipped.inserted, skipped.skipped, skipped.rejected], [0, 1, 0]);
    assert.equal((await call(ctx, 'GET', `/v1/users/${existing.id}`)).body.banned, false);

    const dry = await importFile(ctx, file, { dryRun: true, onConflict: 'update' });
    assert.deepEqual([dry.inserted, dry.updated, dry.rejected], [0, 1, 0]);

    const updated = await importFile(ctx, file, { onConflict: 'update' });
    assert.deepEqual([updated.inserted, updated.updated, updated.rejected], [0, 1, 0]);
    const after = (await call(ctx, 'GET', `/v1/users/${existing.id}`)).body;
    assert.equal(after.first_name, 'Renamed');
    assert.equal(after.external_id, 'in-db-renamed');
    assert.equal(after.banned, true);
    assert.equal(after.updated_at, Date.parse('2023-03-03T03:03:03.003Z'), "the line's updated_at, not the time of the update");
    assert.deepEqual(after.email_addresses.map((e: any) => e.id), existing.email_addresses.map((e: any) => e.id), 'identifications do not change');
    const sessions = (await call(ctx, 'GET', `/v1/sessions?user_id=${existing.id}`)).body;
    assert.deepEqual(sessions.map((s: any) => s.status), ['revoked'], 'a ban revokes the sessions, as POST /ban does');
  });

  await t.test("an identification id another user holds (in the file or the database) → form_identifier_exists naming it", async () => {
    const held = (await call(ctx, 'POST', '/v1/users', { external_id: 'idn-holder', email_address: ['idn-holder@example.com'] })).body;
    const shared = idnId();
    const file = await writeLines(path.join(dir, 'idn-taken.jsonl'), [
      { external_id: 'idn-1', email_address: ['idn-1@example.com'], gatehouse: { email_addresses: [{ id: held.email_addresses[0].id }] } },
      { external_id: 'idn-2', phone_number: ['+15555550321'], gatehouse: { phone_numbers: [{ id: shared }] } },
      { external_id: 'idn-3', web3_wallet: ['0x0000000000000000000000000000000000000003'], gatehouse: { web3_wallets: [{ id: shared }] } },
    ]);
    const summary = await importFile(ctx, file);
    assert.deepEqual([summary.inserted, summary.rejected], [1, 2]);
    const rejects = await readRejects(summary.rejectsPath!);
    assert.deepEqual(rejects.map((r) => [r.line, r.errors[0]!.code, r.errors[0]!.param_name]), [
      [1, 'form_identifier_exists', 'gatehouse.email_addresses[0].id'],
      [3, 'form_identifier_exists', 'gatehouse.web3_wallets[0].id'],
    ]);
    assert.equal((await userByExternalId(ctx, 'idn-2')).phone_numbers[0].id, shared);
  });
});
