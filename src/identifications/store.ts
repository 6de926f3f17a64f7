import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import { toJson } from '../db/json.js';
import type { EmailAddressRow, PhoneNumberRow, UserRow } from '../db/schema.js';
import { identificationKinds, type IdentificationKind } from './kinds.js';

/** The second-factor flags only phone numbers have. */
type PhoneFlags = Partial<Pick<PhoneNumberRow, 'reserved_for_second_factor' | 'default_second_factor'>>;

/**
 * A row of email_addresses, phone_numbers or web3_wallets (their shared columns, db/schema.ts), with its
 * value under `value`.
 */
export type IdentificationRow = Omit<EmailAddressRow, 'email_address'> & { value: string } & PhoneFlags;

/** A new row; updated_at defaults to created_at (only an import brings another). */
export type NewIdentification = Pick<IdentificationRow, 'id' | 'user_id' | 'value' | 'verified' | 'created_at'> &
  Partial<Pick<IdentificationRow, 'updated_at'>> &
  PhoneFlags;

// The three tables share a shape; queries are written once over the kind's table and column names,
// which come from the fixed table in kinds.ts, never from input.
function names(kind: IdentificationKind) {
  const k = identificationKinds[kind];
  return { table: sql.table(k.table), column: sql.ref(k.column) };
}

/**
 * Inserts identifications of one kind in one statement, however many: the rows travel as one JSON document
 * (as they are: an import's batch is thousands) expanded by json_to_recordset. `into` is the kind's table
 * or a load-first import's staging copy of it (users/bulk/staging-store.ts: the same columns, no constraints).
 */
export async function insertIdentifications(db: Executor, kind: IdentificationKind, rows: NewIdentification[], into?: string) {
  if (rows.length === 0) return;
  const { table, column } = names(kind);
  const phone = kind === 'phone_number';
  await sql`
    insert into ${into === undefined ? table : sql.table(into)}
      (id, user_id, ${column}, verified, created_at, updated_at${phone ? sql`, reserved_for_second_factor, default_second_factor` : sql``})
    select r.id, r.user_id, r.value, r.verified, r.created_at, coalesce(r.updated_at, r.created_at)${
      phone ? sql`, coalesce(r.reserved_for_second_factor, false), coalesce(r.default_second_factor, false)` : sql``}
    from json_to_recordset(${toJson(rows)}::json) as r(id text, user_id text, value text, verified boolean, created_at bigint,
      updated_at bigint, reserved_for_second_factor boolean, default_second_factor boolean)`.execute(db);
}

/** A load-first import's last step: every row of the staging copy `from` into the kind's table (same column order). */
export async function insertIdentificationsFrom(db: Executor, kind: IdentificationKind, from: string): Promise<void> {
  await sql`insert into ${names(kind).table} select * from ${sql.table(from)}`.execute(db);
}

export async function findIdentificationById(
  db: Executor,
  kind: IdentificationKind,
  id: string,
): Promise<IdentificationRow | undefined> {
  const { table, column } = names(kind);
  const result = await sql<IdentificationRow>`select *, ${column} as value from ${table} where id = ${id}`.execute(db);
  return result.rows[0];
}

/**
 * The identification with this value, through the same unique index that keeps values unique:
 * case-insensitive for emails and wallets, exact for phone numbers.
 */
export async function findIdentificationByValue(db: Executor, kind: IdentificationKind, value: string) {
  const { table, column } = names(kind);
  const match = kind === 'phone_number' ? sql`${column} = ${value}` : sql`lower(${column}) = lower(${value})`;
  const result = await sql<IdentificationRow>`select *, ${column} as value from ${table} where ${match}`.execute(db);
  return result.rows[0];
}

/** Locks the row for the rest of the transaction, so concurrent primary changes serialise. */
export async function findIdentificationByIdForUpdate(db: Executor, kind: IdentificationKind, id: string) {
  const { table, column } = names(kind);
  const result = await sql<IdentificationRow>`select *, ${column} as value from ${table} where id = ${id} for update`.execute(db);
  return result.rows[0];
}

export async function findIdentificationsByUserId(db: Executor, kind: IdentificationKind, userId: string) {
  const { table, column } = names(kind);
  const result = await sql<IdentificationRow>`
    select *, ${column} as value from ${table} where user_id = ${userId} order by created_at, id`.execute(db);
  return result.rows;
}

export async function updateIdentificationById(
  db: Executor,
  kind: IdentificationKind,
  id: string,
  patch: { verified?: boolean; reserved_for_second_factor?: boolean; default_second_factor?: boolean; updated_at: number },
) {
  const { table } = names(kind);
  const sets = Object.entries(patch)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => sql`${sql.ref(k)} = ${v}`);
  await sql`update ${table} set ${sql.join(sets)} where id = ${id}`.execute(db);
}

export async function deleteIdentificationById(db: Executor, kind: IdentificationKind, id: string) {
  const { table } = names(kind);
  await sql`delete from ${table} where id = ${id}`.execute(db);
}

/** How many identifications the user has, of every kind, counting a username as one. */
export async function countUserIdentifications(db: Executor, userId: string): Promise<number> {
  const result = await sql<{ n: number }>`
    select
      (select count(*) from email_addresses where user_id = ${userId})
      + (select count(*) from phone_numbers where user_id = ${userId})
      + (select count(*) from web3_wallets where user_id = ${userId})
      + (select count(*) from users where id = ${userId} and username is not null) as n`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/** Locks the user's row for the rest of the transaction and returns its primary ids. */
export async function lockUserForIdentifications(db: Executor, userId: string) {
  const result = await sql<Pick<UserRow, 'id' | 'primary_email_address_id' | 'primary_phone_number_id' | 'primary_web3_wallet_id'>>`select id, primary_email_address_id, primary_phone_number_id, primary_web3_wallet_id
     from users where id = ${userId} for update`.execute(db);
  return result.rows[0];
}

/** Clears the default second factor flag on every other phone number of the user. */
export async function clearDefaultSecondFactor(db: Executor, userId: string, exceptId: string, nowMs: number) {
  await sql`update phone_numbers set default_second_factor = false, updated_at = ${nowMs}
            where user_id = ${userId} and id <> ${exceptId} and default_second_factor`.execute(db);
}

/** No phone number of the user is a second factor any more (DELETE /users/{id}/mfa turns off SMS codes too). */
export async function clearPhoneSecondFactors(db: Executor, userId: string, nowMs: number): Promise<void> {
  await sql`update phone_numbers set reserved_for_second_factor = false, default_second_factor = false, updated_at = ${nowMs}
            where user_id = ${userId} and (reserved_for_second_factor or default_second_factor)`.execute(db);
}
