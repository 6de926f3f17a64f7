import type { Executor } from '../../db/database.js';
import { insertNewUserIdentifications, moveStagedIdentifications, type IdentificationKind } from '../../identifications/service.js';
import { addImportedImages, moveStagedImages } from '../../images/service.js';
import { refreshSearchDocuments } from '../search/store.js';
import type { Staging } from './staging-store.js';
import { insertUserRows, insertUsersFrom, USER_TABLES, type NewUserRecords, type UserTables } from './store.js';

// New users with everything they bring, each table written by its owner (users, identifications/, images/),
// in the caller's transaction: POST /v1/users (a batch of one), an import's batches, and a load-first
// import's staging and move. One statement per table whatever the batch's size. The order is the users,
// then emails, phones and wallets, then images: when several unique indexes would refuse a row, the one
// reported is the first in that order, and each foreign key finds its user already there.

const KINDS = [
  ['email_address', 'email_addresses'],
  ['phone_number', 'phone_numbers'],
  ['web3_wallet', 'web3_wallets'],
] as const satisfies readonly (readonly [IdentificationKind, keyof UserTables])[];

/** The rows of new users, into the real tables or into an import's staging copies (`into`); no search documents. */
export async function writeNewUsers(db: Executor, users: NewUserRecords[], into: UserTables = USER_TABLES): Promise<void> {
  if (users.length === 0) return;
  await insertUserRows(db, users.map((u) => u.user), into.users);
  for (const [kind, list] of KINDS) {
    const rows = users.flatMap((u) =>
      u[list].map((r) => ({
        id: r.id, user_id: u.user.id, value: r.value, verified: r.verified ?? true, created_at: r.created_at, updated_at: r.updated_at,
        reserved_for_second_factor: r.reserved_for_second_factor, default_second_factor: r.default_second_factor,
      })),
    );
    await insertNewUserIdentifications(db, kind, rows, into[list]);
  }
  const images = users.flatMap((u) => (u.profile_image ? [{ ...u.profile_image, user_id: u.user.id }] : []));
  await addImportedImages(db, images, into.images);
}

/** New users into the real tables with their search documents (written last: the document reads the identifications). */
export async function insertNewUsers(db: Executor, users: NewUserRecords[]): Promise<void> {
  if (users.length === 0) return;
  await writeNewUsers(db, users);
  await refreshSearchDocuments(db, users.map((u) => u.user.id));
}

/** A load-first import's last step: every staged row into the real tables, in the same order as writeNewUsers. */
export async function moveNewUsers(db: Executor, staging: Staging): Promise<void> {
  await insertUsersFrom(db, staging.tables.users);
  for (const [kind, list] of KINDS) await moveStagedIdentifications(db, kind, staging.tables[list]);
  await moveStagedImages(db, staging.tables.images);
}
