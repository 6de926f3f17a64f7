import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { test } from 'node:test';
import { sql } from 'kysely';
import { buildTestApp, call, createTestUser, type TestApp } from '../../helper.js';
import { inTransaction } from '../../../src/db/transaction.js';
import { DEFAULT_TUNING, countUsers, listUsers, type ListTuning } from '../../../src/users/list/store.js';
import { toUserFilters, toUserOrder } from '../../../src/users/list/service.js';
import { ORDER_FIELDS } from '../../../src/users/schemas.js';

// The list machinery that only shows at scale (issue 5), pinned on small data: users without a sort value
// come last in both directions (a descending sort on a nullable key is two index scans), the primary
// identification sort keys follow every primary change (migration 0005's trigger), `query` through the
// search document pages exactly like the users it should find, and a range walk matches the plain pages.

const tag = () => randomBytes(4).toString('hex');
const ids = (res: Awaited<ReturnType<typeof call>>) => {
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return (res.body as { id: string }[]).map((u) => u.id);
};

/** 14 users: some without a name, phone or username, created on a few different days. */
async function seedUsers(ctx: TestApp, t: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < 14; i++) {
    const user = await createTestUser(ctx, {
      email_address: [`${['kim', 'ann', 'bo', 'cy'][i % 4]}.${i}.${t}@example.com`],
      ...(i % 3 !== 0 ? { first_name: ['Zed', 'Amy', 'Kim'][i % 3], last_name: `Lee${i % 5}` } : {}),
      ...(i % 2 === 0 ? { phone_number: [`+1666${String(randomInt(1e8)).padStart(8, '0')}${i % 10}`] } : {}),
      ...(i % 4 === 1 ? { username: `kim_${i}_${t}` } : {}),
      created_at: new Date(Date.UTC(2020, 0, 1 + ((i * 7) % 13))).toISOString(),
    });
    ids.push(user.id);
  }
  return ids;
}

test('GET /v1/users → users without the sort value come last in both directions, across pages', async (t) => {
  const ctx = await buildTestApp(t);
  const scope = await seedUsers(ctx, tag());
  const filter = scope.map((id) => `user_id=${id}`).join('&');
  const rows = await ctx.deps.db.selectFrom('users').selectAll().where('id', 'in', scope).execute();
  const columns = {
    first_name: 'first_name',
    phone_number: 'primary_phone_number_sort',
    username: 'username',
    web3wallet: 'primary_web3_wallet_sort',
    last_active_at: 'last_active_at',
  } as const;
  for (const [field, column] of Object.entries(columns)) {
    const hasValue = (id: string) => (rows.find((r) => r.id === id) as Record<string, unknown>)[column] != null;
    const nulls: Record<string, string[]> = {};
    for (const sign of ['', '-']) {
      const all = ids(await call(ctx, 'GET', `/v1/users?order_by=${sign}${field}&limit=100&${filter}`));
      assert.deepEqual([...all].sort(), [...scope].sort());
      // Page by page (limit 3) gives the same sequence as one big page.
      const paged: string[] = [];
      for (let offset = 0; offset < scope.length; offset += 3) {
        paged.push(...ids(await call(ctx, 'GET', `/v1/users?order_by=${sign}${field}&limit=3&offset=${offset}&${filter}`)));
      }
      assert.deepEqual(paged, all, `${sign}${field} paged`);
      const withValue = all.filter(hasValue).length;
      assert.ok(all.slice(withValue).every((id) => !hasValue(id)), `${sign}${field}: users without a value come last`);
      nulls[sign] = all.slice(withValue);
    }
    // Among them the id decides, in the direction asked.
    assert.deepEqual(nulls['-'], [...nulls['']!].reverse(), `${field}: ties by id`);
  }
});

test('GET /v1/users?order_by=email_address → follows the primary email through every change', async (t) => {
  const ctx = await buildTestApp(t);
  const t1 = tag();
  const a = await createTestUser(ctx, { email_address: [`mmm.${t1}@example.com`, `aaa.${t1}@example.com`] });
  const b = await createTestUser(ctx, { email_address: [`nnn.${t1}@example.com`] });
  const order = async () => ids(await call(ctx, 'GET', `/v1/users?order_by=email_address&user_id=${a.id}&user_id=${b.id}`));
  assert.deepEqual(await order(), [a.id, b.id], 'mmm < nnn');
  // PATCH /users primary_email_address_id → aaa…
  const aaa = a.email_addresses.find((e: { email_address: string }) => e.email_address.startsWith('aaa'))!;
  const zzz = (await call(ctx, 'POST', '/v1/email_addresses', { user_id: b.id, email_address: `ZZZ.${t1}@example.com`, verified: true, primary: true })).body;
  assert.deepEqual(await order(), [a.id, b.id], 'mmm < zzz (case-insensitive)');
  assert.equal((await call(ctx, 'PATCH', `/v1/users/${a.id}`, { primary_email_address_id: aaa.id })).status, 200);
  assert.deepEqual(await call(ctx, 'GET', `/v1/users?order_by=-email_address&user_id=${a.id}&user_id=${b.id}`).then(ids), [b.id, a.id]);
  // Deleting b's primary falls back to its other address (nnn), which still sorts after aaa.
  assert.equal((await call(ctx, 'DELETE', `/v1/email_addresses/${zzz.id}`)).status, 200);
  const row = await ctx.deps.db.selectFrom('users').select(['primary_email_address_sort']).where('id', '=', b.id).executeTakeFirstOrThrow();
  assert.equal(row.primary_email_address_sort, `nnn.${t1}@example.com`);
  // PATCH /email_addresses/{id} primary: true moves it too.
  const mmm = a.email_addresses.find((e: { email_address: string }) => e.email_address.startsWith('mmm'))!;
  assert.equal((await call(ctx, 'PATCH', `/v1/email_addresses/${mmm.id}`, { primary: true })).status, 200);
  const rowA = await ctx.deps.db.selectFrom('users').select(['primary_email_address_sort']).where('id', '=', a.id).executeTakeFirstOrThrow();
  assert.equal(rowA.primary_email_address_sort, `mmm.${t1}@example.com`);
});

