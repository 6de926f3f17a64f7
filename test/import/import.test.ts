import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { buildTestApp, call, engine } from '../helper.js';
import { importFile, readRejects, tempDir, userByExternalId, userCount, writeLines } from './support.js';

// `gatehouse import` (issue 5): every row checked with the rules of POST /v1/users; bad rows to the
// rejects file with line numbers and Clerk codes, and counted; rows already there skipped or updated;
// duplicates inside a batch or against the database cost the batch none of its good rows; --dry-run
// writes nothing; CSV as well as JSON lines.

const BCRYPT = { digest: '$2b$10$bLtc25S.sVUxJ0SL8bm2DupcdwPouTi441pKtuOnq8y8TTXN8BP0y', password: 'correct horse battery staple' };
const PASSWORD = 'Import-Test-Password-58';

const verify = (ctx: Parameters<typeof call>[0], id: string, password: string) =>
  call(ctx, 'POST', `/v1/users/${id}/verify_password`, { password });

test(`gatehouse import (${engine})`, async (t) => {
  const ctx = await buildTestApp(t);
  const dir = await tempDir(t);

  await t.test('bad rows go to the rejects file with their line number, Clerk code and param, and are counted', async () => {
    const bad: Record<number, unknown> = {
      2: '{"external_id": "bad-json", ',
      3: { external_id: 'r-3', email_address: ['not-an-email'] },
      5: { external_id: 'r-5', email_address: ['r5@example.com'], nickname: 'x' },
      6: { external_id: 'r-6', email_address: ['r6@example.com'], password_digest: '$2b$10$brokenDigestValue', password_hasher: 'bcrypt' },
      7: { external_id: 'r-7', email_address: ['r7@example.com'], password: 'Tiny7' },
      8: { external_id: 'r-8', email_address: ['R1@Example.com'] },
      10: { external_id: 'r-10', email_address: ['r10@example.com'], totp_secret: 'not base32!' },
      11: { external_id: 'r-11', email_address: ['r11@example.com'], first_name: 42, username: 'x' },
      12: '[1, 2, 3]',
      13: { external_id: 'r-13', email_address: ['r13@example.com'], password_digest: BCRYPT.digest },
    };
    const lines = [
      { external_id: 'r-1', email_address: ['r1@example.com'], password_digest: BCRYPT.digest, password_hasher: 'bcrypt' },
      bad[2],
      bad[3],
      '',
      bad[5],
      bad[6],
      bad[7],
      bad[8],
      { external_id: 'r-9', email_address: ['r9@example.com'], password: PASSWORD },
      bad[10],
      bad[11],
      bad[12],
      bad[13],
    ];
    const file = await writeLines(path.join(dir, 'bad-rows.jsonl'), lines);
    const summary = await importFile(ctx, file);
    assert.equal(summary.read, 12, 'the blank line is not a row');
    assert.equal(summary.inserted, 2);
    assert.equal(summary.rejected, 10);
    assert.equal(summary.skipped + summary.updated, 0);
    assert.equal(summary.rejectsPath, `${file}.rejects.jsonl`);

    const rejects = await readRejects(summary.rejectsPath!);
    const byLine = new Map(rejects.map((r) => [r.line, r]));
    assert.deepEqual(rejects.map((r) => r.line), [2, 3, 5, 6, 7, 8, 10, 11, 12, 13], 'in file order');
    const expect = (line: number, code: string, param?: string) => {
      const r = byLine.get(line)!;
      assert.equal(r.errors[0]!.code, code, JSON.stringify(r));
      if (param) assert.equal(r.errors[0]!.param_name, param, JSON.stringify(r));
      assert.ok(r.errors[0]!.message && r.errors[0]!.long_message, JSON.stringify(r));
    };
    expect(2, 'request_body_invalid');
    expect(3, 'form_param_format_invalid', 'email_address');
    expect(5, 'form_param_unknown', 'nickname');
    expect(6, 'form_param_format_invalid', 'password_digest');
    expect(7, 'form_password_length_too_short', 'password');
    expect(8, 'form_identifier_exists', 'email_address');
    expect(10, 'invalid_totp_secret_code', 'totp_secret');
    expect(13, 'form_conditional_param_missing', 'password_hasher');
    // Several bad fields in one row: all of them, as POST reports them.
    assert.deepEqual(byLine.get(11)!.errors.map((e) => e.param_name).sort(), ['first_name']);
    assert.equal(byLine.get(3)!.external_id, 'r-3');
    assert.equal(byLine.get(3)!.email_address, 'not-an-email');

    // Exactly POST /v1/users's answer for the same body: one validation path. The rejects file adds to an
    // identifier's format error which value of the list it is about, and why.
    const [emailError] = byLine.get(3)!.errors as { index?: number; long_message: string }[];
    assert.equal(emailError!.index, 0);
    assert.equal(emailError!.long_message, 'email_address[0] "not-an-email" must contain exactly one @ with a local part before it. email_address must be a valid email address.');
    emailError!.long_message = 'email_address must be a valid email address.';
    delete emailError!.index;
    for (const line of [3, 5, 6, 7, 10, 11, 12, 13]) {
      const res = await call(ctx, 'POST', '/v1/users', typeof bad[line] === 'string' ? JSON.parse(bad[line] as string) : bad[line]);
      assert.equal(res.status, 422, JSON.stringify(res.body));
      assert.deepEqual(
        byLine.get(line)!.errors,
        res.body.errors.map((e: { code: string; message: string; long_message: string; meta?: { param_name?: string } }) => ({
          code: e.code,
          param_name: e.meta?.param_name,
          message: e.message,
          long_message: e.long_message,
        })),
        `line ${line}`,
      );
    }

    // No password, digest or secret ever reaches the rejects file.
    const raw = await readFile(summary.rejectsPath!, 'utf8');
    for (const secret of ['Tiny7', '$2b$10$brokenDigestValue', BCRYPT.digest, 'not base32!']) assert.ok(!raw.includes(secret), `rejects contain ${secret}`);
    assert.equal((await stat(summary.rejectsPath!)).mode & 0o777, 0o600);

    const r1 = await userByExternalId(ctx, 'r-1');
    const r9 = await userByExternalId(ctx, 'r-9');
    assert.equal((await verify(ctx, r1.id, BCRYPT.password)).status, 200);
    assert.equal((await verify(ctx, r9.id, PASSWORD)).status, 200, 'a plain password is hashed');
    assert.equal(r1.email_addresses[0].verification.status, 'verified');
    assert.equal(r1.primary_email_address_id, r1.email_addresses[0].id);
  });

  await t.test('no rejects: no rejects file is left behind; --rejects chooses where they go', async () => {
    const file = await writeLines(path.join(dir, 'clean.jsonl'), [{ external_id: 'clean-1', email_address: ['clean1@example.com'] }]);
    const summary = await importFile(ctx, file);
    assert.equal(summary.inserted, 1);
    assert.equal(summary.rejectsPath, undefined);
    await assert.rejects(stat(`${file}.rejects.jsonl`));

    const other = await writeLines(path.join(dir, 'other.jsonl'), [{ email_address: ['nope'] }]);
    const rejectsPath = path.join(dir, 'elsewhere.jsonl');
    const s2 = await importFile(ctx, other, { rejectsPath });
    assert.equal(s2.rejectsPath, rejectsPath);
    assert.equal((await readRejects(rejectsPath))[0]!.line, 1);
  });

  await t.test('--on-conflict fill (the default): a second run inserts nothing, fills only what users lack, overwrites nothing', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ external_id: `skip-${i}`, email_address: [`skip${i}@example.com`], first_name: 'First' }));
    // The last two have no external_id: the primary email identifies them.
    rows.push({ email_address: ['skip-noext-1@example.com'], first_name: 'First' } as never, { email_address: ['skip-noext-2@example.com'] } as never);
    const file = await writeLines(path.join(dir, 'skip.jsonl'), rows);
    const before = await userCount(ctx);
    const first = await importFile(ctx, file, { batchSize: 7 });
    assert.deepEqual([first.inserted, first.skipped, first.rejected], [32, 0, 0]);
    const changed = rows.map((r) => ({ ...r, first_name: 'Changed' }));
    await writeLines(file, changed);
    const second = await importFile(ctx, file, { batchSize: 7 });
    // The last user had no first name: the second run gives it one; the others keep theirs.
    assert.deepEqual([second.inserted, second.skipped, second.updated, second.rejected], [0, 31, 1, 0]);
    assert.equal(await userCount(ctx), before + 32);
    assert.equal((await userByExternalId(ctx, 'skip-3')).first_name, 'First', 'fill overwrites nothing');
    const noext = await call(ctx, 'GET', '/v1/users?email_address=skip-noext-2@example.com');
    assert.equal(noext.body[0].first_name, 'Changed', 'fill gives what was missing');
    // --on-conflict skip: a third run leaves every user as it is.
    await writeLines(file, rows.map((r) => ({ ...r, last_name: 'Third' })));
    const third = await importFile(ctx, file, { batchSize: 7, onConflict: 'skip' });
    assert.deepEqual([third.inserted, third.skipped, third.updated, third.rejected], [0, 32, 0, 0]);
    assert.equal((await userByExternalId(ctx, 'skip-3')).last_name, null, 'skip leaves the user as it was');
  });

  await t.test('--on-conflict update: the row is applied as PATCH would, matched by external_id or primary email', async () => {
    const file = path.join(dir, 'update.jsonl');
    await writeLines(file, [
      { external_id: 'upd-1', email_address: ['upd1@example.com'], first_name: 'Ada', public_metadata: { plan: 'free' }, password: PASSWORD },
      { email_address: ['upd2@example.com'], first_name: 'Grace' },
    ]);
    assert.equal((await importFile(ctx, file)).inserted, 2);
    const before = await userByExternalId(ctx, 'upd-1');

    await writeLines(file, [
      {
        external_id: 'upd-1',
        email_address: ['upd1@example.com'],
        first_name: 'Augusta',
        last_name: 'King',
        public_metadata: { plan: 'pro' },
        private_metadata: { tier: 2 },
        password_digest: BCRYPT.digest,
        password_hasher: 'bcrypt',
      },
      { email_address: ['upd2@example.com'], first_name: 'Grace', last_name: 'Hopper' },
      { external_id: 'upd-3', email_address: ['upd3@example.com'], username: 'new_one' },
      // An external_id is the row's identity when it has one: this is a new user whose email is taken.
      { external_id: 'upd-4', email_address: ['upd2@example.com'] },
    ]);
    const summary = await importFile(ctx, file, { onConflict: 'update' });
    assert.deepEqual([summary.updated, summary.inserted, summary.skipped, summary.rejected], [2, 1, 0, 1]);
    const [reject] = await readRejects(summary.rejectsPath!);
    assert.deepEqual([reject!.line, reject!.errors[0]!.code, reject!.errors[0]!.param_name], [4, 'form_identifier_exists', 'email_address']);
    const after = await userByExternalId(ctx, 'upd-1');
    assert.equal(after.id, before.id);
    assert.equal(after.first_name, 'Augusta');
    assert.equal(after.last_name, 'King');
    assert.deepEqual(after.public_metadata, { plan: 'pro' });
    assert.deepEqual(after.private_metadata, { tier: 2 });
    assert.equal((await verify(ctx, after.id, BCRYPT.password)).status, 200, 'the new password applies');
    assert.equal((await verify(ctx, after.id, PASSWORD)).status, 422, 'the old one no longer does');
    const [grace] = (await call(ctx, 'GET', '/v1/users?email_address=upd2@example.com')).body;
    assert.equal(grace.last_name, 'Hopper', 'matched by its primary email');
    assert.equal(grace.first_name, 'Grace');
  });

  await t.test('--on-conflict update: a row that breaks a rule of PATCH is rejected, the others applied', async () => {
    const file = path.join(dir, 'update-bad.jsonl');
    await writeLines(file, [
      { external_id: 'updbad-1', email_address: ['updbad1@example.com'] },
      { external_id: 'updbad-2', email_address: ['updbad2@example.com'], username: 'taken_name' },
    ]);
    await importFile(ctx, file);
    await writeLines(file, [
      { external_id: 'updbad-1', email_address: ['updbad1@example.com'], username: 'taken_name' },
      { external_id: 'updbad-2', email_address: ['updbad2@example.com'], first_name: 'Fine' },
    ]);
    const summary = await importFile(ctx, file, { onConflict: 'update' });
    assert.deepEqual([summary.updated, summary.rejected], [1, 1]);
    const [reject] = await readRejects(summary.rejectsPath!);
    assert.equal(reject!.line, 1);
    assert.equal(reject!.errors[0]!.code, 'form_identifier_exists');
    assert.equal(reject!.errors[0]!.param_name, 'username');
    assert.equal((await userByExternalId(ctx, 'updbad-2')).first_name, 'Fine');
  });

  await t.test('duplicates inside one batch: file order wins, and the batch keeps its other good rows', async () => {
    const file = await writeLines(path.join(dir, 'dup-batch.jsonl'), [
      { external_id: 'dup-a', email_address: ['dupa@example.com'], first_name: 'First' },
      { external_id: 'dup-b', email_address: ['dupb@example.com'] },
      { external_id: 'dup-a', email_address: ['dupa-again@example.com'], first_name: 'Second' },
      { external_id: 'dup-d', email_address: ['DUPA@example.com'] },
      { external_id: 'dup-e', email_address: ['dupe@example.com'], username: 'dup_user' },
      { external_id: 'dup-f', email_address: ['dupf@example.com'], username: 'DUP_USER' },
      { external_id: 'dup-g', email_address: ['dupg@example.com'] },
    ]);
    const summary = await importFile(ctx, file, { batchSize: 100, onConflict: 'skip' });
    assert.deepEqual([summary.inserted, summary.skipped, summary.rejected], [4, 1, 2]);
    const rejects = await readRejects(summary.rejectsPath!);
    assert.deepEqual(rejects.map((r) => [r.line, r.errors[0]!.code, r.errors[0]!.param_name]), [
      [4, 'form_identifier_exists', 'email_address'],
      [6, 'form_identifier_exists', 'username'],
    ]);
    assert.equal((await userByExternalId(ctx, 'dup-a')).first_name, 'First');
    for (const ext of ['dup-b', 'dup-e', 'dup-g']) assert.ok(await userByExternalId(ctx, ext), ext);
  });

  await t.test('a batch that collides with the database: the colliding rows are skipped or rejected, the rest inserted', async () => {
    const existing = await call(ctx, 'POST', '/v1/users', { email_address: ['db-taken@example.com'], phone_number: ['+15555550199'] });
    assert.equal(existing.status, 200);
    const file = await writeLines(path.join(dir, 'dup-db.jsonl'), [
      { external_id: 'col-1', email_address: ['col1@example.com'] },
      { email_address: ['db-taken@example.com'], first_name: 'Same person' },
      { external_id: 'col-3', email_address: ['col3@example.com'], phone_number: ['+15555550199'] },
      { external_id: 'col-4', email_address: ['col4@example.com'] },
    ]);
    const summary = await importFile(ctx, file, { onConflict: 'skip' });
    assert.deepEqual([summary.inserted, summary.skipped, summary.rejected], [2, 1, 1]);
    const [reject] = await readRejects(summary.rejectsPath!);
    assert.deepEqual([reject!.line, reject!.errors[0]!.code, reject!.errors[0]!.param_name], [3, 'form_identifier_exists', 'phone_number']);
    assert.ok(await userByExternalId(ctx, 'col-1'));
    assert.ok(await userByExternalId(ctx, 'col-4'));
  });

  await t.test('--dry-run validates everything, uniqueness included, and writes nothing to the database', async () => {
    const file = await writeLines(path.join(dir, 'dry.jsonl'), [
      { external_id: 'dry-1', email_address: ['dry1@example.com'], password: PASSWORD },
      { external_id: 'dry-2', email_address: ['dry1@EXAMPLE.com'] },
      { external_id: 'dry-1', email_address: ['dry1-other@example.com'] },
      { external_id: 'r-1', email_address: ['r1-again@example.com'] },
      { external_id: 'dry-5', email_address: ['bad'] },
      { external_id: 'dry-6', email_address: ['dry6@example.com'] },
    ]);
    const before = await userCount(ctx);
    const summary = await importFile(ctx, file, { dryRun: true, batchSize: 2, onConflict: 'skip' });
    assert.equal(summary.dryRun, true);
    assert.deepEqual([summary.inserted, summary.skipped, summary.rejected], [2, 2, 2]);
    assert.equal(await userCount(ctx), before, 'nothing written');
    assert.equal(await userByExternalId(ctx, 'dry-1'), undefined);
    const rejects = await readRejects(summary.rejectsPath!);
    assert.deepEqual(rejects.map((r) => [r.line, r.errors[0]!.code]), [
      [2, 'form_identifier_exists'],
      [5, 'form_param_format_invalid'],
    ]);
  });

  await t.test('several batches in flight at once (writers: 2) import every row exactly once', async () => {
    const rows = Array.from({ length: 57 }, (_, i) => ({ external_id: `w-${i}`, email_address: [`w${i}@example.com`] }));
    rows.splice(20, 0, { external_id: 'w-3', email_address: ['w3-again@example.com'] }); // a repeat, two batches later
    rows.splice(40, 0, { external_id: 'w-new', email_address: ['W25@example.com'] }); // a taken email, in flight
    const file = await writeLines(path.join(dir, 'writers.jsonl'), rows);
    const summary = await importFile(ctx, file, { batchSize: 5, writers: 2 });
    // The repeat meets w-3 as an existing user and fills in what it lacks: a second email.
    assert.deepEqual([summary.inserted, summary.updated, summary.skipped, summary.rejected], [57, 1, 0, 1]);
    assert.deepEqual((await userByExternalId(ctx, 'w-3')).email_addresses.map((e: { email_address: string }) => e.email_address).sort(), ['w3-again@example.com', 'w3@example.com']);
    const [reject] = await readRejects(summary.rejectsPath!);
    assert.equal(reject!.line, 41);
  });

  await t.test('CSV: a header of POST /v1/users fields, lists separated by | or given as JSON, metadata as JSON, quoted fields', async () => {
    const csv = [
      'external_id,first_name,last_name,email_address,phone_number,username,public_metadata,private_metadata,backup_codes,delete_self_enabled,create_organizations_limit,password_digest,password_hasher,created_at',
      `csv-1,Ada,"Lovelace, Countess",ada@example.com|ada.k@example.com,+15555550142,ada_l,"{""plan"":""pro"",`,
      `""note"":""a, b""}",{},"[""code0001"",""code0002""]",false,3,${BCRYPT.digest},bcrypt,2020-01-02T03:04:05Z`,
      'csv-2,Grace,,"[""grace@example.com""]",,,,,,,,,,',
      'csv-3,Bad,,not-an-email,,,,,,,,,,',
      '',
      'csv-4,Too,Many,t@example.com,,,,,,,,,,,,,',
      'csv-5,True,,csv5@example.com,,,,,,TRUE,,,,',
    ].join('\r\n');
    const file = path.join(dir, 'users.csv');
    await writeFile(file, `\uFEFF${csv}\r\n`);
    const summary = await importFile(ctx, file);
    assert.equal(summary.format, 'csv');
    assert.deepEqual([summary.read, summary.inserted, summary.rejected], [5, 3, 2]);
    const rejects = await readRejects(summary.rejectsPath!);
    assert.deepEqual(rejects.map((r) => [r.line, r.errors[0]!.code]), [
      [5, 'form_param_format_invalid'],
      [7, 'request_body_invalid'],
    ]);
    const ada = await userByExternalId(ctx, 'csv-1');
    assert.equal(ada.last_name, 'Lovelace, Countess');
    assert.deepEqual(ada.email_addresses.map((e: { email_address: string }) => e.email_address).sort(), ['ada.k@example.com', 'ada@example.com']);
    assert.equal(ada.email_addresses.find((e: { id: string }) => e.id === ada.primary_email_address_id).email_address, 'ada@example.com');
    assert.equal(ada.phone_numbers[0].phone_number, '+15555550142');
    assert.deepEqual(ada.public_metadata, { plan: 'pro', note: 'a, b' });
    assert.equal(ada.backup_code_enabled, true);
    assert.equal(ada.delete_self_enabled, false);
    assert.equal(ada.create_organizations_limit, 3);
    assert.equal(ada.created_at, Date.parse('2020-01-02T03:04:05Z'));
    assert.equal((await verify(ctx, ada.id, BCRYPT.password)).status, 200);
    assert.equal((await userByExternalId(ctx, 'csv-2')).email_addresses[0].email_address, 'grace@example.com');
    assert.equal((await userByExternalId(ctx, 'csv-5')).delete_self_enabled, true);
  });

  await t.test('an interrupted run (AbortSignal, as Ctrl-C) stops after a batch, and the next run finishes the file', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ external_id: `abort-${i}`, email_address: [`abort${i}@example.com`] }));
    const file = await writeLines(path.join(dir, 'abort.jsonl'), rows);
    const abort = new AbortController();
    const first = await importFile(ctx, file, {
      batchSize: 10,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.inserted > 0) abort.abort();
      },
    });
    assert.equal(first.interrupted, true);
    assert.ok(first.inserted < 40, `inserted ${first.inserted}`);
    const second = await importFile(ctx, file, { batchSize: 10 });
    assert.equal(second.interrupted, false);
    assert.equal(second.inserted + second.skipped, 40);
    assert.equal(second.skipped, first.inserted);
    for (const i of [0, 17, 39]) assert.ok(await userByExternalId(ctx, `abort-${i}`));
  });

  await t.test('odd text is stored as POST stores it: a lone UTF-16 surrogate becomes U+FFFD', async () => {
    const file = path.join(dir, 'surrogate.jsonl');
    await writeFile(file, '{"external_id":"sur-1","first_name":"A\\ud800b","email_address":["sur1@example.com"],"public_metadata":{"k":"\\udc00"}}\n');
    const summary = await importFile(ctx, file);
    assert.equal(summary.inserted, 1);
    const posted = await ctx.app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: { ...ctx.auth, 'content-type': 'application/json' },
      payload: '{"external_id":"sur-2","first_name":"A\\ud800b","email_address":["sur2@example.com"],"public_metadata":{"k":"\\udc00"}}',
    });
    assert.equal(posted.statusCode, 200, posted.body);
    const imported = await userByExternalId(ctx, 'sur-1');
    const created = await userByExternalId(ctx, 'sur-2');
    assert.equal(imported.first_name, 'A\ufffdb');
    assert.equal(created.first_name, imported.first_name);
    assert.deepEqual(created.public_metadata, imported.public_metadata);
  });

  await t.test('a file whose content says no format needs --format, and says so before anything is written', async () => {
    const file = path.join(dir, 'users.txt');
    await writeFile(file, '{"uid": 1, "mail": "x@example.com"}\n');
    await assert.rejects(importFile(ctx, file), /cannot tell which export this is: its first record \(JSON lines\) has the keys uid, mail\. Give --format/);
    await assert.rejects(importFile(ctx, path.join(dir, 'missing.jsonl')), /missing\.jsonl: no such file/);
  });
});
