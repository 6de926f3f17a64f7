import type { Deps } from '../deps.js';
import type { Executor } from '../db/database.js';
import type { UserPatch, UserRow } from '../db/schema.js';
import { sendEmail } from '../email/service.js';
import { inTransaction } from '../db/transaction.js';
import { ClerkError, clerkErrorEntry, paramError } from '../http/clerk-error.js';
import {
  countIdentifications,
  setPrimaryIdentification,
  withUniqueIdentifiers,
  type IdentificationKind,
} from '../identifications/service.js';
import { userNotFound } from './errors.js';
import { deepMerge, type JsonObject } from '../lib/deep-merge.js';
import { newId } from '../lib/ids.js';
import { prepareBackupCodes, prepareTotpSecret } from '../mfa/service.js';
import { readSettings } from '../instance/settings.js';
import { removeUserSessions, revokeUserSessions } from '../sessions/service.js';
import { isImageOf } from '../images/service.js';
import { removeUserMemberships } from '../organizations/members/service.js';
import { preparePassword, removePassword, writeLane, type Lane } from '../passwords/service.js';
import type { PasswordPolicy } from '../passwords/policy.js';
import { compileBodyValidator } from '../http/validator.js';
import { validationError } from '../http/validation.js';
import { checkUnsafe } from '../http/input-guards.js';
import { insertNewUsers } from './bulk/new-users.js';
import type { NewUserRecords } from './bulk/store.js';
import { CreateUserBody, type CreateUserInput, type MetadataInput, type UpdateUserInput } from './schemas.js';
import { recordUserDeleted, recordUserEvents, type UserEventDeps } from './events.js';
import {
  deleteUserById,
  findFullUserById,
  findFullUsersByIds,
  findUserByIdForUpdate,
  findUserIdByUsername as findUserIdByUsernameRow,
  updateUserById,
  type FullUserRow,
} from './store.js';
import {
  identifierListErrors,
  metadataErrors,
  nameErrors,
  throwIfAny,
  timestampField,
  usernameErrors,
} from './validate.js';

/** A write to a user: what it validates with, and what its event needs (the request behind it included). */
type UserDeps = Pick<Deps, 'secretBox' | 'hibp'> & UserEventDeps;

const METADATA_FIELDS = ['public_metadata', 'private_metadata', 'unsafe_metadata'] as const;

/** The password fields of a create or update → what the row stores, under the instance's policy. */
async function passwordFields(deps: Pick<Deps, 'hibp'> & { db: Executor }, input: Parameters<typeof preparePassword>[0], lane: Lane) {
  const { password_settings } = await readSettings(deps.db);
  return preparePassword(input, { policy: password_settings, isPwnedOnline: deps.hibp, lane });
}

/** Several whole users in one query, in no particular order; ids that match nothing are left out. */
export async function getUsers(deps: { db: Executor }, ids: string[]): Promise<FullUserRow[]> {
  return findFullUsersByIds(deps.db, [...new Set(ids)]);
}

/** The id of the user with this username (case-insensitive), if any. */
export async function findUserIdByUsername(deps: { db: Executor }, username: string): Promise<string | undefined> {
  return findUserIdByUsernameRow(deps.db, username);
}

export async function getUser(deps: { db: Executor }, id: string): Promise<FullUserRow> {
  const user = await findFullUserById(deps.db, id);
  if (!user) throw userNotFound(id);
  return user;
}

/** A user that passed every rule of POST /v1/users, as the rows to insert (first of each kind primary). */
export type PreparedUser = NewUserRecords;

export interface PrepareOptions {
  /** The instance's password policy, read once by a caller that prepares many users (the import). */
  passwordPolicy?: PasswordPolicy;
  /** Whose hashing this is (passwords/hashing.ts): the request's by default; the import passes its own. */
  lane?: Lane;
}

const checkCreateUserBody = compileBodyValidator<CreateUserInput>(CreateUserBody);

/**
 * The rules of POST /v1/users, for one user: the body schema (with the HTTP layer's Ajv and error
 * mapping), identifier formats, username, names, metadata size, timestamps, the password policy or the
 * digest's format, the TOTP secret (sealed) and backup codes (hashed). Throws the ClerkError POST would
 * answer with; returns the rows to insert. Uniqueness is the database's job, at insert time.
 */