test('GET /v1/users?query → the search document finds exactly the users one of whose values contains the term, in every order and page', async (t) => {
  const ctx = await buildTestApp(t);
  const t1 = tag();
  const scope = await seedUsers(ctx, t1);
  const users = (await call(ctx, 'GET', `/v1/users?limit=100&${scope.map((id) => `user_id=${id}`).join('&')}`)).body as {
    id: string;
    username: string | null;
    first_name: string | null;
    last_name: string | null;
    email_addresses: { email_address: string }[];
    phone_numbers: { phone_number: string }[];
    web3_wallets: { web3_wallet: string }[];
  }[];
  // The rule, value by value, written out here rather than read from the database.
  const values = (u: (typeof users)[number]) => [
    u.id,
    u.username ?? '',
    `${u.first_name ?? ''} ${u.last_name ?? ''}`,
    ...u.email_addresses.map((e) => e.email_address),
    ...u.phone_numbers.map((p) => p.phone_number),
    ...u.web3_wallets.map((w) => w.web3_wallet),
  ];
  const reads: Record<string, ListTuning> = {
    default: DEFAULT_TUNING,
    sorted: { ...DEFAULT_TUNING, searchCap: 1_000 },
    walked: { ...DEFAULT_TUNING, searchCap: 0 },
    // A short walk first (created_at order only): it fills the page, or falls back to one of the above.
    'short walk': { ...DEFAULT_TUNING, searchCap: 1_000, quickWalk: 5 },
    'short walk, then walked': { ...DEFAULT_TUNING, searchCap: 0, quickWalk: 1_000 },
  };
  for (const term of ['kim', 'lee', 'Kim Lee', t1.slice(0, 4), '+1666', `m.${t1.slice(0, 3)}`, 'nothing-matches', 'lee1\x1fann', '\x1f']) {
    // (The last two contain the document's value separator: they must not match across two values.)
    const expected = users.filter((u) => values(u).some((v) => v.toLowerCase().includes(term.toLowerCase()))).map((u) => u.id);
    for (const field of ORDER_FIELDS) {
      for (const sign of ['', '-']) {
        for (const [limit, offset] of [[3, 0], [3, 2], [100, 0]] as const) {
          const order = toUserOrder(`${sign}${field}`);
          // The reference page: the same order over exactly the expected users.
          const reference = expected.length ? await listUsers(ctx.deps.db, toUserFilters({ user_id: expected }), order, limit, offset) : [];
          const at = `query=${term} order_by=${sign}${field} limit=${limit} offset=${offset}`;
          // Narrowed by user_id (the planner's semi-join), and alone: its matches read and sorted, or
          // the order walked with a probe of each user's document.
          const narrowed = await listUsers(ctx.deps.db, toUserFilters({ query: term, user_id: scope }), order, limit, offset);
          assert.deepEqual(narrowed.map((u) => u.id), reference.map((u) => u.id), `${at} (user_id)`);
          // (This test's database holds only the 14 users.)
          for (const [name, tuning] of Object.entries(reads)) {
            const got = await listUsers(ctx.deps.db, toUserFilters({ query: term }), order, limit, offset, tuning);
            assert.deepEqual(got.map((u) => u.id), reference.map((u) => u.id), `${at} (${name})`);
          }
        }
      }
    }
    assert.equal(await countUsers(ctx.deps.db, toUserFilters({ query: term, user_id: scope })), expected.length, `count query=${term}`);
  }
  // The count of a term alone (no other filter) counts matching users once each, however many values match.
  assert.equal(await countUsers(ctx.deps.db, toUserFilters({ query: t1 })), scope.length);
  assert.equal(await countUsers(ctx.deps.db, toUserFilters({ query: `kim.0.${t1}` })), 1);
});

