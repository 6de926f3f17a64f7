import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { toJson } from '../../db/json.js';
import type { EmailAddressRow, ImageRow, PhoneNumberRow, UserRow } from '../../db/schema.js';
import { refreshSearchDocuments } from '../search/store.js';
import { SEARCHED_COLUMNS, selectFullUsers, type FullUserRow } from '../store.js';

// Set-based writes and reads of users rows, many at once: the bulk import (and POST /v1/users, which is a
// batch of one). A new user's identifications and image are written by their owners (new-users.ts).

/**
 * State only an import can set (the `gatehouse` key of an exported line, users/bulk/gatehouse-extension.ts).
 * Left out (undefined, so absent from the batch's JSON) means the column default: a new user's state.
 */
type ImportOnlyColumns =
  | 'banned' | 'locked_at' | 'lockout_expires_at' | 'failed_verification_attempts' | 'last_sign_in_at' | 'last_active_at'
  | 'mfa_disabled_at' | 'totp_last_used_step' | 'profile_image_id';

/** null = the column default (true). */
type DefaultedFlags = 'delete_self_enabled' | 'create_organization_enabled';

/**
 * A users row as the bulk insert takes it (db/schema.ts's row, metadata as objects). The sort keys of the
 * primaries (migration 0005) are set by the caller: users are inserted before their identifications, so
 * the insert trigger could not look them up (lower(email), phone, lower(wallet)). The pending TOTP secret
 * of a Frontend API enrolment is never part of a new user.
 */
export type NewUserRecord = Omit<UserRow, ImportOnlyColumns | DefaultedFlags | 'totp_pending_secret'> &
  { [C in DefaultedFlags]: UserRow[C] | null } &
  Partial<Pick<UserRow, ImportOnlyColumns>>;

/**
 * An email address, phone number or web3 wallet of a new user (the columns the three tables share, db/schema.ts,
 * the value under `value`). Only an import sets the optional ones (users/bulk/gatehouse-extension.ts);
 * defaults: verified (strategy admin), updated_at = created_at, no second factor.
 */
export type NewIdentificationRecord = Pick<EmailAddressRow, 'id' | 'created_at'> & { value: string } &
  Partial<Pick<EmailAddressRow, 'verified' | 'updated_at'>> &
  Partial<Pick<PhoneNumberRow, 'reserved_for_second_factor' | 'default_second_factor'>>;

/** An imported profile image, normalised: an images row (migration 0024) with its bytes as bytea input text. */
export type NewImageRecord = Omit<ImageRow, 'user_id' | 'organization_id' | 'data'> & {
  /** bytea input: `\x` and hex. */
  data: string;
};

export interface NewUserRecords {
  user: NewUserRecord;
  email_addresses: NewIdentificationRecord[];
  phone_numbers: NewIdentificationRecord[];
  web3_wallets: NewIdentificationRecord[];
  /** Only an import sets it (an exported profile image). */
  profile_image?: NewImageRecord;
}

/** The tables a new user's rows go to: the real ones, or an import's staging copies of them (staging-store.ts). */
export interface UserTables {
  users: string;
  email_addresses: string;
  phone_numbers: string;
  web3_wallets: string;
  images: string;
}
export const USER_TABLES: Readonly<UserTables> = Object.freeze({
  users: 'users', email_addresses: 'email_addresses', phone_numbers: 'phone_numbers', web3_wallets: 'web3_wallets', images: 'images',
});

/**
 * Inserts users rows in one statement, however many: they travel as one JSON document expanded by
 * json_populate_recordset. `into` is `users` or a load-first import's staging copy (staging-store.ts). The
 * name is ours, written as it is, so the statement reads `insert into users (…)` (operators and
 * test/import/db-restart.test.ts find it in pg_stat_activity by that text).
 */
