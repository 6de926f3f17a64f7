import { randomBytes } from 'node:crypto';
import type { Executor } from '../db/database.js';
import { ClerkError, paramError } from '../http/clerk-error.js';
import { userNotFound } from '../users/errors.js';
import type { Clock } from '../lib/clock.js';
import { assertNotLocked, attemptVerification } from '../lockout/service.js';
import { defaultHasher, hashers, isPasswordHasherName } from './hashers/index.js';
import { DigestFormatError } from './hashers/hasher.js';
import { checkPassword, defaultPasswordPolicy, type PasswordPolicy } from './policy.js';
import type { HibpCheck } from './hibp.js';
import { hashing, importLane, userLane, writeLane, type Lane } from './hashing.js';
import { findPasswordCredentials } from './store.js';
import { clearPasswordById, replacePasswordDigest, type StoredPassword } from '../users/columns/service.js';

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
  options: { policy?: PasswordPolicy; isPwnedOnline?: HibpCheck | undefined; lane?: Lane } = {},
): Promise<StoredPassword | undefined> {
  const policy = options.policy ?? defaultPasswordPolicy;
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
    if (!policy.disable_hibp && options.isPwnedOnline && (await isPwnedOnline(options.isPwnedOnline, password))) {
      throw paramError('form_password_pwned', 'password');
    }
  }
  const lane = options.lane ?? writeLane();
  return { password_digest: await hashing(lane, () => defaultHasher.hash(password)), password_hasher: defaultHasher.name };
}

/**
 * True when `password` matches the stored digest. With no stored digest it still runs one verify of
 * the default algorithm against a decoy, so "no password" and "wrong password" take the same time.
 */
export async function passwordMatches(
  stored: { password_digest?: string | null; password_hasher?: string | null } | undefined,
  password: string,
  lane: Lane,
): Promise<boolean> {
  const name = stored?.password_hasher;
  if (!stored?.password_digest || !name || !isPasswordHasherName(name)) {
    const decoyDigest = await decoy();
    await hashing(lane, () => defaultHasher.verify(decoyDigest, password));
    return false;
  }
  try {
    const digest = stored.password_digest;
    return await hashing(lane, () => hashers[name].verify(digest, password));
  } catch (error) {
    if (error instanceof DigestFormatError) return false;
    throw error;
  }
}

let decoyPromise: Promise<string> | undefined;
/** A digest of a random password, made once per process, for decoy verifies. */
function decoy(): Promise<string> {
  decoyPromise ??= defaultHasher.hash(`decoy-${randomBytes(16).toString('hex')}`);
  return decoyPromise;
}

// Other features hash through the same limiter (mfa: backup codes; the import: its lane).
export { hashing, hashingAll, hashOnEveryCore, importLane, userLane, writeLane, type Lane } from './hashing.js';
/** Graceful shutdown: stops the worker threads of the legacy hash loops (phpass, Symfony). */
export { closeHashLoops } from './hashers/hash-loops.js';

export interface VerifyDeps {
  db: Executor;
  clock: Clock;
}

/**
 * POST /v1/users/{id}/verify_password. Goes through the lockout (lockout/service#attemptVerification): a
 * locked user is refused before any hashing, an attempt is counted before it is checked, a success clears
 * the count. After a success, a digest from a legacy hasher (or an argon2id digest below OWASP's
 * parameters) is replaced with a fresh default-algorithm digest, so weak digests disappear as users sign in.
 */
export async function verifyUserPassword(deps: VerifyDeps, userId: string, password: string): Promise<void> {
  const user = await findPasswordCredentials(deps.db, userId);
  if (!user) throw userNotFound(userId);
  const lane = userLane(userId);
  assertNotLocked(user, deps.clock.now()); // early, for the clearer answer; the reservation checks again, atomically
  if (user.password_digest === null || user.password_hasher === null) {
    await passwordMatches(undefined, password, lane); // the decoy: as long as a wrong password takes
    throw new ClerkError('no_password_set');
  }
  const result = await attemptVerification(deps, user, async () =>
    (await passwordMatches(user, password, lane)) ? { outcome: 'success', value: true } : { outcome: 'failure' },
  );
  if (result.outcome !== 'success') throw paramError('incorrect_password', 'password');
  const legacy = user.password_hasher !== defaultHasher.name || defaultHasher.needsRehash(user.password_digest);
  if (!legacy) return;
  let upgrade: string;
  try {
    upgrade = await hashing(lane, () => defaultHasher.hash(password));
  } catch (error) {
    if (error instanceof ClerkError) return; // the hashing queue is full (429): the password did verify; upgrade next time
    throw error;
  }
  await replacePasswordDigest(deps.db, userId, user.password_digest, { password_digest: upgrade, password_hasher: defaultHasher.name });
}

/** POST /v1/users/{id}/remove_password (newer Clerk API versions): the user no longer has a password. */
export async function removePassword(deps: VerifyDeps, userId: string): Promise<void> {
  if (!(await clearPasswordById(deps.db, userId, deps.clock.now()))) {
    throw userNotFound(userId);
  }
}

/**
 * The online check fails open: when the HIBP service cannot be reached the offline list has already
 * been consulted, and refusing every new password while a third party is down would be worse.
 */
async function isPwnedOnline(check: HibpCheck, password: string): Promise<boolean> {
  try {
    return await check(password);
  } catch {
    return false;
  }
}
