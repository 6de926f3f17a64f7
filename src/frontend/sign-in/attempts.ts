import type { SignInRow, VerificationState } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import { ClerkError, paramError } from '../../http/clerk-error.js';
import { readSettings } from '../../instance/settings.js';
import { assertNotLocked, recordFailedVerification, recordSuccessfulVerification } from '../../lockout/service.js';
import { verifyTotpOrBackupCode } from '../../mfa/service.js';
import { verifyUserPassword } from '../../passwords/service.js';
import { createClientSession } from '../../sessions/service.js';
import { getUser, updateUser } from '../../users/service.js';
import type { FullUserRow } from '../../users/store.js';
import { checkCode } from '../codes/service.js';
import type { RequestDeps } from '../plumbing/request-deps.js';
import { secondFactors } from './factors.js';
import { findSignInById, findSignInByIdForUpdate, updateSignIn } from './store.js';

// Verifying a sign-in's factors. Each goes through the same service as the Backend API's check of the
// same secret (passwords/service#verifyUserPassword, mfa/service#verifyTotpOrBackupCode), so lockout,
// counting and digest upgrades happen in one place; only the error codes are the Frontend API's.

export function codeKey(signInId: string, factor: 'first_factor'): string {
  return `sign_in:${signInId}:${factor}`;
}

/** Re-labels the Backend API's verification errors with the Frontend API's codes; anything else passes. */
function asSignInError(error: unknown, param: 'password' | 'code'): unknown {
  if (!(error instanceof ClerkError)) return error;
  const code = error.entries[0]?.code;
  if (code === 'incorrect_password') return paramError('form_password_incorrect', param);
  if (code === 'totp_incorrect_code' || code === 'totp_invalid_length') return paramError('form_code_incorrect', param);
  if (code === 'no_password_set' || code === 'totp_disabled') return paramError('strategy_for_user_invalid', 'strategy');
  return error;
}

async function reload(deps: Pick<RequestDeps, 'db'>, id: string): Promise<SignInRow> {
  return (await findSignInById(deps.db, id))!;
}

/** A banned user gets nowhere, and before any secret is checked (no hashing spent on them). */
function assertNotBanned(user: FullUserRow) {
  if (user.banned) throw new ClerkError('user_banned');
}

/**
 * After the first factor: a new password when it was a reset code, the second factor when the user has
 * one, or else a session.
 */
async function afterFirstFactor(deps: RequestDeps, signIn: SignInRow, user: FullUserRow, verification: VerificationState) {
  if (verification.strategy === 'reset_password_email_code') {
    await updateSignIn(deps.db, signIn.id, { first_factor: verification, status: 'needs_new_password' }, deps.clock.now());
    return reload(deps, signIn.id);
  }
  return afterPassword(deps, signIn, user, { first_factor: verification });
}

async function afterPassword(deps: RequestDeps, signIn: SignInRow, user: FullUserRow, patch: { first_factor?: VerificationState }) {
  if (secondFactors(user).length > 0) {
    await updateSignIn(deps.db, signIn.id, { ...patch, status: 'needs_second_factor' }, deps.clock.now());
    return reload(deps, signIn.id);
  }
  return complete(deps, signIn, user, patch, false);
}

/**
 * Opens the session and completes the sign-in, together. The sign-in's row is locked first and must still
 * be in progress: two concurrent correct attempts open one session, not two.
 */
async function complete(deps: RequestDeps, signIn: SignInRow, user: FullUserRow, patch: Parameters<typeof updateSignIn>[2], secondFactor: boolean) {
  await inTransaction(deps.db, async (db) => {
    const current = await findSignInByIdForUpdate(db, signIn.id);
    if (!current || current.status === 'complete' || current.status === 'abandoned') {
      throw new ClerkError('client_state_invalid', { long_message: 'This sign in is already complete.' });
    }
    const session = await createClientSession(
      { ...deps, db },
      {
        userId: user.id,
        clientId: signIn.client_id,
        secondFactorVerified: secondFactor,
        clientIp: deps.httpRequest.client_ip || null,
        userAgent: deps.httpRequest.user_agent || null,
      },
    );
    await updateSignIn(db, signIn.id, { ...patch, status: 'complete', created_session_id: session.id }, deps.clock.now());
  });
  return reload(deps, signIn.id);
}

/** The password strategy, from POST /v1/client/sign_ins or attempt_first_factor. */
export async function attemptPassword(deps: RequestDeps, signIn: SignInRow, user: FullUserRow, password: string): Promise<SignInRow> {
  assertNotBanned(user);
  if (user.password_digest === null) throw paramError('strategy_for_user_invalid', 'strategy');
  try {
    await verifyUserPassword(deps, user.id, password);
  } catch (error) {
    throw asSignInError(error, 'password');
  }
  const attempts = (signIn.first_factor?.strategy === 'password' ? (signIn.first_factor.attempts ?? 0) : 0) + 1;
  return afterPassword(deps, signIn, user, { first_factor: { strategy: 'password', status: 'verified', attempts, expire_at: null } });
}

