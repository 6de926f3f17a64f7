import type { AuthSettings } from '../../instance/settings.js';
import type { FullUserRow } from '../../users/store.js';

// Which identifiers and factors a sign-in offers, from the instance's auth settings and what the user
// has: the lists clerk-js draws its sign-in cards from. Do not rename the JSON fields.

export interface FactorJson {
  strategy: 'password' | 'email_code' | 'reset_password_email_code' | 'totp' | 'backup_code';
  safe_identifier?: string;
  email_address_id?: string;
  primary?: boolean;
}

/** Identifiers a user may type into <SignIn />: always an email address; a phone number and a username when enabled. */
export function supportedIdentifiers(settings: AuthSettings): string[] {
  return [
    'email_address',
    ...(settings.phone_number_sign_in ? ['phone_number'] : []),
    ...(settings.username === 'off' ? [] : ['username']),
  ];
}

/**
 * The verified email address codes go to: the one the user typed, when it is theirs and verified;
 * otherwise the primary one (verified).
 */
export function codeEmailAddress(user: FullUserRow, identifier: string | null) {
  const verified = user.email_addresses.filter((e) => e.verified);
  const typed = identifier === null ? undefined : verified.find((e) => e.email_address.toLowerCase() === identifier.toLowerCase());
  return typed ?? verified.find((e) => e.id === user.primary_email_address_id);
}

export function firstFactors(user: FullUserRow, identifier: string | null, settings: AuthSettings): FactorJson[] {
  const factors: FactorJson[] = [];
  const hasPassword = user.password_digest !== null;
  if (hasPassword) factors.push({ strategy: 'password' });
  const email = codeEmailAddress(user, identifier);
  if (email) {
    const target = { safe_identifier: email.email_address, email_address_id: email.id, primary: email.id === user.primary_email_address_id };
    if (settings.email_code_sign_in) factors.push({ strategy: 'email_code', ...target });
    if (hasPassword) factors.push({ strategy: 'reset_password_email_code', ...target });
  }
  return factors;
}

/**
 * The second factors the user has: every one they enrolled is required at sign-in, whatever the instance
 * now allows for new enrolments (turning TOTP off for new users must not open existing accounts).
 */
export function secondFactors(user: FullUserRow): FactorJson[] {
  const factors: FactorJson[] = [];
  if (user.totp_secret !== null) factors.push({ strategy: 'totp' });
  if ((user.backup_codes?.length ?? 0) > 0) factors.push({ strategy: 'backup_code' });
  return factors;
}
