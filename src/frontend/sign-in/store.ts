import type { Executor } from '../../db/database.js';
import type { SignInRow, SignInsTable, VerificationState } from '../../db/schema.js';

export type SignInPatch = Partial<{
  status: SignInsTable['status'];
  identifier: string | null;
  user_id: string | null;
  first_factor: VerificationState | null;
  second_factor: VerificationState | null;
  created_session_id: string | null;
}>;

const json = (value: VerificationState | null | undefined) => (value === undefined ? undefined : value === null ? null : JSON.stringify(value));

export async function insertSignIn(db: Executor, row: Omit<SignInRow, 'first_factor' | 'second_factor'> & { first_factor: VerificationState | null }) {
  await db
    .insertInto('sign_ins')
    .values({ ...row, first_factor: json(row.first_factor) ?? null, second_factor: null })
    .execute();
}

export async function findSignInById(db: Executor, id: string): Promise<SignInRow | undefined> {
  return db.selectFrom('sign_ins').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The row, locked until the transaction ends: attempts on one sign-in run one at a time. */
export async function findSignInByIdForUpdate(db: Executor, id: string): Promise<SignInRow | undefined> {
  return db.selectFrom('sign_ins').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The client's newest sign-in that is still in progress and not past abandon_at. */
export async function findCurrentSignIn(db: Executor, clientId: string, nowMs: number): Promise<SignInRow | undefined> {
  return db
    .selectFrom('sign_ins')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('status', 'not in', ['complete', 'abandoned'])
    .where('abandon_at', '>', nowMs)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

export async function updateSignIn(db: Executor, id: string, patch: SignInPatch, nowMs: number): Promise<void> {
  const { first_factor, second_factor, ...rest } = patch;
  await db
    .updateTable('sign_ins')
    .set({
      ...rest,
      ...(first_factor !== undefined ? { first_factor: json(first_factor) } : {}),
      ...(second_factor !== undefined ? { second_factor: json(second_factor) } : {}),
      updated_at: nowMs,
    })
    .where('id', '=', id)
    .execute();
}

/** A new sign-in replaces the client's current one (Clerk: "Creates or replaces the current Sign in"). */
export async function abandonSignIns(db: Executor, clientId: string, nowMs: number): Promise<void> {
  await db
    .updateTable('sign_ins')
    .set({ status: 'abandoned', updated_at: nowMs })
    .where('client_id', '=', clientId)
    .where('status', 'not in', ['complete', 'abandoned'])
    .execute();
}

/** Deletes attempts whose abandon_at passed before `beforeMs` (finished or not, nothing refers to them then). */
export async function deleteSignInsAbandonedBefore(db: Executor, beforeMs: number): Promise<void> {
  await db.deleteFrom('sign_ins').where('abandon_at', '<', beforeMs).execute();
}
