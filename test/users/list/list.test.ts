import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { after, before, describe, test, type TestContext } from 'node:test';
import { assertError, buildTestApp, call, createTestUser, uniqueEmail, type TestApp } from '../../helper.js';

// GET /v1/users (GetUserList) and GET /v1/users/count (GetUsersCount), clerk-bapi-2025-03-12.yml:
// every filter, ordering, paging, and the count answering the same filters. One database for the
// file; each test creates its own users and, where a filter is not unique by itself, narrows the
// result to them with user_id=… so tests do not see each other's users.

/** Every property of the spec's User schema, plus enterprise_accounts (CLERK-BEHAVIOUR §4). */
const USER_KEYS = [
  'id', 'object', 'external_id', 'primary_email_address_id', 'primary_phone_number_id', 'primary_web3_wallet_id',
  'username', 'first_name', 'last_name', 'profile_image_url', 'image_url', 'has_image', 'public_metadata',
  'private_metadata', 'unsafe_metadata', 'email_addresses', 'phone_numbers', 'web3_wallets', 'passkeys',
  'password_enabled', 'two_factor_enabled', 'totp_enabled', 'backup_code_enabled', 'mfa_enabled_at', 'mfa_disabled_at',
  'external_accounts', 'saml_accounts', 'enterprise_accounts', 'last_sign_in_at', 'banned', 'locked',
  'lockout_expires_in_seconds', 'verification_attempts_remaining', 'updated_at', 'created_at', 'delete_self_enabled',
  'create_organization_enabled', 'create_organizations_limit', 'last_active_at', 'legal_accepted_at',
];

type Params = Record<string, string | number | boolean | (string | number)[]>;

/** A query string; arrays become repeated parameters (`?a=1&a=2`), and `+` is sent as %2B. */
function qs(params: Params): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, String(v));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

const tag = () => randomBytes(4).toString('hex');
let phoneCounter = 0;
function uniquePhone(prefix = '+1555'): string {
  phoneCounter += 1;
  return `${prefix}${String(phoneCounter).padStart(12 - prefix.length, '0')}${randomInt(10)}`;
}
const uniqueWallet = (first = '') => `0x${first}${randomBytes(20).toString('hex').slice(first.length)}`;

type Response = Awaited<ReturnType<typeof call>>;

/** Asserts Clerk's error envelope exactly and returns the entry with `code` (and `param`). */

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