export async function insertUserRows(db: Executor, users: NewUserRecord[], into: string = USER_TABLES.users): Promise<void> {
  if (users.length === 0) return;
  await sql`
    insert into ${sql.raw(into)} (
      id, external_id, username, first_name, last_name, password_digest, password_hasher, totp_secret,
      backup_codes, public_metadata, private_metadata, unsafe_metadata,
      primary_email_address_id, primary_phone_number_id, primary_web3_wallet_id,
      primary_email_address_sort, primary_phone_number_sort, primary_web3_wallet_sort,
      delete_self_enabled, create_organization_enabled, create_organizations_limit,
      legal_accepted_at, mfa_enabled_at, created_at, updated_at,
      banned, locked_at, lockout_expires_at, failed_verification_attempts,
      last_sign_in_at, last_active_at, mfa_disabled_at, totp_last_used_step, profile_image_id)
    select
      r.id, r.external_id, r.username, r.first_name, r.last_name, r.password_digest, r.password_hasher, r.totp_secret,
      r.backup_codes, r.public_metadata, r.private_metadata, r.unsafe_metadata,
      r.primary_email_address_id, r.primary_phone_number_id, r.primary_web3_wallet_id,
      r.primary_email_address_sort, r.primary_phone_number_sort, r.primary_web3_wallet_sort,
      coalesce(r.delete_self_enabled, true), coalesce(r.create_organization_enabled, true), r.create_organizations_limit,
      r.legal_accepted_at, r.mfa_enabled_at, r.created_at, r.updated_at,
      coalesce(r.banned, false), r.locked_at, r.lockout_expires_at, coalesce(r.failed_verification_attempts, 0),
      r.last_sign_in_at, r.last_active_at, r.mfa_disabled_at, r.totp_last_used_step, r.profile_image_id
    from json_populate_recordset(null::users, ${toJson(users)}::json) as r`.execute(db);
}

/** A load-first import's last step: every row of its staging copy `from` into users (same column order). */
export async function insertUsersFrom(db: Executor, from: string): Promise<void> {
  await sql`insert into users select * from ${sql.table(from)}`.execute(db);
}

/**
 * Session settings for a bulk-load transaction, local to it: the GIN pending lists of the trigram indexes
 * are flushed every 16 MB of new entries instead of 4, with 64 MB of work memory instead of 4 (measured:
 * loads 10–15 % faster; a much larger list only moves the work to the end and slows searches meanwhile).
 */
export const BULK_SETTINGS = Object.freeze({ work_mem: '64MB', gin_pending_list_limit: '16384' });
export async function tuneBulkTransaction(db: Executor): Promise<void> {
  await sql`select set_config('work_mem', ${BULK_SETTINGS.work_mem}, true), set_config('gin_pending_list_limit', ${BULK_SETTINGS.gin_pending_list_limit}, true)`.execute(db);
}

/** Every table an import writes to (users/search's document included), for analyzeImportedTables. */
const IMPORTED_TABLES = ['users', 'email_addresses', 'phone_numbers', 'web3_wallets', 'user_search', 'images'] as const;

/**
 * Fresh planner statistics for the tables an import wrote, once it has finished: after a bulk load they
 * are missing or stale until autovacuum gets round to them, and without them the planner guesses how many
 * users a search term matches (and chose a sequential scan over the trigram indexes, issue 14). ANALYZE
 * reads a fixed-size sample, so this takes about as long at 1M users as at 100k.
 */
export async function analyzeImportedTables(db: Executor): Promise<void> {
  await sql`analyze ${sql.join(IMPORTED_TABLES.map((t) => sql.table(t)))}`.execute(db);
}

/** Values to look up, normalised the way the unique indexes compare them (lower-case except phones and external ids). */
export interface IdentifierLookup {
  external_id: string[];
  username: string[];
  email_address: string[];
  phone_number: string[];
  web3_wallet: string[];
  /** Ids an imported line carries (its `gatehouse` key): users.id, and the id of any email, phone or wallet. */
  user_id: string[];
  identification_id: string[];
}

export type IdentifierKind = keyof IdentifierLookup;

/**
 * For the lookups below, in the same transaction: plain index scans only. pg_trgm's GIN indexes on the same
 * expressions (lower(email_address)…) also answer `=`, and without statistics (a table just bulk-loaded,
 * autovacuum off) the planner can pick them: an equality search through trigram posting lists takes
 * seconds per value instead of microseconds. GIN has only bitmap scans, so this leaves the unique btrees.
 */
export async function preferUniqueIndexes(db: Executor): Promise<void> {
  await sql`select set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true)`.execute(db);
}

/**
 * Who already holds each of these identifiers: one round trip, one unique-index lookup per value (see
 * preferUniqueIndexes). Each row names the value as it was asked for: PostgreSQL's lower() and
 * JavaScript's toLowerCase() can disagree on a few non-ASCII letters, so the comparison is left to the
 * database, on both sides, as the unique index makes it.
 */
