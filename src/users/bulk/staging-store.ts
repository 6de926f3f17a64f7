import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { USER_TABLES, type UserTables } from './store.js';

// The staging tables of a load-first import (load-first.ts): per run, one copy of each table a new user
// is written to, without indexes or constraints, plus the list of the source rows already staged (so an
// interrupted run resumes). Nothing but the import reads them; the last step moves their rows into the
// real tables (each by its owner: new-users.ts) and drops them. This file owns them.

export interface Staging {
  tables: UserTables;
  /** The source positions (run.ts's `seq`) already staged, and their users. */
  rows: string;
}

/** The staging tables of one import run, named by `runKey` (hex: which file, see run.ts). */
export function stagingFor(runKey: string): Staging {
  const name = (table: string) => `import_stage_${runKey}_${table}`;
  return {
    tables: {
      users: name('users'), email_addresses: name('email_addresses'), phone_numbers: name('phone_numbers'),
      web3_wallets: name('web3_wallets'), images: name('images'),
    },
    rows: name('rows'),
  };
}

const KINDS = Object.keys(USER_TABLES) as (keyof UserTables)[];

export async function stagingExists(db: Executor, staging: Staging): Promise<boolean> {
  const result = await sql<{ found: boolean }>`select to_regclass(${staging.rows}) is not null as found`.execute(db);
  return result.rows[0]!.found;
}

/**
 * Creates the staging tables when they are not there yet: the same columns and defaults as the targets,
 * nothing else. Unlogged: staging writes no WAL (the move into the real tables does), and a database crash
 * empties all of them together, rows list included, so a resumed run stages again from the start.
 */
export async function createStaging(db: Executor, staging: Staging): Promise<void> {
  for (const kind of KINDS) {
    await sql`create unlogged table if not exists ${sql.table(staging.tables[kind])} (like ${sql.table(USER_TABLES[kind])} including defaults)`.execute(db);
  }
  // Created last: its presence says the others are there (stagingExists).
  await sql`create unlogged table if not exists ${sql.table(staging.rows)} (seq integer not null, user_id text not null)`.execute(db);
}

export async function dropStaging(db: Executor, staging: Staging): Promise<void> {
  await sql`drop table if exists ${sql.join([staging.rows, ...KINDS.map((k) => staging.tables[k])].map((t) => sql.table(t)))}`.execute(db);
}