describe('GET /v1/users and /v1/users/count', () => {
  const app = fileApp();

  async function list(params: Params = {}): Promise<Response> {
    return call(app(), 'GET', `/v1/users${qs(params)}`);
  }
  /** The ids a filter returns (limit 500), after checking the response is a bare array. */
  async function ids(params: Params): Promise<string[]> {
    const res = await list({ limit: 500, ...params });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(Array.isArray(res.body), 'the list response is a bare array');
    return res.body.map((u: { id: string }) => u.id);
  }
  async function count(params: Params = {}): Promise<number> {
    const res = await call(app(), 'GET', `/v1/users/count${qs(params)}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(Object.keys(res.body).sort(), ['object', 'total_count']);
    assert.equal(res.body.object, 'total_count');
    assert.ok(Number.isInteger(res.body.total_count));
    return res.body.total_count;
  }
  /** The filter returns exactly `expected` (in any order), and the count with the same filter agrees. */
  async function expectMatch(params: Params, expected: string[]) {
    assert.deepEqual((await ids(params)).sort(), [...expected].sort(), `GET /v1/users${qs(params)}`);
    assert.equal(await count(params), expected.length, `GET /v1/users/count${qs(params)}`);
  }
  async function setUser(id: string, patch: { last_active_at?: number | null; last_sign_in_at?: number | null; updated_at?: number }) {
    await app().deps.db.updateTable('users').set(patch).where('id', '=', id).execute();
  }
  async function user(body: Record<string, unknown> = {}): Promise<{ id: string; [k: string]: unknown }> {
    return createTestUser(app(), body);
  }

  // ---------------------------------------------------------------- shape, paging, validation

  test('GET /v1/users → 200 with a bare array of full User objects', async () => {
    const created = await user({ first_name: 'Shape', public_metadata: { someKey: 1 }, private_metadata: { secretKey: 2 } });
    const res = await list({ user_id: [created.id] });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.ok(Array.isArray(res.body));
    assert.equal(res.body.length, 1);
    assert.deepEqual(Object.keys(res.body[0]).sort(), [...USER_KEYS].sort());
    assert.deepEqual(res.body[0], created);
  });

  test('GET /v1/users/count → 200 { object: "total_count", total_count } counting every user', async () => {
    await user();
    const rows = await app().deps.db.selectFrom('users').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    const total = await count();
    assert.equal(total, Number(rows.n));
    assert.ok(total >= 1);
    await user();
    assert.equal(await count(), total + 1);
  });

  test('GET /v1/users → default limit is 10 and the default order is newest first', async () => {
    for (let i = 0; i < 11; i++) await user();
    const res = await list();
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 10);
    const newest = await app().deps.db
      .selectFrom('users')
      .select('id')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(10)
      .execute();
    assert.deepEqual(
      res.body.map((u: { id: string }) => u.id),
      newest.map((r) => r.id),
    );
    for (let i = 1; i < res.body.length; i++) assert.ok(res.body[i - 1].created_at >= res.body[i].created_at);
  });

  test('GET /v1/users → newest first by created_at when order_by is absent', async () => {
    const a = await user({ created_at: '2010-01-01T00:00:00Z' });
    const c = await user({ created_at: '2012-01-01T00:00:00Z' });
    const b = await user({ created_at: '2011-01-01T00:00:00Z' });
    assert.deepEqual(await ids({ user_id: [a.id, b.id, c.id] }), [c.id, b.id, a.id]);
  });

  test('GET /v1/users → limit and offset page through the results', async () => {
    const users = [];
    for (let i = 0; i < 5; i++) users.push(await user({ created_at: `200${i}-06-01T00:00:00Z` }));
    const newestFirst = users.map((u) => u.id).reverse();
    const scope = { user_id: newestFirst };
    const page = async (params: Params) => {
      const res = await list({ ...scope, ...params });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.map((u: { id: string }) => u.id);
    };
    assert.deepEqual(await page({ limit: 2 }), newestFirst.slice(0, 2));
    assert.deepEqual(await page({ limit: 2, offset: 2 }), newestFirst.slice(2, 4));
    assert.deepEqual(await page({ limit: 2, offset: 4 }), newestFirst.slice(4));
    assert.deepEqual(await page({ offset: 5 }), []);
    assert.deepEqual(await page({ limit: 1 }), newestFirst.slice(0, 1));
    assert.deepEqual(await page({ limit: 500 }), newestFirst);
    assert.deepEqual(await page({ offset: 0 }), newestFirst);
    // The count ignores paging: it is the number of matches.
    assert.equal(await count(scope), 5);
  });

  test('GET /v1/users → 422 form_param_value_invalid for a limit of 0, 501 or "abc"', async () => {
    for (const limit of ['0', '501', 'abc', '-1', '1.5']) {
      const res = await call(app(), 'GET', `/v1/users?limit=${limit}`);
      const err = assertError(res, 422, 'form_param_value_invalid', 'limit');
      assert.equal(err.long_message, 'limit is invalid');
    }
  });

  test('GET /v1/users → 422 form_param_value_invalid for a negative or non-numeric offset', async () => {
    for (const offset of ['-1', 'abc']) {
      const res = await call(app(), 'GET', `/v1/users?offset=${offset}`);
      assertError(res, 422, 'form_param_value_invalid', 'offset');
    }
  });

  test('GET /v1/users → 422 for an order_by that is not a listed property', async () => {
    for (const orderBy of ['password', '-private_metadata', 'created_at;drop table users', '*created_at']) {
      const res = await list({ order_by: orderBy });
      assertError(res, 422, 'form_param_value_invalid', 'order_by');
    }
  });

  test('GET /v1/users → 422 for a banned value that is not a boolean', async () => {
    assertError(await list({ banned: 'maybe' }), 422, 'form_param_value_invalid', 'banned');
  });

  test('GET /v1/users → 422 for a created_at_after that is not an integer', async () => {
    assertError(await list({ created_at_after: 'yesterday' }), 422, 'form_param_value_invalid', 'created_at_after');
    assertError(
      await call(app(), 'GET', '/v1/users/count?last_active_at_before=soon'),
      422,
      'form_param_value_invalid',
      'last_active_at_before',
    );
  });

  test('GET /v1/users → 401 without a secret key', async () => {
    const response = await app().app.inject({ method: 'GET', url: '/v1/users' });
    assert.equal(response.statusCode, 401);
    assert.equal(JSON.parse(response.body).errors[0].code, 'clerk_key_invalid');
  });

  // ---------------------------------------------------------------- exact-value filters

  test('GET /v1/users?email_address → the users with those emails, repeated params OR together', async () => {
    const emailA = uniqueEmail('filter-a');
    const secondB = uniqueEmail('filter-b2');
    const a = await user({ email_address: [emailA] });
    const b = await user({ email_address: [uniqueEmail('filter-b'), secondB] });
    await user();
    await expectMatch({ email_address: [emailA] }, [a.id]);
    // A non-primary email matches too.
    await expectMatch({ email_address: [secondB] }, [b.id]);
    await expectMatch({ email_address: [emailA, secondB] }, [a.id, b.id]);
    // Emails are case-insensitive.
    await expectMatch({ email_address: [emailA.toUpperCase()] }, [a.id]);
    // Unknown values are ignored; a substring is not a match.
    await expectMatch({ email_address: [emailA, uniqueEmail('nobody')] }, [a.id]);
    await expectMatch({ email_address: [emailA.slice(0, -4)] }, []);
  });

  test('GET /v1/users?phone_number → the users with those phone numbers', async () => {
    const phoneA = uniquePhone();
    const phoneB = uniquePhone();
    const a = await user({ phone_number: [phoneA] });
    const b = await user({ phone_number: [uniquePhone(), phoneB] });
    await expectMatch({ phone_number: [phoneA] }, [a.id]);
    await expectMatch({ phone_number: [phoneA, phoneB] }, [a.id, b.id]);
    await expectMatch({ phone_number: [uniquePhone()] }, []);
  });

  test('GET /v1/users?username → the users with those usernames, case-insensitively', async () => {
    const nameA = `Filter_${tag()}`;
    const nameB = `filter_${tag()}`;
    const a = await user({ username: nameA });
    const b = await user({ username: nameB });
    await expectMatch({ username: [nameA] }, [a.id]);
    await expectMatch({ username: [nameA.toLowerCase(), nameB.toUpperCase()] }, [a.id, b.id]);
    await expectMatch({ username: [nameA.slice(0, -2)] }, []);
  });

  test('GET /v1/users?web3_wallet → the users with those wallets', async () => {
    const walletA = uniqueWallet();
    const walletB = uniqueWallet();
    const a = await user({ web3_wallet: [walletA] });
    const b = await user({ web3_wallet: [walletB] });
    await expectMatch({ web3_wallet: [walletA] }, [a.id]);
    await expectMatch({ web3_wallet: [walletA, walletB] }, [a.id, b.id]);
    await expectMatch({ web3_wallet: [uniqueWallet()] }, []);
  });

  test('GET /v1/users?user_id → + and no sign include, - excludes', async () => {
    const t = tag();
    const a = await user({ first_name: `Uid${t}` });
    const b = await user({ first_name: `Uid${t}` });
    const c = await user({ first_name: `Uid${t}` });
    await expectMatch({ user_id: [a.id] }, [a.id]);
    await expectMatch({ user_id: [a.id, `+${b.id}`] }, [a.id, b.id]);
    await expectMatch({ user_id: [a.id, b.id, `-${b.id}`] }, [a.id]);
    // Exclude only: everyone but the excluded (narrowed to this test's users by name).
    await expectMatch({ name_query: `Uid${t}`, user_id: [`-${a.id}`] }, [b.id, c.id]);
    await expectMatch({ name_query: `Uid${t}`, user_id: [`-${a.id}`, `-${c.id}`] }, [b.id]);
    // Unknown ids are ignored.
    await expectMatch({ user_id: [a.id, 'user_doesnotexist'] }, [a.id]);
    // The whole table minus one.
    assert.equal(await count({ user_id: [`-${a.id}`] }), (await count()) - 1);
  });

  test('GET /v1/users?external_id → + and no sign include, - excludes', async () => {
    const t = tag();
    const a = await user({ external_id: `ext-a-${t}` });
    const b = await user({ external_id: `ext-b-${t}` });
    const c = await user();
    const scope = [a.id, b.id, c.id];
    await expectMatch({ external_id: [`ext-a-${t}`] }, [a.id]);
    await expectMatch({ external_id: [`+ext-a-${t}`, `ext-b-${t}`] }, [a.id, b.id]);
    await expectMatch({ external_id: [`ext-a-${t}`, `ext-b-${t}`, `-ext-b-${t}`] }, [a.id]);
    // Exclude only: a user without an external id is not excluded.
    await expectMatch({ user_id: scope, external_id: [`-ext-a-${t}`] }, [b.id, c.id]);
    await expectMatch({ external_id: [`ext-missing-${t}`] }, []);
  });

  test('GET /v1/users?organization_id → an included organization matches nobody; exclude only changes nothing', async () => {
    const a = await user();
    const b = await user();
    await expectMatch({ organization_id: ['org_2abcdefghijklmnopqrstuvwxyz'] }, []);
    await expectMatch({ organization_id: ['+org_2abcdefghijklmnopqrstuvwxyz'] }, []);
    assert.equal(await count({ organization_id: ['org_x'] }), 0);
    await expectMatch({ user_id: [a.id, b.id], organization_id: ['-org_2abcdefghijklmnopqrstuvwxyz'] }, [a.id, b.id]);
    assert.equal(await count({ organization_id: ['-org_x'] }), await count());
  });

  test('GET /v1/users → different filters AND together', async () => {
    const email = uniqueEmail('and');
    const username = `and_${tag()}`;
    const a = await user({ email_address: [email], username });
    const b = await user({ username: `and_${tag()}` });
    await expectMatch({ email_address: [email], username: [username] }, [a.id]);
    await expectMatch({ email_address: [email], username: [String(b.username)] }, []);
    await expectMatch({ user_id: [a.id, b.id], username_query: 'and_' }, [a.id, b.id]);
    await expectMatch({ user_id: [b.id], email_address: [email] }, []);
  });

  // ---------------------------------------------------------------- substring queries

  test('GET /v1/users?query → case-insensitive partial match over emails, phones, usernames, wallets, ids and names', async () => {
    const t = tag();
    const byEmail = await user({ email_address: [`QueryMail${t}@example.com`] });
    const phoneDigits = `${randomInt(10_000_000, 99_999_999)}`;
    const byPhone = await user({ phone_number: [`+4479${phoneDigits}`] });
    const byUsername = await user({ username: `QueryUser${t}` });
    const wallet = uniqueWallet();
    const byWallet = await user({ web3_wallet: [wallet] });
    const byFirst = await user({ first_name: `QueryFirst${t}` });
    const byLast = await user({ last_name: `QueryLast${t}` });
    const byId = await user();

    await expectMatch({ query: `querymail${t}` }, [byEmail.id]);
    await expectMatch({ query: `mail${t}@EXAMPLE` }, [byEmail.id]);
    await expectMatch({ query: `79${phoneDigits}` }, [byPhone.id]);
    await expectMatch({ query: `QUERYUSER${t}` }, [byUsername.id]);
    await expectMatch({ query: wallet.slice(6, 30).toUpperCase() }, [byWallet.id]);
    await expectMatch({ query: `firST${t}` }, [byFirst.id]);
    await expectMatch({ query: `lAsT${t}` }, [byLast.id]);
    await expectMatch({ query: byId.id.slice(-14) }, [byId.id]);
    await expectMatch({ query: byId.id.slice(-14).toLowerCase() }, [byId.id]);
    // One query over all of them at once.
    await expectMatch({ query: t }, [byEmail.id, byUsername.id, byFirst.id, byLast.id]);
    await expectMatch({ query: `nothing${t}` }, []);
  });

  test('GET /v1/users?query → % and _ are matched literally, not as wildcards', async () => {
    const t = tag();
    const percent = await user({ first_name: `Pct${t}a%b` });
    const plain = await user({ first_name: `Pct${t}axyb` });
    const underscore = await user({ username: `und${t}c_d` });
    const other = await user({ username: `und${t}cxd` });
    await expectMatch({ query: `${t}a%b` }, [percent.id]);
    await expectMatch({ query: `${t}c_d` }, [underscore.id]);
    await expectMatch({ query: `und${t}c_` }, [underscore.id]);
    await expectMatch({ name_query: `${t}a%b` }, [percent.id]);
    await expectMatch({ username_query: `${t}c_d` }, [underscore.id]);
    // A bare % matches only values that contain one.
    const withPercent = await ids({ query: '%' });
    assert.ok(withPercent.includes(percent.id));
    assert.ok(!withPercent.includes(plain.id));
    assert.ok(!withPercent.includes(other.id));
    assert.equal(await count({ query: '%' }), withPercent.length);
    // A backslash is literal too.
    await expectMatch({ query: `${t}\\` }, []);
  });

  test('GET /v1/users?email_address_query → case-insensitive partial match on any email', async () => {
    const t = tag();
    const a = await user({ email_address: [`HELLO${t}@example.com`] });
    const b = await user({ email_address: [uniqueEmail(), `second${t}hello@example.org`] });
    await user({ username: `hello${t}` }); // a username does not count
    await expectMatch({ email_address_query: `ello${t}` }, [a.id]);
    await expectMatch({ email_address_query: `${t}hello@EXAMPLE.ORG` }, [b.id]);
    await expectMatch({ email_address_query: t }, [a.id, b.id]);
  });

  test('GET /v1/users?phone_number_query → partial match on any phone number', async () => {
    const digits = `${randomInt(10_000_000, 99_999_999)}`;
    const a = await user({ phone_number: [`+4478${digits}`] });
    const b = await user({ phone_number: [uniquePhone(), `+4477${digits}`] });
    await expectMatch({ phone_number_query: `4478${digits}` }, [a.id]);
    await expectMatch({ phone_number_query: digits }, [a.id, b.id]);
    await expectMatch({ phone_number_query: `+4477${digits}` }, [b.id]);
  });

  test('GET /v1/users?username_query → case-insensitive partial match on the username', async () => {
    const t = tag();
    const a = await user({ username: `SomeCoolUser${t}` });
    await user({ first_name: `CoolUser${t}` }); // a name does not count
    await expectMatch({ username_query: `CoolUser${t}` }, [a.id]);
    await expectMatch({ username_query: `cooluser${t}` }, [a.id]);
    await expectMatch({ username_query: `OMECOOL` + `USER${t}`.toLowerCase() }, [a.id]);
  });

  test('GET /v1/users?name_query → case-insensitive partial match on first or last name', async () => {
    const t = tag();
    const first = await user({ first_name: `Marguerite${t}`, last_name: 'Smith' });
    const last = await user({ first_name: 'John', last_name: `Yourcenar${t}` });
    await user({ username: `marguerite${t}` }); // a username does not count
    await expectMatch({ name_query: `MARGUERITE${t}` }, [first.id]);
    await expectMatch({ name_query: `cenar${t}` }, [last.id]);
    await expectMatch({ name_query: t }, [first.id, last.id]);
  });

  // ---------------------------------------------------------------- state and time filters

  test('GET /v1/users?banned → banned=true lists banned users, banned=false the others', async () => {
    const banned = await user();
    const free = await user();
    const res = await call(app(), 'POST', `/v1/users/${banned.id}/ban`);
    assert.equal(res.status, 200);
    assert.equal(res.body.banned, true);
    const scope = [banned.id, free.id];
    await expectMatch({ user_id: scope, banned: true }, [banned.id]);
    await expectMatch({ user_id: scope, banned: false }, [free.id]);
    await expectMatch({ user_id: scope }, scope);
    const bannedIds = await ids({ banned: true });
    assert.ok(bannedIds.includes(banned.id) && !bannedIds.includes(free.id));
    assert.equal(await count({ banned: true }) + (await count({ banned: false })), await count());
  });

  test('GET /v1/users?last_active_at_before/after → filter on last session activity; never-active users are left out', async () => {
    const T = 1_700_000_000_000;
    const DAY = 86_400_000;
    const u1 = await user();
    const u2 = await user();
    const u3 = await user();
    const never = await user();
    await setUser(u1.id, { last_active_at: T });
    await setUser(u2.id, { last_active_at: T + DAY });
    await setUser(u3.id, { last_active_at: T + 2 * DAY });
    const scope = [u1.id, u2.id, u3.id, never.id];
    const got = await call(app(), 'GET', `/v1/users/${u2.id}`);
    assert.equal(got.body.last_active_at, T + DAY);

    await expectMatch({ user_id: scope, last_active_at_after: T + DAY / 2 }, [u2.id, u3.id]);
    await expectMatch({ user_id: scope, last_active_at_before: T + DAY * 1.5 }, [u1.id, u2.id]);
    await expectMatch({ user_id: scope, last_active_at_after: T + DAY / 2, last_active_at_before: T + DAY * 1.5 }, [u2.id]);
    await expectMatch({ user_id: scope, last_active_at_after: T - DAY }, [u1.id, u2.id, u3.id]);
    await expectMatch({ user_id: scope, last_active_at_before: T + 3 * DAY }, [u1.id, u2.id, u3.id]);
    await expectMatch({ user_id: scope, last_active_at_after: T + 3 * DAY }, []);
    // last_active_at_since is the deprecated name of last_active_at_after.
    await expectMatch({ user_id: scope, last_active_at_since: T + DAY / 2 }, [u2.id, u3.id]);
  });

  test('GET /v1/users?created_at_before/after → filter on the creation time', async () => {
    const u1 = await user({ created_at: '2001-03-01T00:00:00Z' });
    const u2 = await user({ created_at: '2002-03-01T00:00:00Z' });
    const u3 = await user({ created_at: '2003-03-01T00:00:00Z' });
    const scope = [u1.id, u2.id, u3.id];
    const mid12 = Date.UTC(2001, 8, 1);
    const mid23 = Date.UTC(2002, 8, 1);
    await expectMatch({ user_id: scope, created_at_after: mid12 }, [u2.id, u3.id]);
    await expectMatch({ user_id: scope, created_at_before: mid23 }, [u1.id, u2.id]);
    await expectMatch({ user_id: scope, created_at_after: mid12, created_at_before: mid23 }, [u2.id]);
    await expectMatch({ user_id: scope, created_at_before: Date.UTC(2000, 0, 1) }, []);
    // Users created now are after all of them.
    const recent = await user();
    assert.ok((await ids({ created_at_after: Date.UTC(2004, 0, 1) })).includes(recent.id));
    assert.ok(!(await ids({ created_at_after: Date.UTC(2004, 0, 1) })).includes(u3.id));
  });

  // ---------------------------------------------------------------- order_by

  test('GET /v1/users?order_by → every listed property sorts ascending with + or no sign and descending with -', async () => {
    const t = tag();
    // Three users whose values sort in a different order for each property, so a wrong column is caught.
    const spec = {
      A: { created: '2015-01-01T00:00:00Z', updated: 2, email: 'c', wallet: '3', first: 'Bert', last: 'Anna', phone: '2', username: 'c', active: 1, signin: 3 },
      B: { created: '2016-01-01T00:00:00Z', updated: 3, email: 'a', wallet: '2', first: 'Anna', last: 'Cleo', phone: '3', username: 'a', active: 3, signin: 2 },
      C: { created: '2017-01-01T00:00:00Z', updated: 1, email: 'b', wallet: '1', first: 'Cleo', last: 'Bert', phone: '1', username: 'b', active: 2, signin: 1 },
    };
    const T = 1_700_000_000_000;
    const users: Record<string, string> = {};
    for (const [key, v] of Object.entries(spec)) {
      const created = await user({
        email_address: [`${v.email}${t}@example.com`],
        web3_wallet: [uniqueWallet(v.wallet)],
        phone_number: [`+1777${v.phone}${String(randomInt(1_000_000)).padStart(6, '0')}`],
        first_name: v.first,
        last_name: v.last,
        username: `${v.username}${t}`,
        created_at: v.created,
      });
      users[key] = created.id;
      await setUser(created.id, { updated_at: T + v.updated * 1000, last_active_at: T + v.active * 1000, last_sign_in_at: T + v.signin * 1000 });
    }
    const ascending: Record<string, string[]> = {
      created_at: ['A', 'B', 'C'],
      updated_at: ['C', 'A', 'B'],
      email_address: ['B', 'C', 'A'],
      web3wallet: ['C', 'B', 'A'],
      first_name: ['B', 'A', 'C'],
      last_name: ['A', 'C', 'B'],
      phone_number: ['C', 'A', 'B'],
      username: ['B', 'C', 'A'],
      last_active_at: ['A', 'C', 'B'],
      last_sign_in_at: ['C', 'B', 'A'],
    };
    const scope = Object.values(users);
    for (const [field, order] of Object.entries(ascending)) {
      const asc = order.map((k) => users[k]!);
      const desc = [...asc].reverse();
      assert.deepEqual(await ids({ user_id: scope, order_by: field }), asc, `order_by=${field}`);
      assert.deepEqual(await ids({ user_id: scope, order_by: `+${field}` }), asc, `order_by=+${field}`);
      assert.deepEqual(await ids({ user_id: scope, order_by: `-${field}` }), desc, `order_by=-${field}`);
    }

    // Only the first order_by counts.
    assert.deepEqual(
      await ids({ user_id: scope, order_by: ['username', '-created_at'] }),
      ascending.username!.map((k) => users[k]!),
    );
    assert.deepEqual(
      await ids({ user_id: scope, order_by: ['-created_at', 'username'] }),
      ['C', 'B', 'A'].map((k) => users[k]!),
    );
    // Ordering and paging combine.
    const page = await list({ user_id: scope, order_by: '-first_name', limit: 1, offset: 1 });
    assert.deepEqual(page.body.map((u: { id: string }) => u.id), [users.A]);
  });
});
