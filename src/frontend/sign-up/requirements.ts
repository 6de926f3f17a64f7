import type { SignUpRow } from '../../db/schema.js';
import type { AuthSettings } from '../../instance/settings.js';

// What a sign-up must and may contain, from the instance's auth settings: Clerk's required_fields,
// optional_fields, missing_fields and unverified_fields. Email address and password are always required.

export type SignUpField = 'email_address' | 'password' | 'username' | 'first_name' | 'last_name' | 'legal_accepted';

export function requiredFields(settings: AuthSettings): SignUpField[] {
  const fields: SignUpField[] = ['email_address', 'password'];
  if (settings.username === 'required') fields.push('username');
  if (settings.names === 'required') fields.push('first_name', 'last_name');
  if (settings.legal_consent_enabled) fields.push('legal_accepted');
  return fields.sort();
}

export function optionalFields(settings: AuthSettings): SignUpField[] {
  const fields: SignUpField[] = [];
  if (settings.username === 'optional') fields.push('username');
  if (settings.names === 'optional') fields.push('first_name', 'last_name');
  return fields.sort();
}

function present(row: SignUpRow, field: SignUpField): boolean {
  switch (field) {
    case 'email_address':
      return row.email_address !== null;
    case 'password':
      return row.password_digest !== null;
    case 'legal_accepted':
      return row.legal_accepted_at !== null;
    default:
      return row[field] !== null && row[field] !== '';
  }
}

export function missingFields(row: SignUpRow, settings: AuthSettings): SignUpField[] {
  return requiredFields(settings).filter((field) => !present(row, field));
}

/** Given but not yet verified: the email address, until its code is verified. */
export function unverifiedFields(row: SignUpRow): 'email_address'[] {
  return row.email_address !== null && row.email_verification?.status !== 'verified' ? ['email_address'] : [];
}

/** Everything required is there and verified: the user can be created. */
export function readyToComplete(row: SignUpRow, settings: AuthSettings): boolean {
  return missingFields(row, settings).length === 0 && unverifiedFields(row).length === 0;
}
