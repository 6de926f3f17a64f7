import type { SignUpRow } from '../../db/schema.js';
import type { AuthSettings } from '../../instance/settings.js';
import { missingFields, optionalFields, requiredFields, unverifiedFields } from './requirements.js';

/** The email address's verification: nothing prepared yet reads as `needs_prepare`. */
function emailVerification(row: SignUpRow) {
  if (row.email_address === null) return null;
  const state = row.email_verification;
  if (!state) return { status: 'unverified', strategy: null, attempts: null, expire_at: null, next_action: 'needs_prepare', supported_strategies: ['email_code'] };
  const next = state.status === 'verified' ? '' : state.status === 'unverified' ? 'needs_attempt' : 'needs_prepare';
  return {
    status: state.status,
    strategy: state.strategy,
    attempts: state.attempts,
    expire_at: state.expire_at,
    next_action: next,
    supported_strategies: ['email_code'],
  };
}

/**
 * Row → Clerk's SignUp JSON (`sign_up_attempt`). The password itself never appears: only whether one was
 * given (`password_enabled` in the spec, `has_password` in clerk-js 5). Do not rename the JSON fields.
 */
export function serializeSignUp(row: SignUpRow, settings: AuthSettings) {
  const hasPassword = row.password_digest !== null;
  return {
    object: 'sign_up_attempt' as const,
    id: row.id,
    status: row.status,
    required_fields: requiredFields(settings),
    optional_fields: optionalFields(settings),
    missing_fields: row.status === 'complete' ? [] : missingFields(row, settings),
    unverified_fields: row.status === 'complete' ? [] : unverifiedFields(row),
    verifications: { email_address: emailVerification(row), phone_number: null, web3_wallet: null, external_account: null },
    username: row.username,
    email_address: row.email_address,
    phone_number: null,
    web3_wallet: null,
    password_enabled: hasPassword,
    has_password: hasPassword,
    first_name: row.first_name,
    last_name: row.last_name,
    unsafe_metadata: row.unsafe_metadata,
    public_metadata: {},
    custom_action: false,
    external_id: null,
    created_session_id: row.created_session_id,
    created_user_id: row.created_user_id,
    abandon_at: row.abandon_at,
    legal_accepted_at: row.legal_accepted_at,
  };
}