/**
 * An emailed code (`email_code`, `reset_password_email_code`). A wrong code counts towards the user's
 * lockout, as a wrong password does; the verification shows the attempts and, when they run out or the
 * code expires, `failed` or `expired` (a new code must then be prepared).
 */
async function attemptCode(deps: RequestDeps, signIn: SignInRow, user: FullUserRow, strategy: string, code: string): Promise<SignInRow> {
  const state = signIn.first_factor;
  if (!state || state.strategy !== strategy || state.status === 'verified') throw new ClerkError('verification_missing');
  assertNotBanned(user);
  assertNotLocked(user, deps.clock.now());
  const outcome = await checkCode(deps, codeKey(signIn.id, 'first_factor'), code);
  const now = deps.clock.now();
  if (outcome.result === 'verified') {
    await recordSuccessfulVerification(deps.db, user.id);
    return afterFirstFactor(deps, signIn, user, { ...state, status: 'verified', attempts: outcome.attempts });
  }
  const status = outcome.result === 'incorrect' ? 'unverified' : outcome.result === 'missing' ? state.status : outcome.result;
  await updateSignIn(deps.db, signIn.id, { first_factor: { ...state, status, attempts: outcome.attempts } }, now);
  if (outcome.result === 'incorrect' || outcome.result === 'failed') {
    await recordFailedVerification(deps.db, user.id, (await readSettings(deps.db)).lockout, now);
  }
  if (outcome.result === 'incorrect') throw paramError('form_code_incorrect', 'code');
  if (outcome.result === 'failed') throw new ClerkError('verification_failed');
  if (outcome.result === 'expired') throw new ClerkError('verification_expired');
  throw new ClerkError('verification_missing');
}

export interface AttemptFirstFactorInput {
  strategy: string;
  password?: string | null;
  code?: string | null;
}

/** POST …/attempt_first_factor. */
export async function attemptFirstFactor(deps: RequestDeps, signIn: SignInRow, input: AttemptFirstFactorInput): Promise<SignInRow> {
  if (signIn.status !== 'needs_first_factor' || signIn.user_id === null) {
    throw new ClerkError('client_state_invalid', { long_message: 'This sign in is not waiting for a first factor.' });
  }
  const user = await getUser(deps, signIn.user_id);
  switch (input.strategy) {
    case 'password':
      if (!input.password) throw paramError('form_param_missing', 'password');
      return attemptPassword(deps, signIn, user, input.password);
    case 'email_code':
    case 'reset_password_email_code':
      if (!input.code) throw paramError('form_param_missing', 'code');
      return attemptCode(deps, signIn, user, input.strategy, input.code);
    default:
      throw paramError('strategy_for_user_invalid', 'strategy');
  }
}

/** POST …/attempt_second_factor: `totp` or `backup_code` (used up), replay-safe as on the Backend API. */
export async function attemptSecondFactor(deps: RequestDeps, signIn: SignInRow, input: { strategy: string; code?: string | null }) {
  if (signIn.status !== 'needs_second_factor' || signIn.user_id === null) {
    throw new ClerkError('client_state_invalid', { long_message: 'This sign in is not waiting for a second factor.' });
  }
  const user = await getUser(deps, signIn.user_id);
  assertNotBanned(user);
  const strategy = input.strategy;
  if (strategy !== 'totp' && strategy !== 'backup_code') throw paramError('strategy_for_user_invalid', 'strategy');
  if (!secondFactors(user).some((f) => f.strategy === strategy)) throw paramError('strategy_for_user_invalid', 'strategy');
  if (!input.code) throw paramError('form_param_missing', 'code');
  try {
    await verifyTotpOrBackupCode(deps, user.id, input.code, strategy);
  } catch (error) {
    throw asSignInError(error, 'code');
  }
  const attempts = (signIn.second_factor?.strategy === strategy ? (signIn.second_factor.attempts ?? 0) : 0) + 1;
  return complete(deps, signIn, user, { second_factor: { strategy, status: 'verified', attempts, expire_at: null } }, true);
}

/**
 * POST …/reset_password, after a reset code verified: the new password (the instance's policy and breach
 * check apply, through the same service as PATCH /v1/users/{id}), optionally signing the user out
 * everywhere else; then the second factor or a session.
 */
export async function resetPassword(deps: RequestDeps, signIn: SignInRow, input: { password: string; sign_out_of_other_sessions?: boolean | null }) {
  if (signIn.status !== 'needs_new_password' || signIn.user_id === null) {
    throw new ClerkError('client_state_invalid', { long_message: 'This sign in is not waiting for a new password.' });
  }
  await updateUser(deps, signIn.user_id, { password: input.password, sign_out_of_other_sessions: input.sign_out_of_other_sessions === true });
  return afterPassword(deps, signIn, await getUser(deps, signIn.user_id), {});
}