export async function prepareNewUser(deps: Pick<Deps, 'clock' | 'secretBox' | 'hibp'> & { db: Executor }, body: unknown, options: PrepareOptions = {}): Promise<PreparedUser> {
  // What HTTP refuses before validation (NUL, lone surrogates, depth), refused for the import too.
  const unsafe = checkUnsafe('body', body);
  if (unsafe) throw unsafe;
  if (!checkCreateUserBody(body)) throw validationError(checkCreateUserBody.errors ?? [], 'body');
  const input = body;
  const errors = [...identifierListErrors(input), ...usernameErrors(input.username), ...nameErrors(input), ...metadataErrors(input)];
  const createdAt = timestampField(input.created_at, 'created_at', errors);
  const legalAcceptedAt = timestampField(input.legal_accepted_at, 'legal_accepted_at', errors);
  throwIfAny(errors);
  // The slow parts (hashing) run before any transaction opens, so it stays short.
  const lane = options.lane ?? writeLane();
  const password = options.passwordPolicy
    ? await preparePassword(input, { policy: options.passwordPolicy, isPwnedOnline: deps.hibp, lane })
    : await passwordFields(deps, input, lane);
  const totpSecret = input.totp_secret != null ? prepareTotpSecret(deps.secretBox, input.totp_secret) : null;
  const backupCodes = input.backup_codes?.length ? await prepareBackupCodes(input.backup_codes, lane) : null;

  const now = deps.clock.now();
  const id = newId('user', now);
  const identifications = (values: string[] | undefined) =>
    (values ?? []).map((value, i) => ({ id: newId('idn', now), value, created_at: now + i }));
  const email_addresses = identifications(input.email_address);
  const phone_numbers = identifications(input.phone_number);
  const web3_wallets = identifications(input.web3_wallet);
  return {
    user: {
      id,
      external_id: input.external_id ?? null,
      username: input.username || null,
      first_name: input.first_name ?? null,
      last_name: input.last_name ?? null,
      password_digest: password?.password_digest ?? null,
      password_hasher: password?.password_hasher ?? null,
      totp_secret: totpSecret,
      backup_codes: backupCodes,
      public_metadata: input.public_metadata ?? {},
      private_metadata: input.private_metadata ?? {},
      unsafe_metadata: input.unsafe_metadata ?? {},
      primary_email_address_id: email_addresses[0]?.id ?? null,
      primary_phone_number_id: phone_numbers[0]?.id ?? null,
      primary_web3_wallet_id: web3_wallets[0]?.id ?? null,
      primary_email_address_sort: email_addresses[0]?.value.toLowerCase() ?? null,
      primary_phone_number_sort: phone_numbers[0]?.value ?? null,
      primary_web3_wallet_sort: web3_wallets[0]?.value.toLowerCase() ?? null,
      delete_self_enabled: input.delete_self_enabled ?? null,
      create_organization_enabled: input.create_organization_enabled ?? null,
      create_organizations_limit: input.create_organizations_limit ?? null,
      legal_accepted_at: legalAcceptedAt ?? null,
      mfa_enabled_at: totpSecret || backupCodes ? now : null,
      created_at: createdAt ?? now,
      updated_at: now,
    },
    email_addresses,
    phone_numbers,
    web3_wallets,
  };
}

/** The insert step of POST /v1/users: all or nothing, a taken identifier → 422 form_identifier_exists. */
export async function insertPreparedUser(deps: { db: Executor }, user: PreparedUser): Promise<void> {
  await inTransaction(deps.db, (db) => withUniqueIdentifiers(() => insertNewUsers(db, [user])));
}

/**
 * POST /v1/users. Every identifier is verified (strategy admin); the first of each kind is primary. The
 * user.created event is written in the same transaction: no event for a user that failed to insert.
 */
export async function createUser(deps: UserDeps, input: CreateUserInput): Promise<FullUserRow> {
  const prepared = await prepareNewUser(deps, input);
  return inTransaction(deps.db, async (db) => {
    await insertPreparedUser({ db }, prepared);
    const [user] = await recordUserEvents({ ...deps, db }, 'user.created', [prepared.user.id]);
    return user!;
  });
}

function updateErrors(input: UpdateUserInput) {
  const errors = [...usernameErrors(input.username), ...nameErrors(input), ...metadataErrors(input)];
  const hasPassword = input.password != null;
  // Clerk: "This parameter can only be used when providing a password."
  if (input.sign_out_of_other_sessions === true && !hasPassword) {
    errors.push(clerkErrorEntry('form_conditional_param_missing', {
      meta: { param_name: 'password' },
      long_message: '`password` is required when `sign_out_of_other_sessions` is present.',
    }));
  }
  if (input.skip_password_checks === true && !hasPassword && input.password_digest == null) {
    errors.push(clerkErrorEntry('form_conditional_param_missing', {
      meta: { param_name: 'password' },
      long_message: '`password` is required when `skip_password_checks` is present.',
    }));
  }
  return errors;
}

