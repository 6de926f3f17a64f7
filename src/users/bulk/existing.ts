import type { Deps } from '../../deps.js';
import type { UserPatch, UserRow } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import { ClerkError } from '../../http/clerk-error.js';
import { addImportedIdentifications, type ImportedIdentificationRecord } from '../../identifications/service.js';
import { newId } from '../../lib/ids.js';
import { revokeUserSessions } from '../../sessions/service.js';
import { recordUserEvents, type UserEventDeps } from '../events.js';
import type { UpdateUserInput } from '../schemas.js';
import { updateUser } from '../service.js';
import { findFullUsersByIds, updateUserById } from '../store.js';
import { IDENTIFICATION_LISTS, importedUserPatch, type ImportedState } from './gatehouse-extension.js';
import type { ImportRow } from './import-row.js';
import { lockUsersForUpdate, tuneBulkTransaction, updateUsersWithPatches, type UserColumnPatch } from './store.js';

// Import rows that meet a user already there (--on-conflict update or fill), a batch at a time: one read
// of the users (locked), their patches computed here, one update statement, one insert per kind of the
// identifications a fill adds, one batch of user.updated events. The rules are those of one user at a time:
// - update: the row's fields as PATCH /v1/users/{id} applies them (users/service.ts#updateUser), then the
//   user's own state from its `gatehouse` key; identifiers are not changed (PATCH cannot change them);
// - fill: only what the user lacks (a name, a username, a password, TOTP, backup codes, metadata keys,
//   an email or phone, a primary), never blanking a field and never loosening state: a ban stays, an
//   identifier stays as verified or unverified as it is; a creation date only moves earlier, a last
//   sign-in only later. A row that adds nothing leaves the user as it is ("skipped").

type BulkDeps = Pick<Deps, 'secretBox' | 'hibp'> & UserEventDeps;
export type ExistingMode = 'update' | 'fill';

export interface ExistingMatch {
  row: ImportRow;
  userId: string;
}

export type ExistingOutcome = { status: 'updated' | 'skipped'; userId: string } | { status: 'rejected'; errors: ClerkError['entries'] };

/** What one row does to its user: columns to set, identifications to add, a ban to start. */
interface Change {
  patch: UserColumnPatch;
  identifications: { kind: (typeof IDENTIFICATION_LISTS)[number]['values']; record: ImportedIdentificationRecord }[];
}

const METADATA = ['public_metadata', 'private_metadata', 'unsafe_metadata'] as const;

/** mfa_enabled_at / mfa_disabled_at move when TOTP or backup codes switch two-factor on or off (as updateUser). */
function mfaTimes(before: UserRow, patch: UserColumnPatch, now: number): UserColumnPatch {
  const hadMfa = before.totp_secret !== null || before.backup_codes !== null;
  const totp = 'totp_secret' in patch ? patch.totp_secret : before.totp_secret;
  const codes = 'backup_codes' in patch ? patch.backup_codes : before.backup_codes;
  const hasMfa = totp !== null || codes !== null;
  if (!hadMfa && hasMfa) return { mfa_enabled_at: now };
  if (hadMfa && !hasMfa) return { mfa_disabled_at: now };
  return {};
}

/** JSON with object keys sorted: jsonb gives metadata back in its own key order. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_, x: unknown) =>
    typeof x === 'object' && x !== null && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : 1))) : x,
  );
const same = (a: unknown, b: unknown) => a === b || (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && canonical(a) === canonical(b));

/**
 * --on-conflict update: PATCH's fields (those updateUser takes), then the `gatehouse` state. A column
 * given its current value is left out of the statement (only updated_at moves, as PATCH moves it): an
 * unchanged name then costs no index entries, which is most of the price of an update.
 */
