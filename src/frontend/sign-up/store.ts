import type { Executor } from '../../db/database.js';
import type { JsonObject, SignUpRow, SignUpsTable, VerificationState } from '../../db/schema.js';

export type SignUpPatch = Partial<{
  status: SignUpsTable['status'];
  email_address: string | null;
  username: string | null;
  first_name: string | null;
  last_name: string | null;
  password_digest: string | null;
  password_hasher: string | null;
  unsafe_metadata: JsonObject;
  legal_accepted_at: number | null;
  email_verification: VerificationState | null;
  ticket_hash: string | null;
  created_user_id: string | null;
  created_session_id: string | null;
}>;

function columns(patch: SignUpPatch) {
  const { unsafe_metadata, email_verification, ...rest } = patch;
  return {
    ...rest,
    ...(unsafe_metadata !== undefined ? { unsafe_metadata: JSON.stringify(unsafe_metadata) } : {}),
    ...(email_verification !== undefined ? { email_verification: email_verification === null ? null : JSON.stringify(email_verification) } : {}),
  };
}

export async function insertSignUp(db: Executor, row: { id: string; client_id: string; abandon_at: number; created_at: number } & SignUpPatch) {
  const { id, client_id, abandon_at, created_at, ...patch } = row;
  await db
    .insertInto('sign_ups')
    .values({
      id,
      client_id,
      abandon_at,
      created_at,
      updated_at: created_at,
      status: 'missing_requirements',
      ...columns(patch),
      unsafe_metadata: JSON.stringify(patch.unsafe_metadata ?? {}),
    })
    .execute();
}

export async function findSignUpById(db: Executor, id: string): Promise<SignUpRow | undefined> {
  return db.selectFrom('sign_ups').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The row, locked until the transaction ends: completing a sign-up happens once. */
export async function findSignUpByIdForUpdate(db: Executor, id: string): Promise<SignUpRow | undefined> {
  return db.selectFrom('sign_ups').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The client's newest sign-up still in progress and not past abandon_at. */
export async function findCurrentSignUp(db: Executor, clientId: string, nowMs: number): Promise<SignUpRow | undefined> {
  return db
    .selectFrom('sign_ups')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('status', '=', 'missing_requirements')
    .where('abandon_at', '>', nowMs)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

export async function updateSignUp(db: Executor, id: string, patch: SignUpPatch, nowMs: number): Promise<void> {
  await db.updateTable('sign_ups').set({ ...columns(patch), updated_at: nowMs }).where('id', '=', id).execute();
}

/** A new sign-up replaces the client's current one. */
export async function abandonSignUps(db: Executor, clientId: string, nowMs: number): Promise<void> {
  await db
    .updateTable('sign_ups')
    .set({ status: 'abandoned', updated_at: nowMs })
    .where('client_id', '=', clientId)
    .where('status', '=', 'missing_requirements')
    .execute();
}

/** Deletes attempts whose abandon_at passed before `beforeMs` (finished or not, nothing refers to them then). */
export async function deleteSignUpsAbandonedBefore(db: Executor, beforeMs: number): Promise<void> {
  await db.deleteFrom('sign_ups').where('abandon_at', '<', beforeMs).execute();
}