const PRIMARY_FIELDS: [IdentificationKind, 'primary_email_address_id' | 'primary_phone_number_id' | 'primary_web3_wallet_id'][] = [
  ['email_address', 'primary_email_address_id'],
  ['phone_number', 'primary_phone_number_id'],
  ['web3_wallet', 'primary_web3_wallet_id'],
];

/** PATCH /v1/users/{id}: every field of the seed. All or nothing: a failure changes nothing. */
export async function updateUser(deps: UserDeps, id: string, input: UpdateUserInput): Promise<FullUserRow> {
  const errors = updateErrors(input);
  const createdAt = timestampField(input.created_at, 'created_at', errors);
  const legalAcceptedAt = timestampField(input.legal_accepted_at, 'legal_accepted_at', errors);
  throwIfAny(errors);
  const password = await passwordFields(deps, input, writeLane(id));
  const totpSecret = input.totp_secret !== undefined ? prepareTotpSecret(deps.secretBox, input.totp_secret) : undefined;
  const backupCodes = input.backup_codes !== undefined ? await prepareBackupCodes(input.backup_codes, writeLane(id)) : undefined;

  return inTransaction(deps.db, (db) =>
    withUniqueIdentifiers(async () => {
      const user = await findUserByIdForUpdate(db, id);
      if (!user) throw userNotFound(id);
      const now = deps.clock.now();
      const patch: UserPatch = { updated_at: now };
      for (const field of ['external_id', 'first_name', 'last_name', 'create_organizations_limit'] as const) {
        if (input[field] !== undefined) patch[field] = input[field] as never;
      }
      for (const field of ['delete_self_enabled', 'create_organization_enabled'] as const) {
        if (input[field] != null) patch[field] = input[field];
      }
      if (legalAcceptedAt !== undefined) patch.legal_accepted_at = legalAcceptedAt;
      if (input.profile_image_id !== undefined) {
        // An image uploaded for this user (its current one or one of its last few): anything else is unknown.
        if (input.profile_image_id !== null && !(await isImageOf({ db }, { user_id: id }, input.profile_image_id))) {
          throw new ClerkError('form_resource_not_found', { meta: { param_name: 'profile_image_id' } });
        }
        patch.profile_image_id = input.profile_image_id;
      }
      if (createdAt != null) patch.created_at = createdAt;
      if (input.username !== undefined) {
        const removing = input.username === null || input.username === '';
        // The username is an identification: it may go only if another one remains.
        if (removing && user.username !== null && (await countIdentifications({ db }, id)) <= 1) {
          throw new ClerkError('identification_deletion_failed', { meta: { param_name: 'username' } });
        }
        patch.username = removing ? null : input.username;
      }
      for (const field of METADATA_FIELDS) {
        if (input[field] !== undefined) patch[field] = JSON.stringify(input[field] ?? {});
      }
      if (password) Object.assign(patch, password);
      if (totpSecret !== undefined) patch.totp_secret = totpSecret;
      if (backupCodes !== undefined) patch.backup_codes = backupCodes.length ? JSON.stringify(backupCodes) : null;
      Object.assign(patch, mfaTimestamps(user, patch, now));

      for (const [kind, field] of PRIMARY_FIELDS) {
        const target = input[field];
        if (target != null && target !== user[field]) {
          await setPrimaryIdentification({ db, clock: deps.clock }, kind, id, target, field);
        }
      }
      await updateUserById(db, id, patch);
      if (password && input.sign_out_of_other_sessions === true) await revokeUserSessions({ ...deps, db }, id);
      const updated = await userUpdated({ ...deps, db }, id);
      if (input.notify_primary_email_address_changed === true) await notifyPrimaryEmailChanged({ ...deps, db }, user, updated);
      return updated;
    }),
  );
}

/**
 * notify_primary_email_address_changed: Clerk's "primary email address changed" email, to the address
 * that was primary before, only when the primary really changed (and both the old and new ones exist).
 */
async function notifyPrimaryEmailChanged(deps: UserEventDeps, before: UserRow, after: FullUserRow): Promise<void> {
  const previousId = before.primary_email_address_id;
  if (previousId === null || after.primary_email_address_id === null || after.primary_email_address_id === previousId) return;
  const previous = after.email_addresses.find((e) => e.id === previousId);
  const current = after.email_addresses.find((e) => e.id === after.primary_email_address_id);
  if (!previous || !current) return;
  await sendEmail(deps, {
    slug: 'primary_email_address_changed',
    to: previous.email_address,
    userId: after.id,
    emailAddressId: previous.id,
    data: { new_email_address: current.email_address },
  });
}