export async function findIdentifierOwners(
  db: Executor,
  keys: IdentifierLookup,
): Promise<{ kind: IdentifierKind; value: string; user_id: string }[]> {
  const result = await sql<{ kind: IdentifierKind; value: string; user_id: string }>`
    select 'external_id' as kind, v.value, u.id as user_id
      from unnest(${keys.external_id}::text[]) as v(value) join users u on u.external_id = v.value
    union all
    select 'username', v.value, u.id
      from unnest(${keys.username}::text[]) as v(value) join users u on lower(u.username) = lower(v.value)
    union all
    select 'email_address', v.value, e.user_id
      from unnest(${keys.email_address}::text[]) as v(value) join email_addresses e on lower(e.email_address) = lower(v.value)
    union all
    select 'phone_number', v.value, p.user_id
      from unnest(${keys.phone_number}::text[]) as v(value) join phone_numbers p on p.phone_number = v.value
    union all
    select 'web3_wallet', v.value, w.user_id
      from unnest(${keys.web3_wallet}::text[]) as v(value) join web3_wallets w on lower(w.web3_wallet) = lower(v.value)
    union all
    select 'user_id', v.value, u.id
      from unnest(${keys.user_id}::text[]) as v(value) join users u on u.id = v.value
    union all
    select 'identification_id', v.value, e.user_id
      from unnest(${keys.identification_id}::text[]) as v(value) join email_addresses e on e.id = v.value
    union all
    select 'identification_id', v.value, p.user_id
      from unnest(${keys.identification_id}::text[]) as v(value) join phone_numbers p on p.id = v.value
    union all
    select 'identification_id', v.value, w.user_id
      from unnest(${keys.identification_id}::text[]) as v(value) join web3_wallets w on w.id = v.value`.execute(db);
  return result.rows;
}

/** One page of whole users in id order, after `afterId` (keyset pagination: each page is one index range). */
export async function findFullUsersAfter(db: Executor, afterId: string | null, limit: number): Promise<FullUserRow[]> {
  let query = selectFullUsers(db).orderBy('users.id').limit(limit);
  if (afterId !== null) query = query.where('users.id', '>', afterId);
  return (await query.execute()) as FullUserRow[];
}

/** The columns an import may change on a user that exists (users/bulk/existing.ts), with their new values. */
export type UserColumnPatch = Partial<Omit<NewUserRecord, 'id'>>;

/** Every column UserColumnPatch may name: the statement below names columns, so only these get through. */
const PATCHABLE_COLUMNS: ReadonlySet<string> = new Set<keyof UserColumnPatch>([
  'external_id', 'username', 'first_name', 'last_name', 'password_digest', 'password_hasher', 'totp_secret', 'backup_codes',
  'public_metadata', 'private_metadata', 'unsafe_metadata', 'primary_email_address_id', 'primary_phone_number_id',
  'primary_web3_wallet_id', 'delete_self_enabled', 'create_organization_enabled', 'create_organizations_limit',
  'legal_accepted_at', 'mfa_enabled_at', 'created_at', 'updated_at', 'banned', 'locked_at', 'lockout_expires_at',
  'failed_verification_attempts', 'last_sign_in_at', 'last_active_at', 'mfa_disabled_at', 'totp_last_used_step',
]);

/**
 * These users' rows, locked for the rest of the transaction, in id order (two writers never wait on each
 * other in a cycle).
 */
export async function lockUsersForUpdate(db: Executor, ids: string[]): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  return (await sql<UserRow>`select * from users where id = any(${ids}::text[]) order by id for update`.execute(db)).rows;
}

/**
 * Applies a different patch to each user in one statement: each patch is a JSON object of the columns it
 * changes, laid over the user's row by jsonb_populate_record (a column the patch leaves out keeps its
 * value; a JSON null sets NULL). The columns named are the union of the patches'.
 */
export async function updateUsersWithPatches(db: Executor, patches: { id: string; patch: UserColumnPatch }[]): Promise<void> {
  if (patches.length === 0) return;
  const columns = [...new Set(patches.flatMap((p) => Object.keys(p.patch)))];
  for (const column of columns) if (!PATCHABLE_COLUMNS.has(column)) throw new Error(`not a patchable users column: ${column}`);
  const targets = sql.join(columns.map((c) => sql.ref(c)));
  const values = sql.join(columns.map((c) => sql.ref(`p.${c}`)));
  await sql`
    update users as u set (${targets}) = (select ${values} from jsonb_populate_record(u, r.patch) as p)
    from jsonb_to_recordset(${toJson(patches)}::jsonb) as r(id text, patch jsonb)
    where u.id = r.id`.execute(db);
  if (columns.some((c) => SEARCHED_COLUMNS.includes(c))) await refreshSearchDocuments(db, patches.map((p) => p.id));
}

/** How many users there are, counting no further than `limit` (an import deciding how to load: load-first.ts). */
export async function countUsersUpTo(db: Executor, limit: number): Promise<number> {
  const result = await sql<{ n: string | number }>`select count(*) as n from (select 1 from users limit ${limit}) as u`.execute(db);
  return Number(result.rows[0]!.n);
}
