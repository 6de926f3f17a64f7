import { sql, type SelectQueryBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import { applyFilters, contains, spansValues, type UserFilters } from './filters.js';
import { selectFullUsers, type FullUserRow } from '../store.js';
import { countSearchMatches } from '../search/store.js';

// GET /v1/users and /v1/users/count at scale (issues 5 and 14; plans in bench/README.md). Filters are in
// filters.ts; this file orders, pages and counts. `query` is read from the search document (users/search/),
// one trigram index; how, for a page, is decided here from the term's matches, not from an estimate.

export type { UserFilters } from './filters.js';

export type UserOrderField =
  | 'created_at'
  | 'updated_at'
  | 'email_address'
  | 'web3wallet'
  | 'first_name'
  | 'last_name'
  | 'phone_number'
  | 'username'
  | 'last_active_at'
  | 'last_sign_in_at';

export interface UserOrder {
  field: UserOrderField;
  direction: 'asc' | 'desc';
}

/**
 * The column each order_by sorts on; every one has a btree on (column, id). The primary email, phone and
 * wallet sort by the copies migration 0005 keeps on `users`.
 */
const SORT_KEYS: Record<UserOrderField, { column: string; nullable: boolean }> = {
  created_at: { column: 'created_at', nullable: false },
  updated_at: { column: 'updated_at', nullable: false },
  email_address: { column: 'primary_email_address_sort', nullable: true },
  phone_number: { column: 'primary_phone_number_sort', nullable: true },
  web3wallet: { column: 'primary_web3_wallet_sort', nullable: true },
  first_name: { column: 'first_name', nullable: true },
  last_name: { column: 'last_name', nullable: true },
  username: { column: 'username', nullable: true },
  last_active_at: { column: 'last_active_at', nullable: true },
  last_sign_in_at: { column: 'last_sign_in_at', nullable: true },
};

// One kind of filter defeats the planner when a page is wanted in some order: a created_at /
// last_active_at range with another order. The planner walks the order's index expecting matches spread
// evenly, but time correlates with ids, updated_at, sign-ins…, so they may all sit at the far end
// (created_at_after=last month & order_by=updated_at read all 1M users in 3 s). The page is first looked
// for in a bounded walk of the order (`walkRows` users), which is exact when it fills the page; otherwise
// the filters are applied first and their matches sorted, which costs as many users as match.

export interface ListTuning {
  /** How many users a walk tests before it gives up, for a page of `limit` at `offset`. */
  walkRows: (limit: number, offset: number) => number;
  /** Up to how many matches of `query` are read and sorted; default √((offset + limit) × users), see readQuery. */
  searchCap?: number;
  /** How many users the short walk tried first for a page of `query` reads (0: none); default see readQuery. */
  quickWalk?: number;
}

export const DEFAULT_TUNING: ListTuning = {
  // Measured at 1M users: walking to a page at 0.5 % density takes ~20 ms; a page is expected within
  // 200 users per row there.
  walkRows: (limit, offset) => Math.max(10_000, 500 * (limit + offset)),
};

// Typed loosely inside the page builder: every branch selects the same three columns (id, k, g).
type AnyQuery = SelectQueryBuilder<any, any, any>;

/** How one page is read. */
interface PageStrategy {
  filters: UserFilters;
  /** Walk the order for at most `rows` users, then apply the `after` filters to those. */
  walk?: { rows: number; after: UserFilters };
  /** Sort the filtered users rather than walk an index in order (the fallback of a walk). */
  sortAfterFilter?: boolean;
}

/**
 * The ids of one page, with the sort key `k` and a group `g` (0, then 1 for users without the key).
 *
 * Users without the sort value come last in either direction, and the id breaks ties so pages are
 * stable. An ascending btree on (key, id) read forwards gives `asc nulls last`, but read backwards gives
 * `desc nulls FIRST`; so a descending sort on a nullable key is two index scans: users with the key
 * (backwards), then users without it (by id, backwards), each cut at offset + limit.
 */
function pageIds(db: Executor, s: PageStrategy, order: UserOrder, limit: number, offset: number) {
  const { column, nullable } = SORT_KEYS[order.field];
  const key = sql.ref(`users.${column}`);
  const id = sql.ref('users.id');
  const direction = order.direction === 'asc' ? sql`asc` : sql`desc`;
  const split = nullable && order.direction === 'desc';
  // coalesce(x, x) is x, but no index matches it: the planner has to filter first, then sort.
  const sortable = (e: typeof key) => (s.sortAfterFilter ? sql`coalesce(${e}, ${e})` : e);
  // Users without the key are ordered by id; `key desc` first changes nothing among them but lets the
  // (key, id) btree serve it (read backwards from its nulls), which an IS NULL condition alone would not.
  const ordered = (q: AnyQuery, group: 0 | 1): AnyQuery =>
    q.orderBy(sql`${sortable(key)} ${group === 0 ? direction : sql`desc`}`).orderBy(sql`${sortable(id)} ${group === 0 ? direction : sql`desc`}`);
  const branch = (group: 0 | 1, n: number, skip = 0): AnyQuery => {
    let q: AnyQuery = applyFilters(db.selectFrom('users'), db, s.filters);
    if (split) q = q.where(key, group === 0 ? 'is not' : 'is', null);
    if (s.walk) {
      const window = ordered(q.selectAll('users'), group).limit(s.walk.rows);
      q = applyFilters(db.selectFrom(window.as('users')) as AnyQuery, db, s.walk.after);
    }
    return ordered(q.select(['users.id', key.as('k'), sql<number>`${sql.lit(group)}`.as('g')]), group).limit(n).offset(skip);
  };
  if (!split) return branch(0, limit, offset);
  const both = db.selectFrom(branch(0, offset + limit).as('a')).selectAll().unionAll(db.selectFrom(branch(1, offset + limit).as('b')).selectAll());
  return db.selectFrom(both.as('both')).selectAll().orderBy('g').orderBy(sql`k desc`).orderBy('id', 'desc').limit(limit).offset(offset);
}

/** The page's users (one statement), and for each the group of pageIds it came from. */
async function readPage(db: Executor, s: PageStrategy, order: UserOrder, limit: number, offset: number) {
  const direction = order.direction === 'asc' ? sql`asc` : sql`desc`;
  // The page is found on the indexes first; only its rows then bring their identifications along.
  const rows = await selectFullUsers(db)
    .innerJoin(pageIds(db, s, order, limit, offset).as('page'), 'page.id', 'users.id')
    .select('page.g as page_group')
    .orderBy('page.g')
    .orderBy(sql`page.k ${direction} nulls last`)
    .orderBy(sql`users.id ${direction}`)
    .execute();
  return {
    users: rows.map(({ page_group: _, ...user }) => user as unknown as FullUserRow),
    groups: rows.map((r) => Number(r.page_group)),
  };
}

/** Whether fewer than `rows` users have the sort key under `s`'s filters, i.e. a walk saw them all. */
async function walkSawAll(db: Executor, s: PageStrategy, order: UserOrder, rows: number): Promise<boolean> {
  const key = sql.ref(`users.${SORT_KEYS[order.field].column}`);
  const window = applyFilters(db.selectFrom('users'), db, s.filters).where(key, 'is not', null).select(sql`1`.as('one')).limit(rows);
  const { n } = await db.selectFrom(window.as('w')).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return Number(n) < rows;
}

/** Whether a filter lists the users to consider (ids, identifiers, organizations): a set bounded by its lists. */
function narrowed(f: UserFilters): boolean {
  return [f.emailAddresses, f.phoneNumbers, f.usernames, f.web3Wallets, f.userIds?.include, f.externalIds?.include, f.organizationIds?.include].some(
    (list) => list?.length,
  );
}

/** The time ranges that may sit anywhere along `field`'s order, unless a selective filter narrows the users first. */
function riskyRanges(f: UserFilters, field: UserOrderField): UserFilters | undefined {
  if (narrowed(f)) return undefined;
  const ranges: UserFilters = {};
  if (field !== 'created_at') Object.assign(ranges, { createdAtBefore: f.createdAtBefore, createdAtAfter: f.createdAtAfter });
  if (field !== 'last_active_at') Object.assign(ranges, { lastActiveAtBefore: f.lastActiveAtBefore, lastActiveAtAfter: f.lastActiveAtAfter });
  return Object.values(ranges).some((v) => v !== undefined) ? ranges : undefined;
}

/** At most this many ids travel back and into the page's statement (640 KB of them). */
const MAX_READ_MATCHES = 20_000;
/** The short walk reads this many users per user of the page: enough for a term in about one user of 5. */
const QUICK_WALK_PER_ROW = 10;

/**
 * How a page reads `query`, from the term's matches rather than the planner's estimate of them (migration
 * 0028): up to a cap they are read (one bitmap scan of the trigram index, stopped there) and become the
 * ids to sort; past it the term is common enough that walking the order, probing each user's document,
 * meets the page within about as many users. Sorting m matches costs about m primary-key reads, walking
 * to a page `walk` (offset + limit) deep about walk × users / m probes: they are equal at m = √(walk ×
 * users) (3,163 for a first page of 10 at 1M users), so that is the cap, computed in the same statement
 * from the table's size as last analyzed, and never more than MAX_READ_MATCHES (deep offsets walk). (Lists
 * narrowed by another filter leave it to the planner.)
 *
 * In created_at order with no other filter (the default list, and the SDK's), the matches come back
 * sorted by the created_at their documents carry (migration 0031) and only the first `walk` of them are
 * kept: the page then reads those users' rows, not every match's.
 *
 * There, a short walk comes first, in the same statement: the first 10 × walk users of the order, each
 * probed, hold the page of a term in about a fifth of the users or more (one in ten: half the time), and
 * spare it the index scan, whose bitmap holds every match before the first is read. A rarer term pays
 * those probes and then reads its matches as before. Measured at 1M users, a first page (100 probes) of a
 * term in 18 % of them: 20.7 → 2.3 ms; of rarer terms: +0.2 to +0.8 ms. The walk is tried while it costs
 * at most a quarter of the cap, i.e. for the first pages of large tables.
 */
async function readQuery(db: Executor, f: UserFilters, term: string, walk: number, order: UserOrder, tuning: ListTuning): Promise<UserFilters> {
  const sortedHere = order.field === 'created_at' && queryAlone(f) !== undefined;
  const newestFirst = sortedHere ? order.direction === 'desc' : null;
  // Past the cap the ids read stay in the database (null): a common term would send thousands for nothing.
  // `offset 0` keeps `m` a subquery: flattened, its call was copied into both arms of the case and the
  // index scanned twice (a page of a one-user term at 1M: 5.5 ms instead of 2.8). coalesce() evaluates its
  // second argument only when the first is null: a short walk that fills the page scans no index.
  const { rows } = await sql<{ ids: string[] | null }>`
    select coalesce(${newestFirst === null ? sql`null::text[]` : quickWalk(term, walk, newestFirst, tuning)}, (
      select case when cardinality(m.ids) <= c.cap then m.ids[1:coalesce(${sortedHere ? walk : null}::int, c.cap)] end
      from (select user_search_ids(${contains(term)}, c.cap + 1, ${newestFirst}::boolean) as ids offset 0) m)) as ids
    from (select coalesce(${tuning.searchCap ?? null}::int, least(ceil(sqrt(${walk}::float8 * c.users)), ${MAX_READ_MATCHES})::int) as cap, c.users
          from (select greatest(reltuples, 1)::float8 as users from pg_class where oid = 'user_search'::regclass) c) c`.execute(db);
  return { ...f, queryRead: rows[0]!.ids ?? 'probe' };
}

/**
 * The short walk's call (migration 0032): the first `walk` matches in created_at order when the order's
 * first QUICK_WALK_PER_ROW × walk users hold them, else null. Refers to readQuery's `c.users`, the table's
 * size as last analyzed.
 */
function quickWalk(term: string, walk: number, newestFirst: boolean, tuning: ListTuning) {
  const rows = QUICK_WALK_PER_ROW * walk;
  const read = sql`coalesce(${tuning.quickWalk ?? null}::int, case when ${rows}::float8 * 4 <= sqrt(${walk}::float8 * c.users) then ${rows}::int else 0 end)`;
  return sql`user_search_first(${contains(term)}, ${walk}::int, ${read}, ${newestFirst}::boolean)`;
}

export async function listUsers(
  db: Executor,
  filters: UserFilters,
  order: UserOrder,
  limit: number,
  offset: number,
  tuning: ListTuning = DEFAULT_TUNING,
): Promise<FullUserRow[]> {
  const term = narrowed(filters) ? undefined : filters.query;
  const read = term ? await readQuery(db, filters, term, offset + limit, order, tuning) : filters;
  // A term in no user (what a search box sends while a name is being typed) needs no page read.
  if (Array.isArray(read.queryRead) && read.queryRead.length === 0) return [];
  // A set bounded by its lists, which may sit anywhere along any order, is collected first and sorted: the
  // members of given organizations (walking created_at for them read 15,000 users to find 10 members of a
  // 5,000-member organization), the matches of `query` just read.
  const collected = Boolean(read.organizationIds?.include.length) || Array.isArray(read.queryRead);
  const ranges = collected ? undefined : riskyRanges(read, order.field);
  if (!ranges) return (await readPage(db, { filters: read, sortAfterFilter: collected }, order, limit, offset)).users;

  const rows = tuning.walkRows(limit, offset);
  const within: UserFilters = { ...read, ...Object.fromEntries(Object.keys(ranges).map((k) => [k, undefined])) };
  const walk: PageStrategy = { filters: within, walk: { rows, after: ranges } };
  const { users, groups } = await readPage(db, walk, order, limit, offset);
  // The walk's page is exact when it is full and nothing before it was cut off: either it all comes from
  // the users with the sort key, or the walk over those saw every one of them.
  if (users.length === limit && (groups.every((g) => g === 0) || (await walkSawAll(db, walk, order, rows)))) return users;
  return (await readPage(db, { filters: read, sortAfterFilter: true }, order, limit, offset)).users;
}

/**
 * The term, when `query` is the only filter and the documents alone answer it (a term that spans two
 * values is also checked value by value on `users`): what a count, or a sorted read of the matches, needs.
 */
function queryAlone(filters: UserFilters): string | undefined {
  const { query, ...others } = filters;
  return query && !spansValues(query) && Object.values(others).every((v) => v === undefined) ? query : undefined;
}

export async function countUsers(db: Executor, filters: UserFilters): Promise<number> {
  const term = queryAlone(filters);
  // `query` alone: a count of matching documents (one per user), without reading `users`.
  if (term !== undefined) return countSearchMatches(db, contains(term));
  const row = await applyFilters(db.selectFrom('users'), db, filters)
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
