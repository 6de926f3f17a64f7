import { inTransaction } from '../../db/transaction.js';
import { ClerkError, paramError } from '../../http/clerk-error.js';
import { readSettings } from '../../instance/settings.js';
import { verifyUserPassword } from '../../passwords/service.js';
import { revokeUserSessions } from '../../sessions/service.js';
import { deleteUser, removeUserPassword, updateUser } from '../../users/service.js';
import type { FullUserRow } from '../../users/store.js';
import type { RequestDeps } from '../plumbing/request-deps.js';
import type { SignedIn } from './auth.js';

// The signed-in user changing themself. Each write goes through the same users service as the Backend
// API's PATCH/DELETE /v1/users/{id} (same rules, same user.updated / user.deleted events); what differs
// is what a user may touch (never public or private metadata) and that secrets need the current password.

export interface ProfileInput {
  first_name?: string | null;
  last_name?: string | null;
  username?: string | null;
  unsafe_metadata?: Record<string, unknown> | null;
  primary_email_address_id?: string | null;
}

/** PATCH /v1/me. */
export async function updateProfile(deps: RequestDeps, me: SignedIn, input: ProfileInput): Promise<FullUserRow> {
  const { auth } = await readSettings(deps.db);
  if (auth.username === 'off' && input.username !== undefined) throw paramError('form_param_unknown', 'username');
  if (auth.names === 'off' && (input.first_name !== undefined || input.last_name !== undefined)) {
    throw paramError('form_param_unknown', input.first_name !== undefined ? 'first_name' : 'last_name');
  }
  return updateUser(deps, me.user.id, input);
}

/**
 * Checks the current password, through the same verification (and lockout) as sign-in: a wrong one is
 * 422 form_password_incorrect on `current_password`.
 */
async function checkCurrentPassword(deps: RequestDeps, me: SignedIn, current: string | null | undefined) {
  if (me.user.password_digest === null) return;
  if (!current) throw paramError('form_param_missing', 'current_password');
  try {
    await verifyUserPassword(deps, me.user.id, current);
  } catch (error) {
    if (error instanceof ClerkError && error.entries[0]?.code === 'incorrect_password') throw paramError('form_password_incorrect', 'current_password');
    throw error;
  }
}

export interface ChangePasswordInput {
  current_password?: string | null;
  new_password: string;
  sign_out_of_other_sessions?: boolean | null;
}

/**
 * POST /v1/me/change_password: the current password (when there is one), then the new one under the
 * instance's policy; with sign_out_of_other_sessions, every other session of the user is revoked (this
 * one stays). One transaction.
 */
export async function changePassword(deps: RequestDeps, me: SignedIn, input: ChangePasswordInput): Promise<FullUserRow> {
  await checkCurrentPassword(deps, me, input.current_password);
  return inTransaction(deps.db, async (db) => {
    const user = await updateUser({ ...deps, db }, me.user.id, { password: input.new_password });
    if (input.sign_out_of_other_sessions === true) await revokeUserSessions({ ...deps, db }, me.user.id, { exceptSessionId: me.session.id });
    return user;
  });
}

/**
 * POST /v1/me/remove_password: only when the user can still sign in without one (by email code); Clerk
 * answers 400 password_required otherwise.
 */
export async function removeOwnPassword(deps: RequestDeps, me: SignedIn, input: { current_password?: string | null }): Promise<FullUserRow> {
  const { auth } = await readSettings(deps.db);
  if (!auth.email_code_sign_in) throw new ClerkError('password_required');
  if (me.user.password_digest === null) throw new ClerkError('no_password_set');
  await checkCurrentPassword(deps, me, input.current_password);
  return removeUserPassword(deps, me.user.id);
}

/** DELETE /v1/me: as DELETE /v1/users/{id}, when the user may delete themself (403 otherwise). */
export async function deleteSelf(deps: RequestDeps, me: SignedIn): Promise<void> {
  if (!me.user.delete_self_enabled) throw new ClerkError('user_delete_self_not_enabled');
  await deleteUser(deps, me.user.id);
}
