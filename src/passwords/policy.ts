/**
 * Password rules applied when a password is set (create user, update user). Pure: the service loads the
 * instance's policy, calls `checkPassword`, and turns a violation into a 422 ClerkError with the same code and
 * message. `skip_password_checks` is the service's business: it simply does not call this.
 */
import { isCommonBreachedPassword } from './breached.js';

/**
 * Clerk's password settings, field for field (do not rename: these are Clerk's wire names, see
 * `PasswordSettingsData` in clerk/javascript).
 * - `min_zxcvbn_strength` / `show_zxcvbn`: present for compatibility but not enforced; zxcvbn strength
 *   scoring (`form_password_not_strong_enough`) is out of scope for now.
 * - `enforce_hibp_on_sign_in`: a sign-in rule, not a set-password rule, so `checkPassword` ignores it.
 */
export interface PasswordPolicy {
  min_length: number;
  max_length: number;
  require_special_char: boolean;
  require_numbers: boolean;
  require_uppercase: boolean;
  require_lowercase: boolean;
  disable_hibp: boolean;
  show_zxcvbn: boolean;
  min_zxcvbn_strength: number;
  enforce_hibp_on_sign_in: boolean;
}

/** Clerk's defaults for a new instance (CLERK-BEHAVIOUR §3: min 8, max 72, breach check on). */
export const defaultPasswordPolicy: PasswordPolicy = Object.freeze({
  min_length: 8,
  max_length: 72,
  require_special_char: false,
  require_numbers: false,
  require_uppercase: false,
  require_lowercase: false,
  disable_hibp: false,
  show_zxcvbn: false,
  min_zxcvbn_strength: 0,
  enforce_hibp_on_sign_in: false,
});

/** bcrypt, the default hasher, reads only the first 72 bytes; Clerk refuses longer input instead of truncating it. */
export const PASSWORD_MAX_BYTES = 72;

/**
 * Clerk's default special characters: the 32 ASCII punctuation marks (clerk/javascript
 * `usePasswordComplexity.ts`). Clerk lets an instance replace this set; Gatehouse does not yet.
 */
export const PASSWORD_SPECIAL_CHARACTERS = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

export type PasswordViolationCode =
  | 'form_password_length_too_short'
  | 'form_password_length_too_long'
  | 'form_password_size_in_bytes_exceeded'
  | 'form_password_no_uppercase'
  | 'form_password_no_lowercase'
  | 'form_password_no_number'
  | 'form_password_no_special_char'
  | 'form_password_pwned';

/** `message` is Clerk's exact wording (CLERK-BEHAVIOUR §2); Clerk's `long_message` is the same text. */
export interface PasswordViolation {
  code: PasswordViolationCode;
  message: string;
}

/**
 * The first rule `password` breaks, or undefined. Order: length, bytes, character classes, breach list,
 * so the cheapest and most actionable message comes first. Lengths count code points, as Clerk does, so
 * an emoji counts as one character (but four bytes).
 */
export function checkPassword(password: string, policy: PasswordPolicy): PasswordViolation | undefined {
  const length = [...password].length;
  if (length < policy.min_length) {
    return violation('form_password_length_too_short', `Passwords must be ${policy.min_length} characters or more.`);
  }
  // Clerk's text says "less than <max>", but a password of exactly `max_length` is allowed: the documented
  // maximum is "72 characters", and 72 is what bcrypt accepts.
  if (length > policy.max_length) {
    return violation('form_password_length_too_long', `Passwords must be less than ${policy.max_length} characters.`);
  }
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
    return violation(
      'form_password_size_in_bytes_exceeded',
      'Your password has exceeded the maximum number of bytes allowed, please shorten it or remove some special characters.',
    );
  }
  // Letters and digits are matched in any script. Clerk's sign-up UI tests ASCII only ([A-Z], [a-z], \d), so
  // everything it accepts is accepted here too.
  if (policy.require_uppercase && !/\p{Lu}/u.test(password)) {
    return violation('form_password_no_uppercase', 'Passwords must contain at least one uppercase character.');
  }
  if (policy.require_lowercase && !/\p{Ll}/u.test(password)) {
    return violation('form_password_no_lowercase', 'Passwords must contain at least one lowercase character.');
  }
  if (policy.require_numbers && !/\p{Nd}/u.test(password)) {
    return violation('form_password_no_number', 'Passwords must contain at least one number.');
  }
  if (policy.require_special_char && ![...password].some((ch) => PASSWORD_SPECIAL_CHARACTERS.includes(ch))) {
    return violation(
      'form_password_no_special_char',
      `Passwords must contain at least one of the following special characters: ${PASSWORD_SPECIAL_CHARACTERS}.`,
    );
  }
  if (!policy.disable_hibp && isCommonBreachedPassword(password)) {
    return violation(
      'form_password_pwned',
      'Password has been found in an online data breach. For account safety, please use a different password.',
    );
  }
  return undefined;
}

function violation(code: PasswordViolationCode, message: string): PasswordViolation {
  return { code, message };
}