function updateChange(row: ImportRow, user: UserRow, now: number): Change {
  const { input } = row;
  const prepared = row.prepared.user;
  const patch: UserColumnPatch = { updated_at: now };
  for (const field of ['external_id', 'first_name', 'last_name', 'create_organizations_limit', 'username'] as const) {
    if (input[field] !== undefined) (patch as Record<string, unknown>)[field] = input[field] ?? null;
  }
  for (const field of ['delete_self_enabled', 'create_organization_enabled'] as const) if (input[field] != null) patch[field] = input[field];
  if (input.legal_accepted_at !== undefined) patch.legal_accepted_at = prepared.legal_accepted_at;
  if (input.created_at != null) patch.created_at = prepared.created_at;
  for (const field of METADATA) if (input[field] !== undefined) patch[field] = input[field] ?? {};
  // Already hashed, parsed and sealed by prepareNewUser: nothing is hashed twice.
  if (prepared.password_digest !== null) Object.assign(patch, { password_digest: prepared.password_digest, password_hasher: prepared.password_hasher });
  if (input.totp_secret !== undefined) patch.totp_secret = prepared.totp_secret;
  if (input.backup_codes !== undefined) patch.backup_codes = prepared.backup_codes;
  Object.assign(patch, mfaTimes(user, patch, now));
  if (row.imported) Object.assign(patch, importedUserPatch(row.imported));
  for (const [column, value] of Object.entries(patch)) {
    if (column !== 'updated_at' && same(value, user[column as keyof UserRow])) delete patch[column as keyof UserColumnPatch];
  }
  return { patch, identifications: [] };
}

const later = (a: number | null, b: number | null | undefined) => (b != null && (a === null || b > a) ? b : undefined);

/**
 * --on-conflict fill: what the user lacks. `ownerOf` says who holds an identifier (the lookup the batch
 * made before, through the unique indexes): this user (nothing to add), someone else (left out), or nobody
 * (added). So a fill reads no identifications: a row that adds nothing costs a lock and a comparison.
 */
function fillChange(
  row: ImportRow,
  user: UserRow,
  now: number,
  ownerOf: (kind: string, value: string) => string | undefined,
  hasDefaultSecondFactor: boolean,
): Change {
  const prepared = row.prepared.user;
  const patch: UserColumnPatch = {};
  for (const field of ['external_id', 'first_name', 'last_name', 'username', 'legal_accepted_at'] as const) {
    if (user[field] === null && prepared[field] !== null) (patch as Record<string, unknown>)[field] = prepared[field];
  }
  if (user.password_digest === null && prepared.password_digest !== null) Object.assign(patch, { password_digest: prepared.password_digest, password_hasher: prepared.password_hasher });
  if (user.totp_secret === null && prepared.totp_secret !== null) patch.totp_secret = prepared.totp_secret;
  if (user.backup_codes === null && prepared.backup_codes !== null) patch.backup_codes = prepared.backup_codes;
  for (const field of METADATA) {
    const missing = Object.keys(prepared[field]).filter((k) => !(k in user[field]));
    if (missing.length > 0) patch[field] = { ...prepared[field], ...user[field] };
  }
  if (row.input.created_at != null && prepared.created_at < user.created_at) patch.created_at = prepared.created_at;
  const state = row.imported?.user ?? {};
  if (state.banned === true && !user.banned) patch.banned = true;
  for (const field of ['last_sign_in_at', 'last_active_at'] as const) {
    const value = later(user[field], state[field]);
    if (value !== undefined) patch[field] = value;
  }
  if (patch.totp_secret !== undefined || patch.backup_codes !== undefined) {
    Object.assign(patch, mfaTimes(user, patch, now));
    if (state.mfa_enabled_at !== undefined && patch.mfa_enabled_at !== undefined) patch.mfa_enabled_at = state.mfa_enabled_at;
  }

  const identifications: Change['identifications'] = [];
  let hasDefault = hasDefaultSecondFactor;
  for (const kind of IDENTIFICATION_LISTS) {
    const adding = new Set<string>();
    for (const record of row.prepared[kind.list]) {
      // As the unique indexes compare them: e-mails and wallets without regard to case.
      const value = kind.values === 'phone_number' ? record.value : record.value.toLowerCase();
      if (adding.has(value) || ownerOf(kind.values, value) !== undefined) continue;
      adding.add(value);
      const reserved = record.reserved_for_second_factor === true;
      const added: ImportedIdentificationRecord = {
        id: newId('idn', now),
        user_id: user.id,
        value: record.value,
        verified: record.verified ?? true,
        created_at: record.created_at,
        ...(kind.values === 'phone_number' ? { reserved_for_second_factor: reserved, default_second_factor: reserved && !hasDefault && record.default_second_factor === true } : {}),
      };
      if (added.default_second_factor) hasDefault = true;
      identifications.push({ kind: kind.values, record: added });
      // A user without a primary of this kind gets the first one added, as POST makes the first primary.
      if (user[kind.primary] === null && patch[kind.primary] === undefined) patch[kind.primary] = added.id;
    }
  }
  if (Object.keys(patch).length > 0 || identifications.length > 0) patch.updated_at = now;
  return { patch, identifications };
}

