import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { buildTestApp, call, engine, type TestApp } from '../../helper.js';
import { allUsers, importFile, readRejects, tempDir, writeLines } from '../../import/support.js';

// `gatehouse import --load first` (issue 14): staged without indexes, moved in one transaction, indexes
// re-created after. The same file gives the same users, identifications, search documents, events,
// counts and rejects as the batch path; a failure in the last step leaves nothing imported and the indexes
// as they were; an interrupted run resumes.

const BCRYPT = '$2b$10$bLtc25S.sVUxJ0SL8bm2DupcdwPouTi441pKtuOnq8y8TTXN8BP0y';
const ROWS = 700;

/** Rows with duplicates inside the file, a user already there, and bad rows. */
function lines(): unknown[] {
  const rows: unknown[] = [];
  for (let i = 0; i < ROWS; i++) {
    const at = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
    if (i % 50 === 7) rows.push({ external_id: `lf-${i}`, email_address: [`not an email ${i}`] });
    // The same user as an earlier row (its external_id): fills in what that row did not give.
    else if (i % 50 === 9) rows.push({ external_id: `lf-${i - 4}`, first_name: `Later${i}`, phone_number: [`+1415555${String(1000 + i).slice(-4)}`] });
    // Another user with an earlier row's email: rejected (form_identifier_exists).
    else if (i % 50 === 11) rows.push({ external_id: `lf-${i}`, email_address: [`LF${i - 1}@example.com`] });
    // The user created before the import (same external_id): filled.
    else if (i === 13) rows.push({ external_id: 'lf-existing', last_name: 'Filled', email_address: ['lf13@example.com'] });
    // A new user whose username the existing user holds: rejected.
    else if (i === 15) rows.push({ external_id: `lf-${i}`, username: 'lf_taken', email_address: ['lf15@example.com'] });
    else {
      rows.push({
        external_id: `lf-${i}`,
        email_address: [`lf${i}@example.com`],
        username: i % 3 === 0 ? `lf_user_${i}` : undefined,
        first_name: i % 5 === 0 ? undefined : `First${i}`,
        password_digest: BCRYPT,
        password_hasher: 'bcrypt',
        created_at: at,
        public_metadata: { n: i },
      });
    }
  }
  return rows;
}

/** A user as GET /v1/users shows it, without what is made afresh by each import (ids, times of now). */
function comparable(user: any) {
  const values = (list: any[], key: string) => list.map((i) => `${i[key]} ${i.verification?.status}`);
  return {
    external_id: user.external_id,
    username: user.username,
    first_name: user.first_name,
    last_name: user.last_name,
    created_at: user.external_id === 'lf-existing' ? 'now' : user.created_at,
    public_metadata: user.public_metadata,
    password_enabled: user.password_enabled,
    emails: values(user.email_addresses, 'email_address'),
    phones: values(user.phone_numbers, 'phone_number'),
    primary_email: user.email_addresses.find((e: any) => e.id === user.primary_email_address_id)?.email_address,
  };
}

async function state(ctx: TestApp, summary: Awaited<ReturnType<typeof importFile>>) {
  const users = (await allUsers(ctx)).map(comparable).sort((a, b) => (a.external_id < b.external_id ? -1 : 1));
  const events = await sql<{ type: string; n: string | number }>`select type, count(*) as n from events group by type order by type`.execute(ctx.deps.db);
  const documents = await sql<{ n: string | number }>`select count(*) as n from user_search`.execute(ctx.deps.db);
  // Load-first writes documents for all its users at once (users/search#insertSearchDocumentsFrom): each is
  // what a user's own write would have made.
  const stale = await sql<{ n: string | number }>`select count(*) as n from user_search s join users u on u.id = s.user_id
    where s.document is distinct from user_search_document(u.id, u.username, u.first_name, u.last_name)`.execute(ctx.deps.db);
  assert.equal(Number(stale.rows[0]!.n), 0, 'every document as user_search_document() makes it');
  const search = await call(ctx, 'GET', '/v1/users/count?query=first1');
  const rejects = summary.rejectsPath ? (await readRejects(summary.rejectsPath)).sort((a, b) => a.line - b.line) : [];
  return {
    counts: { read: summary.read, inserted: summary.inserted, updated: summary.updated, skipped: summary.skipped, rejected: summary.rejected },
    users,
    events: events.rows.map((r) => `${r.type}: ${Number(r.n)}`),
    documents: Number(documents.rows[0]!.n),
    searched: search.body.total_count,
    rejects: rejects.map((r) => ({ line: r.line, codes: r.errors.map((e) => `${e.code} ${e.param_name}`) })),
  };
}

/** The indexes and foreign keys of the tables an import writes. */
async function indexes(ctx: TestApp): Promise<string[]> {
  const result = await sql<{ indexdef: string }>`
    select indexdef from pg_indexes where schemaname = current_schema()
      and tablename in ('users', 'email_addresses', 'phone_numbers', 'web3_wallets', 'images', 'user_search') order by indexname`.execute(ctx.deps.db);
  // The last step drops and re-creates the foreign keys on these tables too.
  const keys = await sql<{ key: string }>`
    select t.relname || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid) as key from pg_constraint c join pg_class t on t.oid = c.conrelid
    where c.contype = 'f' and t.relnamespace = current_schema()::regnamespace
      and t.relname in ('users', 'email_addresses', 'phone_numbers', 'web3_wallets', 'images', 'user_search') order by key`.execute(ctx.deps.db);
  // Without the schema: each test app has its own on PostgreSQL.
  return [...result.rows.map((r) => r.indexdef.replace(/ ON [^ ]+\./, ' ON ')), ...keys.rows.map((r) => r.key)];
}

