import type { Executor } from '../db/database.js';
import { uniqueViolation } from '../db/errors.js';
import { inTransaction } from '../db/transaction.js';
import { ClerkError, clerkErrorEntry, type ClerkErrorEntry } from '../http/clerk-error.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { recordUserEvents, type UserEventDeps } from '../users/events.js';
import { refreshUserSearch } from '../users/search/service.js';
import { updatePrimaryIdentificationId } from '../users/columns/service.js';
import { userNotFound } from '../users/errors.js';
import { identificationKinds, type IdentificationKind } from './kinds.js';
import {
  clearDefaultSecondFactor,
  clearPhoneSecondFactors,
  countUserIdentifications,
  deleteIdentificationById,
  findIdentificationById,
  findIdentificationByIdForUpdate,
  findIdentificationByValue as findIdentificationRowByValue,
  findIdentificationsByUserId,
  insertIdentifications,
  insertIdentificationsFrom,
  lockUserForIdentifications,
  type NewIdentification,
  updateIdentificationById,
  type IdentificationRow,
} from './store.js';

export type { IdentificationKind } from './kinds.js';
export type { IdentificationRow, NewIdentification as ImportedIdentificationRecord } from './store.js';

type Deps = { db: Executor; clock: Clock };
/** A change to a user's identifications is a change to the user: it records user.updated. */
type WriteDeps = UserEventDeps;

/** Points the user's primary identification of this kind at `id` (or at nothing); users/ writes it. */
async function updatePrimaryIdentification(db: Executor, kind: IdentificationKind, userId: string, id: string | null, nowMs: number) {
  await updatePrimaryIdentificationId(db, userId, identificationKinds[kind].primaryColumn, id, nowMs);
}

/** Format errors for a list of identifiers, one per bad value, all naming `param`. */
export function identificationFormatErrors(kind: IdentificationKind, values: string[], param: string = kind): ClerkErrorEntry[] {
  const k = identificationKinds[kind];
  return values
    .filter((v) => k.problem(v) !== undefined)
    .map(() => clerkErrorEntry('form_param_format_invalid', { meta: { param_name: param }, long_message: k.formatMessage(param) }));
}

const TAKEN: Record<string, { param: string; human: string }> = {
  email_addresses_email_key: { param: 'email_address', human: 'email address' },
  phone_numbers_phone_key: { param: 'phone_number', human: 'phone number' },
  web3_wallets_wallet_key: { param: 'web3_wallet', human: 'web3 wallet' },
  users_username_key: { param: 'username', human: 'username' },
  users_external_id_key: { param: 'external_id', human: 'external id' },
};

/**
 * Turns a unique-index violation into Clerk's 422 form_identifier_exists. The database is what
 * enforces uniqueness, so two concurrent requests cannot both win; this names the loser's parameter.
 */
export function identifierTakenError(error: unknown): ClerkError | undefined {
  const index = uniqueViolation(error);
  if (index === undefined) return undefined;
  const taken = TAKEN[index];
  if (!taken) return undefined;
  return identifierTaken(taken.param, taken.human);
}

/**
 * 422 form_identifier_exists: the identifier in `param` (`human`: how the message names it) belongs to
 * someone else. Built here only, whoever finds the clash (a unique index, the import, sign-up).
 */
export function identifierTaken(param: string, human: string): ClerkError {
  // Clerk sets only a short message here, so long_message is the same text (CLERK-BEHAVIOUR §1).
  const message = `That ${human} is taken. Please try another.`;
  return new ClerkError('form_identifier_exists', { meta: { param_name: param }, message, long_message: message });
}

/** Runs a write and reports a duplicate identifier as form_identifier_exists. */
export async function withUniqueIdentifiers<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw identifierTakenError(error) ?? error;
  }
}

/**
 * Identifications `gatehouse import` adds to users that exist (--on-conflict fill, users/bulk/existing.ts),
 * in one statement, in the caller's transaction. The caller sets the primaries and records the events.
 */