/** Marks source rows as staged, in the transaction that staged them. */
export async function recordStagedRows(db: Executor, staging: Staging, rows: { seq: number; userId: string }[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into ${sql.table(staging.rows)} (seq, user_id)
    select * from unnest(${rows.map((r) => r.seq)}::integer[], ${rows.map((r) => r.userId)}::text[])`.execute(db);
}

export async function stagedSeqs(db: Executor, staging: Staging): Promise<number[]> {
  const result = await sql<{ seq: number }>`select seq from ${sql.table(staging.rows)}`.execute(db);
  return result.rows.map((r) => r.seq);
}

/** The staged users' ids in source order. */
export async function stagedUserIds(db: Executor, staging: Staging): Promise<string[]> {
  const result = await sql<{ user_id: string }>`select user_id from ${sql.table(staging.rows)} order by seq`.execute(db);
  return result.rows.map((r) => r.user_id);
}

/** Every unique identifier of the staged rows, by kind, as stored (users/bulk/service.ts normalises them). */
export async function stagedIdentifiers(db: Executor, staging: Staging): Promise<{ kind: string; value: string }[]> {
  const t = staging.tables;
  const result = await sql<{ kind: string; value: string }>`
    select 'user_id' as kind, id as value from ${sql.table(t.users)}
    union all select 'external_id', external_id from ${sql.table(t.users)} where external_id is not null
    union all select 'username', username from ${sql.table(t.users)} where username is not null
    union all select 'email_address', email_address from ${sql.table(t.email_addresses)}
    union all select 'phone_number', phone_number from ${sql.table(t.phone_numbers)}
    union all select 'web3_wallet', web3_wallet from ${sql.table(t.web3_wallets)}
    union all select 'identification_id', id from ${sql.table(t.email_addresses)}
    union all select 'identification_id', id from ${sql.table(t.phone_numbers)}
    union all select 'identification_id', id from ${sql.table(t.web3_wallets)}`.execute(db);
  return result.rows;
}

export interface IndexDefinition {
  table: string;
  name: string;
  definition: string;
}

/**
 * The indexes of these tables that no constraint uses (primary keys and the keys foreign keys reference
 * stay), with the statement that re-creates each, as pg_indexes gives it.
 */
export async function secondaryIndexes(db: Executor, tables: readonly string[]): Promise<IndexDefinition[]> {
  const result = await sql<IndexDefinition>`
    select i.tablename as table, i.indexname as name, i.indexdef as definition
    from pg_indexes i
    where i.schemaname = current_schema() and i.tablename = any(${[...tables]}::text[])
      and not exists (select from pg_constraint c where c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)
    order by i.tablename, i.indexname`.execute(db);
  return result.rows;
}

export async function dropIndexes(db: Executor, indexes: readonly IndexDefinition[]): Promise<void> {
  if (indexes.length === 0) return;
  await sql`drop index ${sql.join(indexes.map((i) => sql.id(i.name)))}`.execute(db);
}

export interface ForeignKeyDefinition {
  table: string;
  name: string;
  /** As pg_get_constraintdef gives it: FOREIGN KEY (…) REFERENCES …. */
  definition: string;
}

/**
 * The foreign keys declared on these tables. Each row inserted under one runs a check that locks the
 * referenced user (a write to its page): 1M documents took 25 s with the key in place, 5 s without, and
 * adding the key afterwards checks every row in one join.
 */
export async function foreignKeysOf(db: Executor, tables: readonly string[]): Promise<ForeignKeyDefinition[]> {
  const result = await sql<ForeignKeyDefinition>`
    select t.relname as table, c.conname as name, pg_get_constraintdef(c.oid) as definition
    from pg_constraint c join pg_class t on t.oid = c.conrelid
    where c.contype = 'f' and t.relnamespace = current_schema()::regnamespace and t.relname = any(${[...tables]}::text[])
    order by t.relname, c.conname`.execute(db);
  return result.rows;
}

export async function dropForeignKeys(db: Executor, keys: readonly ForeignKeyDefinition[]): Promise<void> {
  for (const key of keys) await sql`alter table ${sql.table(key.table)} drop constraint ${sql.id(key.name)}`.execute(db);
}

/** Re-creates foreign keys from their saved definitions: a row whose user is missing fails here. */
export async function addForeignKeys(db: Executor, keys: readonly ForeignKeyDefinition[]): Promise<void> {
  for (const key of keys) await sql`alter table ${sql.table(key.table)} add constraint ${sql.id(key.name)} ${sql.raw(key.definition)}`.execute(db);
}

/**
 * Memory for each btree build of the last step (the transaction's own setting): the sort of a 1M-row index
 * fits in it (1.4 s instead of 2.2 s with PostgreSQL's default 64 MB). Trigram (GIN) builds keep the
 * server's setting: with 1 GB they were slower (41 s instead of 36 s for the search documents' index).
 */
export const SORT_MEMORY = '1GB';

/** Re-creates indexes from their saved definitions: a unique index meeting a duplicate fails here. */
export async function createIndexes(db: Executor, indexes: readonly IndexDefinition[]): Promise<void> {
  const { rows } = await sql<{ memory: string }>`select current_setting('maintenance_work_mem') as memory`.execute(db);
  for (const index of indexes) {
    const memory = / USING gin /i.test(index.definition) ? rows[0]!.memory : SORT_MEMORY;
    await sql`select set_config('maintenance_work_mem', ${memory}, true)`.execute(db);
    await sql.raw(index.definition).execute(db);
  }
  await sql`select set_config('maintenance_work_mem', ${rows[0]!.memory}, true)`.execute(db);
}