async function freshApp(t: Parameters<typeof buildTestApp>[0]) {
  const ctx = await buildTestApp(t);
  const res = await call(ctx, 'POST', '/v1/users', { external_id: 'lf-existing', username: 'lf_taken', email_address: ['existing@example.com'] });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return ctx;
}

test(`gatehouse import --load first (${engine})`, async (t) => {
  const dir = await tempDir(t);
  const file = await writeLines(path.join(dir, 'users.jsonl'), lines());

  const batches = await freshApp(t);
  const indexesBefore = await indexes(batches);
  const viaBatches = await importFile(batches, file, { batchSize: 100, load: 'batches', rejectsPath: path.join(dir, 'batches.rejects.jsonl') });
  assert.equal(viaBatches.load, 'batches');
  const expected = await state(batches, viaBatches);

  await t.test('the same users, identifications, search documents, events, counts and rejects as the batch path', async () => {
    const ctx = await freshApp(t);
    const summary = await importFile(ctx, file, { batchSize: 100, load: 'first', rejectsPath: path.join(dir, 'first.rejects.jsonl') });
    assert.equal(summary.load, 'first');
    const got = await state(ctx, summary);
    assert.deepEqual(got, expected);
    assert.ok(expected.counts.inserted > 600 && expected.counts.updated > 10 && expected.counts.rejected > 20, JSON.stringify(expected.counts));
    assert.deepEqual(await indexes(ctx), indexesBefore, 'every index is back, as it was defined');
    const staging = await sql<{ n: string | number }>`select count(*) as n from pg_tables where schemaname = current_schema() and tablename like 'import_stage_%'`.execute(ctx.deps.db);
    assert.equal(Number(staging.rows[0]!.n), 0, 'the staging tables are gone');
  });

  await t.test('interrupted after two batches, run again: the same result', async () => {
    const ctx = await freshApp(t);
    const abort = new AbortController();
    const first = await importFile(ctx, file, {
      batchSize: 100,
      load: 'first',
      signal: abort.signal,
      onProgress: (p) => p.inserted >= 150 && abort.abort(),
    });
    assert.equal(first.interrupted, true);
    assert.ok(first.staged >= 150, `${first.staged} staged`);
    assert.equal(first.inserted, 0, 'nothing is imported before the last step');
    assert.equal((await allUsers(ctx)).length, 1, 'no staged user is visible');
    // Resumed: `auto` finds the staging tables of this file and loads first again.
    const second = await importFile(ctx, file, { batchSize: 100, rejectsPath: path.join(dir, 'resumed.rejects.jsonl') });
    assert.equal(second.load, 'first');
    assert.equal(second.skipped - expected.counts.skipped, first.staged, 'what the first run staged is skipped, not validated again');
    const got = await state(ctx, second);
    assert.deepEqual(got.users, expected.users);
    assert.deepEqual(got.events, expected.events);
    assert.equal(got.documents, expected.documents);
    assert.deepEqual(got.rejects, expected.rejects);
    assert.equal(second.inserted + first.staged, expected.counts.inserted);
  });

  await t.test('a duplicate that reaches the last step: nothing imported, indexes as they were; --load batches then imports', async () => {
    const ctx = await freshApp(t);
    const abort = new AbortController();
    await importFile(ctx, file, { batchSize: 100, load: 'first', signal: abort.signal, onProgress: (p) => p.inserted > 0 && abort.abort() });
    // Another writer takes an email of a staged row, after it was staged.
    const res = await call(ctx, 'POST', '/v1/users', { external_id: 'meanwhile', email_address: ['lf0@example.com'] });
    assert.equal(res.status, 200);
    await assert.rejects(importFile(ctx, file, { batchSize: 100, load: 'first' }), /unique|duplicate/i);
    assert.deepEqual(
      (await allUsers(ctx)).map((u) => u.external_id).sort(),
      ['lf-existing', 'meanwhile'],
      'no user of the file is visible',
    );
    assert.deepEqual(await indexes(ctx), indexesBefore, 'the indexes are as they were');
    const rejected = await call(ctx, 'POST', '/v1/users', { email_address: ['LF0@example.com'] });
    assert.equal(rejected.status, 422, 'the unique index still answers');

    const summary = await importFile(ctx, file, { batchSize: 100, load: 'batches', rejectsPath: path.join(dir, 'after.rejects.jsonl') });
    assert.equal(summary.load, 'batches');
    // Every row as the batch path writes it, but lf-0: its email belongs to `meanwhile` now.
    assert.equal(summary.rejected, expected.counts.rejected + 1);
    assert.equal((await allUsers(ctx)).length, expected.users.length);
  });
});