/** The users, among those whose rows bring a second-factor phone, that already have a default one (rare: read only then). */
async function defaultSecondFactors(db: BulkDeps['db'], matches: ExistingMatch[]): Promise<Set<string>> {
  const ids = matches.filter((m) => m.row.prepared.phone_numbers.some((p) => p.reserved_for_second_factor)).map((m) => m.userId);
  const users = await findFullUsersByIds(db, ids);
  return new Set(users.filter((u) => u.phone_numbers.some((p) => p.default_second_factor)).map((u) => u.id));
}

/** A row that PATCH's per-user rules must judge (a username removed needs another identification left). */
const needsOneByOne = (row: ImportRow, mode: ExistingMode) => mode === 'update' && row.input.username !== undefined && !row.input.username;

/**
 * Applies the rows to their users in one transaction. Throws what the database throws (a unique
 * violation: an external_id or username another user holds); the caller retries the rows one by one.
 */
async function applyBatch(deps: BulkDeps, matches: ExistingMatch[], mode: ExistingMode, ownerOf: (kind: string, value: string) => string | undefined) {
  return inTransaction(deps.db, async (db) => {
    // updated_at is indexed, so every update writes every index (no HOT): the bulk settings help as for inserts.
    await tuneBulkTransaction(db);
    const ids = matches.map((m) => m.userId);
    const users = new Map((await lockUsersForUpdate(db, ids)).map((u) => [u.id, u]));
    const defaults = mode === 'fill' ? await defaultSecondFactors(db, matches) : new Set<string>();
    const now = deps.clock.now();
    const changes = matches.map((m) => {
      const user = users.get(m.userId);
      if (!user) throw new Error(`user ${m.userId} matched an import row but is gone`);
      const change = mode === 'update' ? updateChange(m.row, user, now) : fillChange(m.row, user, now, ownerOf, defaults.has(user.id));
      return { match: m, user, change };
    });
    const changed = changes.filter((c) => Object.keys(c.change.patch).length > 0);
    for (const kind of IDENTIFICATION_LISTS) {
      const records = changed.flatMap((c) => c.change.identifications.filter((i) => i.kind === kind.values).map((i) => i.record));
      // Before the users: the primary ids the patches set must exist for the sort-key trigger (migration 0005).
      await addImportedIdentifications(db, kind.values, records);
    }
    await updateUsersWithPatches(db, changed.map((c) => ({ id: c.user.id, patch: c.change.patch })));
    for (const c of changed) if (c.change.patch.banned === true && !c.user.banned) await revokeUserSessions({ ...deps, db }, c.user.id);
    // Muted (--no-events), the users are not even read back.
    if (!deps.muted) await recordUserEvents({ ...deps, db }, 'user.updated', changed.map((c) => c.user.id));
    return changes.map((c): ExistingOutcome => ({ status: Object.keys(c.change.patch).length > 0 ? 'updated' : 'skipped', userId: c.user.id }));
  });
}

/**
 * --dry-run with fill: which rows would change their user (the others would be "skipped"), read without
 * writing. A user the dry run only imagined (inserted by an earlier row of the file) counts as changed.
 */
export async function wouldFill(deps: Pick<BulkDeps, 'db' | 'clock'>, matches: ExistingMatch[], ownerOf: (kind: string, value: string) => string | undefined): Promise<boolean[]> {
  const users = new Map((await findFullUsersByIds(deps.db, matches.map((m) => m.userId))).map((u) => [u.id, u]));
  const now = deps.clock.now();
  return matches.map((m) => {
    const user = users.get(m.userId);
    const hasDefault = user?.phone_numbers.some((p) => p.default_second_factor) === true;
    return !user || Object.keys(fillChange(m.row, user, now, ownerOf, hasDefault).patch).length > 0;
  });
}

