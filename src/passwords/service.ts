import { ClerkError, paramError } from '../http/clerk-error.js';
import { defaultHasher, hashers, isPasswordHasherName } from './hashers/index.js';
import { DigestFormatError } from './hashers/hasher.js';
import { checkPassword, defaultPasswordPolicy, type PasswordPolicy } from './policy.js';

/** What a user row stores for a password. */
export interface StoredPassword {
  password_digest: string;
  password_hasher: string;
}

export interface PasswordInput {
  password?: string | null;
  password_digest?: string | null;
  password_hasher?: string | null;
  skip_password_checks?: boolean | null;
}

/**
 * Turns the password fields of a create or update into what the user row stores: a plain password is
 * checked against the policy (unless skip_password_checks) and hashed with the default algorithm off
 * the event loop; an imported digest is parsed now, so a bad one fails here and not at first sign-in.
 * Returns undefined when the input sets no password.
 */
export async function preparePassword(
  input: PasswordInput,
  policy: PasswordPolicy = defaultPasswordPolicy,
): Promise<StoredPassword | undefined> {
  const digest = input.password_digest ?? undefined;
  const hasher = input.password_hasher ?? undefined;
  const password = input.password ?? undefined;
  if (digest !== undefined || hasher !== undefined) {
    if (password !== undefined) {
      throw paramError('form_param_format_invalid', 'password_digest', 'password and password_digest cannot be given together.');
    }
    if (hasher === undefined) {
      throw paramError('form_conditional_param_missing', 'password_hasher', '`password_hasher` is required when `password_digest` is present.');
    }
    if (digest === undefined) {
      throw paramError('form_conditional_param_missing', 'password_digest', '`password_digest` is required when `password_hasher` is present.');
    }
    if (!isPasswordHasherName(hasher)) {
      throw paramError('form_param_format_invalid', 'password_hasher', `${hasher} is not a supported password_hasher.`);
    }
    try {
      hashers[hasher].parse(digest);
    } catch (error) {
      if (!(error instanceof DigestFormatError)) throw error;
      throw paramError('form_param_format_invalid', 'password_digest', `The provided password_digest is not a valid ${hasher} password hash.`);
    }
    return { password_digest: digest, password_hasher: hasher };
  }
  if (password === undefined) return undefined;
  if (input.skip_password_checks !== true) {
    const violation = checkPassword(password, policy);
    if (violation) throw new ClerkError(violation.code, { meta: { param_name: 'password' }, message: violation.message, long_message: violation.message });
  }
  return { password_digest: await defaultHasher.hash(password), password_hasher: defaultHasher.name };
}

/**
 * True when `password` matches the stored digest. With no stored digest it still runs one verify of
 * the default algorithm against a decoy, so "no password" and "wrong password" take the same time.
 */
export async function passwordMatches(
  stored: { password_digest?: string | null; password_hasher?: string | null } | undefined,
  password: string,
): Promise<boolean> {
  const name = stored?.password_hasher;
  if (!stored?.password_digest || !name || !isPasswordHasherName(name)) {
    await defaultHasher.verify(await decoyDigest(), password);
    return false;
  }
  try {
    return await hashers[name].verify(stored.password_digest, password);
  } catch (error) {
    if (error instanceof DigestFormatError) return false;
    throw error;
  }
}

let decoy: Promise<string> | undefined;
/** A digest of a random password, made once per process, for decoy verifies. */
function decoyDigest(): Promise<string> {
  decoy ??= defaultHasher.hash(`decoy-${Math.random()}-${Date.now()}`);
  return decoy;
}