test('GET /v1/users with a created_at / last_active_at range → a walk of another order and its fallback give the plain pages', async (t) => {
  const ctx = await buildTestApp(t);
  const t1 = tag();
  const scope = await seedUsers(ctx, t1);
  // Half the users active, at times that run against their creation order.
  for (const [i, id] of scope.entries()) {
    if (i % 2 === 0) await ctx.deps.db.updateTable('users').set({ last_active_at: Date.UTC(2024, 0, 30 - i) }).where('id', '=', id).execute();
  }
  const walks: Record<string, ListTuning> = {
    walk: { ...DEFAULT_TUNING, walkRows: () => 1_000_000 },
    fallback: { ...DEFAULT_TUNING, walkRows: () => 2 },
  };
  const ranges = [
    { created_at_after: Date.UTC(2020, 0, 6) },
    { created_at_before: Date.UTC(2020, 0, 9), last_active_at_after: Date.UTC(2024, 0, 20) },
    { last_active_at_before: Date.UTC(2024, 0, 25) },
  ];
  for (const range of ranges) {
    for (const term of [undefined, 'kim']) {
      for (const field of ORDER_FIELDS) {
        for (const sign of ['', '-']) {
          for (const [limit, offset] of [[3, 0], [3, 2], [100, 0]] as const) {
            const order = toUserOrder(`${sign}${field}`);
            // With user_id the users are narrowed first, so the plain plan is used: the reference.
            const plain = await listUsers(ctx.deps.db, toUserFilters({ ...range, query: term, user_id: scope }), order, limit, offset);
            for (const [name, tuning] of Object.entries(walks)) {
              const got = await listUsers(ctx.deps.db, toUserFilters({ ...range, query: term }), order, limit, offset, tuning);
              assert.deepEqual(
                got.map((u) => u.id),
                plain.map((u) => u.id),
                `${name}: ${JSON.stringify(range)} query=${term} order_by=${sign}${field} limit=${limit} offset=${offset}`,
              );
            }
          }
        }
      }
    }
  }
});

test('GET /v1/users?query → a page scans the term\'s matches once, whether it reads them or walks past the cap', async (t) => {
  const ctx = await buildTestApp(t);
  const t1 = tag();
  await seedUsers(ctx, t1);
  // The calls of user_search_ids() (one scan of the trigram index each) made by one page, counted by
  // PostgreSQL (the backend's counts not yet flushed: read before and after).
  const scans = (tuning: ListTuning) =>
    inTransaction(ctx.deps.db, async (db) => {
      await sql`set local track_functions = 'all'`.execute(db);
      const calls = async () =>
        Number((await sql<{ n: string | null }>`select pg_stat_get_xact_function_calls('user_search_ids(text, integer, boolean)'::regprocedure) as n`.execute(db)).rows[0]!.n ?? 0);
      const before = await calls();
      const page = await listUsers(db, toUserFilters({ query: t1 }), toUserOrder('-created_at'), 10, 0, tuning);
      return { users: page.length, scans: (await calls()) - before };
    });
  // 14 matches: read and sorted (under the cap), or the order walked with a probe per user (over it).
  assert.deepEqual(await scans({ ...DEFAULT_TUNING, searchCap: 1_000 }), { users: 10, scans: 1 });
  assert.deepEqual(await scans({ ...DEFAULT_TUNING, searchCap: 5 }), { users: 10, scans: 1 });
  // A short walk that meets all 10 first scans no index; one that meets fewer (9 users walked) scans it once.
  assert.deepEqual(await scans({ ...DEFAULT_TUNING, searchCap: 1_000, quickWalk: 14 }), { users: 10, scans: 0 });
  assert.deepEqual(await scans({ ...DEFAULT_TUNING, searchCap: 1_000, quickWalk: 9 }), { users: 10, scans: 1 });
});

test('GET /v1/users?query in created_at order → matches sorted on their documents break ties by id, as a page does', async (t) => {
  const ctx = await buildTestApp(t);
  const t1 = tag();
  const same = '2021-06-01T00:00:00.000Z';
  const made: string[] = [];
  for (let i = 0; i < 4; i++) made.push((await createTestUser(ctx, { email_address: [`tie${i}.${t1}@example.com`], created_at: same })).id);
  // Under the cap (set here: this small database's own cap depends on its statistics), the matches are
  // read and sorted where they are found.
  const sorted = { ...DEFAULT_TUNING, searchCap: 1_000 };
  for (const sign of ['', '-']) {
    const order = toUserOrder(`${sign}created_at`);
    // The reference: the same users in one page, ordered by the page's own sort (ids compared by the
    // database's collation, not JavaScript's).
    const reference = (await listUsers(ctx.deps.db, toUserFilters({ user_id: made }), order, 100, 0)).map((u) => u.id);
    assert.deepEqual([...reference].sort(), [...made].sort());
    // One user a page: each page keeps only the first offset + 1 matches, so a cut through the tie shows.
    const paged: string[] = [];
    for (let offset = 0; offset < made.length; offset++) {
      const page = await listUsers(ctx.deps.db, toUserFilters({ query: t1 }), order, 1, offset, sorted);
      paged.push(...page.map((u) => u.id));
    }
    assert.deepEqual(paged, reference, `${sign}created_at`);
  }
});
