import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { queryPrepared, type Executor } from '../db/database.js';
import type { EmailAddressRow, PhoneNumberRow, UserPatch, UserRow, UsersTable, Web3WalletRow } from '../db/schema.js';
import { refreshSearchDocuments } from './search/store.js';

// Each identification as the JSON arrays below carry it: its row without the user id.
export type EmailJson = Omit<EmailAddressRow, 'user_id'>;
export type PhoneJson = Omit<PhoneNumberRow, 'user_id'>;
export type WalletJson = Omit<Web3WalletRow, 'user_id'>;

/** A user with its identifications, read in one round trip. */
export type FullUserRow = UserRow & { email_addresses: EmailJson[]; phone_numbers: PhoneJson[]; web3_wallets: WalletJson[] };

/** The select list that brings each user's emails, phones and wallets along as JSON arrays, newest first. */
export function selectFullUsers(db: Executor) {
  return db.selectFrom('users').selectAll('users').select((eb) => [
    jsonArrayFrom(
      eb
        .selectFrom('email_addresses as e')
        .select(['e.id', 'e.email_address', 'e.verified', 'e.reserved', 'e.created_at', 'e.updated_at'])
        .whereRef('e.user_id', '=', 'users.id')
        .orderBy('e.created_at', 'desc')
        .orderBy('e.id', 'desc'),
    ).as('email_addresses'),
    jsonArrayFrom(
      eb
        .selectFrom('phone_numbers as p')
        .select([
          'p.id',
          'p.phone_number',
          'p.verified',
          'p.reserved',
          'p.reserved_for_second_factor',
          'p.default_second_factor',
          'p.created_at',
          'p.updated_at',
        ])
        .whereRef('p.user_id', '=', 'users.id')
        .orderBy('p.created_at', 'desc')
        .orderBy('p.id', 'desc'),
    ).as('phone_numbers'),
    jsonArrayFrom(
      eb
        .selectFrom('web3_wallets as w')
        .select(['w.id', 'w.web3_wallet', 'w.verified', 'w.created_at', 'w.updated_at'])
        .whereRef('w.user_id', '=', 'users.id')
        .orderBy('w.created_at', 'desc')
        .orderBy('w.id', 'desc'),
    ).as('web3_wallets'),
  ]);
}

/** The statement of findFullUserById, compiled once (both engines compile PostgreSQL the same way). */
let fullUserByIdSql: { sql: string } | undefined;

/**
 * GET /v1/users/{id}: one round trip, sent as a prepared statement (db/database.ts#prepared) because this is
 * the hottest read and PostgreSQL would otherwise plan it afresh on every call.
 */
export async function findFullUserById(db: Executor, id: string): Promise<FullUserRow | undefined> {
  fullUserByIdSql ??= selectFullUsers(db).where('users.id', '=', '').compile();
  const [user] = await queryPrepared<FullUserRow>(db, 'find_full_user_by_id', fullUserByIdSql, [id]);
  return user;
}

/** Whole users by id in one query (one array parameter, however many ids), in no particular order. */
export async function findFullUsersByIds(db: Executor, ids: string[]): Promise<FullUserRow[]> {
  if (ids.length === 0) return [];
  return (await selectFullUsers(db).where('users.id', '=', sql<string>`any(${ids}::text[])`).execute()) as FullUserRow[];
}

/** The id of the user with this username, case-insensitive (the unique index is on lower(username)). */
export async function findUserIdByUsername(db: Executor, username: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
    .executeTakeFirst();
  return row?.id;
}

/** The user's own row, locked for the rest of the transaction. */
export async function findUserByIdForUpdate(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * The users columns the search document's row holds (users/search/: the searched values, and created_at,
 * by which a page sorts the matches): a patch naming one rewrites it.
 */
export const SEARCHED_COLUMNS: readonly string[] = ['username', 'first_name', 'last_name', 'created_at'];

export async function updateUserById(db: Executor, id: string, patch: UserPatch): Promise<boolean> {
  const result = await db.updateTable('users').set(patch).where('id', '=', id).executeTakeFirst();
  const updated = result.numUpdatedRows > 0n;
  if (updated && SEARCHED_COLUMNS.some((c) => c in patch)) await refreshSearchDocuments(db, [id]);
  return updated;
}

/** The column of a user's primary email address, phone number or web3 wallet. */
export type PrimaryIdentificationColumn = Extract<keyof UsersTable, `primary_${string}_id`>;

/** Points the user's primary identification of one kind (identifications/ decides which) at `id`, or at nothing. */
export async function updatePrimaryIdentificationId(
  db: Executor,
  userId: string,
  column: PrimaryIdentificationColumn,
  id: string | null,
  nowMs: number,
): Promise<void> {
  await sql`update users set ${sql.ref(column)} = ${id}, updated_at = ${nowMs} where id = ${userId}`.execute(db);
}

/** Deletes the user; identifications and sessions go with it (on delete cascade). */
export async function deleteUserById(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