/** Records user.updated for a user changed in this transaction and returns it as it now is. */
async function userUpdated(deps: UserEventDeps, id: string): Promise<FullUserRow> {
  const [user] = await recordUserEvents(deps, 'user.updated', [id]);
  return user!;
}

/** mfa_enabled_at / mfa_disabled_at move when TOTP or backup codes switch two-factor on or off. */
function mfaTimestamps(
  before: { totp_secret: string | null; backup_codes: unknown; mfa_enabled_at: number | null; mfa_disabled_at: number | null },
  patch: UserPatch,
  now: number,
): UserPatch {
  const hadMfa = before.totp_secret !== null || before.backup_codes !== null;
  const totp = patch.totp_secret !== undefined ? patch.totp_secret : before.totp_secret;
  const codes = patch.backup_codes !== undefined ? patch.backup_codes : before.backup_codes;
  const hasMfa = totp !== null || codes !== null;
  if (!hadMfa && hasMfa) return { mfa_enabled_at: now };
  if (hadMfa && !hasMfa) return { mfa_disabled_at: now };
  return {};
}

export async function deleteUser(deps: UserEventDeps, id: string): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    await removeUserSessions({ ...deps, db }, id);
    // Its memberships go with it (the database cascade would drop them silently): one event each.
    await removeUserMemberships({ ...deps, db }, id);
    if (!(await deleteUserById(db, id))) throw userNotFound(id);
    await recordUserDeleted({ ...deps, db }, id);
  });
}

/**
 * PATCH /v1/users/{id}/metadata merges deeply (null removes a key at any depth); PUT replaces each
 * object given. Both check the 8 KB limit on the result.
 */
export async function updateMetadata(deps: UserEventDeps, id: string, input: MetadataInput, mode: 'merge' | 'replace') {
  return inTransaction(deps.db, async (db) => {
    const user = await findUserByIdForUpdate(db, id);
    if (!user) throw userNotFound(id);
    const next: Partial<Record<(typeof METADATA_FIELDS)[number], JsonObject>> = {};
    for (const field of METADATA_FIELDS) {
      const given = input[field];
      if (given === undefined) continue;
      next[field] = mode === 'merge' ? deepMerge(user[field] as JsonObject, (given ?? {}) as JsonObject) : ((given ?? {}) as JsonObject);
    }
    throwIfAny(metadataErrors(next));
    // An empty body (`{}`) is a no-op: nothing to write, so updated_at stays as it was, and no event.
    if (Object.keys(next).length === 0) return getUser({ db }, id);
    const patch: UserPatch = { updated_at: deps.clock.now() };
    for (const [field, value] of Object.entries(next)) patch[field as (typeof METADATA_FIELDS)[number]] = JSON.stringify(value);
    await updateUserById(db, id, patch);
    return userUpdated({ ...deps, db }, id);
  });
}

/** Ban revokes all the user's sessions and blocks new ones; unban only clears the flag. */
export async function setBanned(deps: UserEventDeps, id: string, banned: boolean) {
  return inTransaction(deps.db, async (db) => {
    if (!(await updateUserById(db, id, { banned, updated_at: deps.clock.now() }))) throw userNotFound(id);
    if (banned) await revokeUserSessions({ ...deps, db }, id);
    return userUpdated({ ...deps, db }, id);
  });
}

/** An admin lock lasts the instance's lockout duration; unlock also resets the failed-attempt counter. */
export async function setLocked(deps: UserEventDeps, id: string, locked: boolean) {
  const now = deps.clock.now();
  const duration = (await readSettings(deps.db)).lockout.lockout_duration;
  const patch: UserPatch = locked
    ? { locked_at: now, lockout_expires_at: duration === null ? null : now + duration * 1000, updated_at: now }
    : { locked_at: null, lockout_expires_at: null, failed_verification_attempts: 0, updated_at: now };
  return inTransaction(deps.db, async (db) => {
    if (!(await updateUserById(db, id, patch))) throw userNotFound(id);
    return userUpdated({ ...deps, db }, id);
  });
}

/** POST /v1/users/{id}/remove_password (newer Clerk API versions, sent by @clerk/backend's removePassword). */
export async function removeUserPassword(deps: UserEventDeps, id: string) {
  return inTransaction(deps.db, async (db) => {
    await removePassword({ ...deps, db }, id);
    return userUpdated({ ...deps, db }, id);
  });
}
