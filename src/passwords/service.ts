import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Executor } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { ClerkError, paramError } from '../http/clerk-error.js';
import { readSettings } from '../instance/settings.js';
import type { Clock } from '../lib/clock.js';
import { createLimiter } from '../lib/limiter.js';
import { assertNotLocked, recordFailedVerification, recordSuccessfulVerification } from '../lockout/service.js';
import { defaultHasher, hashers, isPasswordHasherName } from './hashers/index.js';
import { DigestFormatError } from './hashers/hasher.js';
import { checkPassword, defaultPasswordPolicy, type PasswordPolicy } from './policy.js';
import type { HibpCheck } from './hibp.js';
import { clearPasswordById, findPasswordCredentials, replacePasswordDigest } from './store.js';

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
  options: { policy?: PasswordPolicy; isPwnedOnline?: HibpCheck | undefined } = {},
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
  return { password_digest: await hashing(() => defaultHasher.hash(password)), password_hasher: defaultHasher.name };
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
    const decoyDigest = await decoy();
    await hashing(() => defaultHasher.verify(decoyDigest, password));
    return false;
  }
  try {
    const digest = stored.password_digest;
    return await hashing(() => hashers[name].verify(digest, password));
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

/**
 * Hashing runs on libuv's thread pool (4 threads by default). On a small machine, letting all of them
 * hash at once leaves no core for the event loop, so at most cores − 1 hashes run together.
 */
const hashing = createLimiter(Math.max(1, availableParallelism() - 1));

/**
 * For a process that serves no requests (`gatehouse import`): every core may hash, since no event loop
 * has to stay responsive. On 2 cores this doubles the rate of an import of plain passwords.
 */
export function hashOnEveryCore(): void {
  hashing.resize(availableParallelism());
}

export interface VerifyDeps {
  db: Executor;
  clock: Clock;
}

/**
 * POST /v1/users/{id}/verify_password. A locked user is refused before any hashing; a failure counts
 * towards the lockout; a success clears the count and, when the digest came from a legacy hasher (or
 * is an argon2id digest below OWASP's parameters), replaces it with a fresh default-algorithm digest,
 * so weak digests disappear as users sign in.
 */
export async function verifyUserPassword(deps: VerifyDeps, userId: string, password: string): Promise<void> {
  const user = await findPasswordCredentials(deps.db, userId);
  if (!user) throw new ClerkError('resource_not_found', { long_message: `No user was found with id ${userId}` });
  const { lockout } = await readSettings(deps.db);
  assertNotLocked(user, deps.clock.now());
  const ok = await passwordMatches(user, password);
  if (user.password_digest === null || user.password_hasher === null) throw new ClerkError('no_password_set');
  if (!ok) {
    await recordFailedVerification(deps.db, userId, lockout, deps.clock.now());
    throw paramError('incorrect_password', 'password');
  }
  const legacy = user.password_hasher !== defaultHasher.name || defaultHasher.needsRehash(user.password_digest);
  const upgrade = legacy ? await hashing(() => defaultHasher.hash(password)) : undefined;
  await inTransaction(deps.db, async (db) => {
    await recordSuccessfulVerification(db, userId);
    if (upgrade) {
      await replacePasswordDigest(db, userId, user.password_digest!, {
        password_digest: upgrade,
        password_hasher: defaultHasher.name,
      });
    }
  });
}

/** POST /v1/users/{id}/remove_password (newer Clerk API versions): the user no longer has a password. */
export async function removePassword(deps: VerifyDeps, userId: string): Promise<void> {
  if (!(await clearPasswordById(deps.db, userId, deps.clock.now()))) {
    throw new ClerkError('resource_not_found', { long_message: `No user was found with id ${userId}` });
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
