import type { SignInRow, VerificationState } from '../../db/schema.js';
import type { AuthSettings } from '../../instance/settings.js';
import { serializeUser, type UserViewContext } from '../../users/serialize.js';
import type { FullUserRow } from '../../users/store.js';
import { firstFactors, secondFactors, supportedIdentifiers } from './factors.js';

/** A stored verification → Clerk's Verification JSON (never the code: it is not stored here). */
export function serializeVerification(state: VerificationState | null) {
  if (!state) return null;
  return { status: state.status, strategy: state.strategy, attempts: state.attempts, expire_at: state.expire_at };
}

/** Row → Clerk's SignIn JSON (`sign_in_attempt`). Do not rename the JSON fields: clerk-js reads them. */
export function serializeSignIn(row: SignInRow, user: FullUserRow | undefined, settings: AuthSettings, ctx: UserViewContext) {
  const inProgress = row.status !== 'complete' && row.status !== 'abandoned';
  return {
    object: 'sign_in_attempt' as const,
    id: row.id,
    status: row.status,
    supported_identifiers: supportedIdentifiers(settings),
    supported_first_factors: !inProgress ? null : user ? firstFactors(user, row.identifier, settings) : [],
    supported_second_factors: row.status === 'needs_second_factor' && user ? secondFactors(user) : null,
    first_factor_verification: serializeVerification(row.first_factor),
    second_factor_verification: serializeVerification(row.second_factor),
    identifier: row.identifier,
    user_data: user
      ? { first_name: user.first_name, last_name: user.last_name, image_url: serializeUser(user, ctx).image_url, has_image: false }
      : null,
    created_session_id: row.created_session_id,
    abandon_at: row.abandon_at,
  };
}