export async function addImportedIdentifications(db: Executor, kind: IdentificationKind, rows: NewIdentification[]): Promise<void> {
  await insertIdentifications(db, kind, rows);
  await refreshUserSearch({ db }, rows.map((r) => r.user_id));
}

/**
 * New users' identifications of one kind, in the caller's transaction, after their users rows: POST
 * /v1/users and an import's batches (users/bulk/new-users.ts), or a load-first import's staging copy of the
 * table (`into`). The caller sets the primaries and writes the users' search documents.
 */
export async function insertNewUserIdentifications(db: Executor, kind: IdentificationKind, rows: NewIdentification[], into?: string): Promise<void> {
  await insertIdentifications(db, kind, rows, into);
}

/** A load-first import's last step: its staged identifications of this kind (the staging copy `from`) into the table. */
export async function moveStagedIdentifications(db: Executor, kind: IdentificationKind, from: string): Promise<void> {
  await insertIdentificationsFrom(db, kind, from);
}

export function identificationNotFound(): ClerkError {
  return new ClerkError('resource_not_found', { message: 'Resource not found', long_message: 'Resource not found' });
}


export interface IdentificationInput {
  value: string;
  verified: boolean;
  primary?: boolean;
  reserved_for_second_factor?: boolean;
}

/**
 * POST /email_addresses, /phone_numbers: adds one identification. It becomes primary when asked to,
 * or when the user has no primary of this kind yet (Clerk: "Default: false, unless it is the first").
 */
export async function addIdentification(deps: WriteDeps, kind: IdentificationKind, userId: string, input: IdentificationInput) {
  return inTransaction(deps.db, async (db) => {
    const user = await lockUserForIdentifications(db, userId);
    if (!user) throw userNotFound(userId);
    const primaryColumn = identificationKinds[kind].primaryColumn;
    const makePrimary = input.primary === true || user[primaryColumn] === null;
    if (input.primary === true && !input.verified) throw verificationNeeded('primary');
    if (input.reserved_for_second_factor && !input.verified) throw verificationNeeded('reserved_for_second_factor');
    const now = deps.clock.now();
    const id = newId('idn', now);
    const reserved = input.reserved_for_second_factor === true;
    const hasDefault = reserved && (await findIdentificationsByUserId(db, kind, userId)).some((r) => r.default_second_factor);
    await withUniqueIdentifiers(() =>
      insertIdentifications(db, kind, [
        {
          id,
          user_id: userId,
          value: input.value,
          verified: input.verified,
          created_at: now,
          ...(kind === 'phone_number' ? { reserved_for_second_factor: reserved, default_second_factor: reserved && !hasDefault } : {}),
        },
      ]),
    );
    await refreshUserSearch({ db }, [userId]);
    if (makePrimary) await updatePrimaryIdentification(db, kind, userId, id, now);
    await recordUserEvents({ ...deps, db }, 'user.updated', [userId]);
    return (await findIdentificationById(db, kind, id))!;
  });
}

function verificationNeeded(param: string): ClerkError {
  return new ClerkError('form_verification_needed', { meta: { param_name: param } });
}

/** The identification of this kind with this value (case-insensitive for emails), whoever owns it. */
export async function findIdentificationByValue(deps: { db: Executor }, kind: IdentificationKind, value: string) {
  return findIdentificationRowByValue(deps.db, kind, value);
}

export async function getIdentification(deps: Deps, kind: IdentificationKind, id: string): Promise<IdentificationRow> {
  const row = await findIdentificationById(deps.db, kind, id);
  if (!row) throw identificationNotFound();
  return row;
}