/** The same fields, as PATCH /v1/users/{id} takes them (for the rows PATCH's per-user rules must judge). */
function updateInputFor(row: ImportRow): UpdateUserInput {
  const { input, prepared } = row;
  const patch: UpdateUserInput = {};
  const fields = [
    'external_id', 'first_name', 'last_name', 'username', 'public_metadata', 'private_metadata', 'unsafe_metadata',
    'delete_self_enabled', 'create_organization_enabled', 'create_organizations_limit', 'legal_accepted_at',
    'skip_legal_checks', 'created_at', 'totp_secret',
  ] as const;
  for (const field of fields) if (input[field] !== undefined) (patch as Record<string, unknown>)[field] = input[field];
  if (prepared.user.password_digest !== null) {
    patch.password_digest = prepared.user.password_digest;
    patch.password_hasher = prepared.user.password_hasher;
  }
  if (input.backup_codes !== undefined) patch.backup_codes = input.backup_codes;
  return patch;
}

/** One row through updateUser itself: PATCH's answer, error codes included. */
async function updateOne(deps: BulkDeps, row: ImportRow, userId: string): Promise<ExistingOutcome> {
  try {
    await inTransaction(deps.db, async (db) => {
      // PATCH's fields first, then the user's own state, so its updated_at and MFA times win; one
      // user.updated, with the user as it ends up.
      await updateUser({ ...deps, db, muted: true }, userId, updateInputFor(row));
      const state = row.imported ? importedUserPatch(row.imported as ImportedState) : {};
      if (Object.keys(state).length > 0) await updateUserById(db, userId, state as UserPatch);
      if (state.banned === true) await revokeUserSessions({ ...deps, db }, userId);
      await recordUserEvents({ ...deps, db }, 'user.updated', [userId]);
    });
    return { status: 'updated', userId };
  } catch (error) {
    if (error instanceof ClerkError) return { status: 'rejected', errors: error.entries };
    throw error;
  }
}

/**
 * The rows' changes to their users, in one transaction when they all go through, otherwise one row at a
 * time so that only a guilty row is rejected (`rowError` tells a row's fault from the database going away).
 */
export async function applyToExisting(
  deps: BulkDeps,
  matches: ExistingMatch[],
  mode: ExistingMode,
  options: { ownerOf: (kind: string, value: string) => string | undefined; rowError: (error: unknown) => ClerkError['entries'] | undefined },
): Promise<ExistingOutcome[]> {
  const outcomes: ExistingOutcome[] = new Array(matches.length);
  // A user met twice in one batch (by two different keys) is changed by the rows one after the other.
  const seen = new Set<string>();
  const together: number[] = [];
  const alone: number[] = [];
  matches.forEach((m, i) => {
    if (seen.has(m.userId) || needsOneByOne(m.row, mode)) alone.push(i);
    else {
      seen.add(m.userId);
      together.push(i);
    }
  });
  const runAlone = async (i: number) => {
    const m = matches[i]!;
    if (needsOneByOne(m.row, mode)) return (outcomes[i] = await updateOne(deps, m.row, m.userId));
    try {
      outcomes[i] = (await applyBatch(deps, [m], mode, options.ownerOf))[0]!;
    } catch (error) {
      const errors = options.rowError(error);
      if (!errors) throw error;
      // Through updateUser: PATCH's own answer for this row (form_identifier_exists…).
      outcomes[i] = mode === 'update' ? await updateOne(deps, m.row, m.userId) : { status: 'rejected', errors };
    }
    return outcomes[i];
  };
  if (together.length > 0) {
    try {
      const batch = await applyBatch(deps, together.map((i) => matches[i]!), mode, options.ownerOf);
      together.forEach((i, k) => (outcomes[i] = batch[k]!));
    } catch (error) {
      if (!options.rowError(error)) throw error;
      for (const i of together) await runAlone(i);
    }
  }
  for (const i of alone) await runAlone(i);
  return outcomes;
}