/** PATCH /email_addresses/{id}, /phone_numbers/{id}. */
export async function updateIdentification(
  deps: WriteDeps,
  kind: IdentificationKind,
  id: string,
  patch: { verified?: boolean | null; primary?: boolean | null; reserved_for_second_factor?: boolean | null },
) {
  return inTransaction(deps.db, async (db) => {
    const existing = await findIdentificationById(db, kind, id);
    if (!existing) throw identificationNotFound();
    await lockUserForIdentifications(db, existing.user_id);
    const now = deps.clock.now();
    const verified = patch.verified ?? existing.verified;
    const reserved = patch.reserved_for_second_factor ?? existing.reserved_for_second_factor;
    if (patch.primary === true && !verified) throw verificationNeeded('primary');
    if (patch.reserved_for_second_factor === true && !verified) throw verificationNeeded('reserved_for_second_factor');
    let defaultSecondFactor = existing.default_second_factor;
    if (kind === 'phone_number') {
      const others = (await findIdentificationsByUserId(db, kind, existing.user_id)).filter((r) => r.id !== id);
      if (reserved && !others.some((r) => r.default_second_factor)) defaultSecondFactor = true;
      if (!reserved) defaultSecondFactor = false;
    }
    await updateIdentificationById(db, kind, id, {
      verified,
      ...(kind === 'phone_number' ? { reserved_for_second_factor: reserved, default_second_factor: defaultSecondFactor } : {}),
      updated_at: now,
    });
    if (defaultSecondFactor) await clearDefaultSecondFactor(db, existing.user_id, id, now);
    if (patch.primary === true) await updatePrimaryIdentification(db, kind, existing.user_id, id, now);
    await recordUserEvents({ ...deps, db }, 'user.updated', [existing.user_id]);
    return (await findIdentificationById(db, kind, id))!;
  });
}

/**
 * Makes `id` the user's primary identification of its kind (PATCH /users primary_*_id). It must
 * belong to the user and be verified.
 */
export async function setPrimaryIdentification(deps: Deps, kind: IdentificationKind, userId: string, id: string, param: string) {
  const row = await findIdentificationByIdForUpdate(deps.db, kind, id);
  if (!row || row.user_id !== userId) throw new ClerkError('form_resource_not_found', { meta: { param_name: param } });
  if (!row.verified) throw verificationNeeded(param);
  await updatePrimaryIdentification(deps.db, kind, userId, id, deps.clock.now());
}

/**
 * Deletes one identification. The user's last identification cannot go; when the primary goes, the
 * oldest remaining verified one of the same kind takes its place, or none.
 */
export async function deleteIdentification(deps: WriteDeps, kind: IdentificationKind, id: string, ownerId?: string) {
  return inTransaction(deps.db, async (db) => {
    const existing = await findIdentificationById(db, kind, id);
    if (!existing || (ownerId !== undefined && existing.user_id !== ownerId)) throw identificationNotFound();
    const user = await lockUserForIdentifications(db, existing.user_id);
    if ((await countUserIdentifications(db, existing.user_id)) <= 1) throw new ClerkError('identification_deletion_failed');
    await deleteIdentificationById(db, kind, id);
    await refreshUserSearch({ db }, [existing.user_id]);
    const now = deps.clock.now();
    if (user?.[identificationKinds[kind].primaryColumn] === id) {
      const next = (await findIdentificationsByUserId(db, kind, existing.user_id)).find((r) => r.verified);
      await updatePrimaryIdentification(db, kind, existing.user_id, next?.id ?? null, now);
    } else {
      await updatePrimaryIdentification(db, kind, existing.user_id, user?.[identificationKinds[kind].primaryColumn] ?? null, now);
    }
    await recordUserEvents({ ...deps, db }, 'user.updated', [existing.user_id]);
    return existing;
  });
}

/** How many identifications the user has, of every kind, counting a username as one. */
export async function countIdentifications(deps: { db: Executor }, userId: string): Promise<number> {
  return countUserIdentifications(deps.db, userId);
}

/**
 * Phone numbers stop being second factors, in the caller's transaction: mfa/ turning every second factor
 * off. phone_numbers is this feature's table; mfa/ decides when.
 */
export async function clearSecondFactorPhones(db: Executor, userId: string, nowMs: number): Promise<void> {
  await clearPhoneSecondFactors(db, userId, nowMs);
}
