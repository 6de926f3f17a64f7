import type { Deps } from '../../deps.js';
import { inTransaction } from '../../db/transaction.js';
import { clerkErrorEntry, type ClerkErrorEntry } from '../../http/clerk-error.js';
import { identifierTaken, identifierTakenError } from '../../identifications/service.js';
import { readSettings } from '../../instance/settings.js';
import type { PasswordPolicy } from '../../passwords/policy.js';
import {
  analyzeImportedTables,
  findIdentifierOwners,
  preferUniqueIndexes,
  tuneBulkTransaction,
  type IdentifierKind,
  type IdentifierLookup,
} from './store.js';
import { insertNewUsers } from './new-users.js';
import { applyToExisting, wouldFill, type ExistingMatch, type ExistingMode } from './existing.js';
import type { ImportRow } from './import-row.js';
import { recordUserEvents, type UserEventDeps } from '../events.js';
import type { PreparedUser } from '../service.js';

// Many users at once: the write side of `gatehouse import`, batches of users that already passed
// prepareNewUser (every rule of POST /v1/users). The read side, `gatehouse export`, is export-service.ts.

/**
 * Events (src/webhooks/): each inserted user gets user.created and each updated one user.updated, in its
 * batch's transaction; `muted` (`--no-events`) records none, and a dry run writes nothing.
 */
export type BulkDeps = Pick<Deps, 'secretBox' | 'hibp'> & UserEventDeps;

/**
 * A row whose user is already there: leave the user (skip), add what the user lacks and nothing else
 * (fill: existing.ts), or apply the row as PATCH /v1/users/{id} would (update).
 */
export type ConflictMode = 'skip' | 'fill' | 'update';

/** When an import has written its last batch (finished or interrupted): statistics for the tables it wrote. */
export async function finishImport(deps: Pick<Deps, 'db'>): Promise<void> {
  await analyzeImportedTables(deps.db);
}

export type { ImportRow } from './import-row.js';

export type ImportOutcome =
  | { status: 'inserted' | 'skipped' | 'updated'; userId: string }
  | { status: 'rejected'; errors: ClerkErrorEntry[] };

export interface BatchOptions {
  onConflict: ConflictMode;
  /**
   * Validate only. The database is read (who holds which identifier) but never written; the map stands in
   * for the rows a real run would have inserted so far, so duplicates across batches are still found.
   */
  dryRun?: { claimed: Map<string, string> } | undefined;
  /**
   * A batch still being written by another transaction: rows sharing an identifier with it wait until it
   * is done, so that rows are still judged in file order (and two batches never wait on each other's keys).
   */
  inFlight?: { keys: Set<string>; settled: Promise<unknown> } | undefined;
  /**
   * Most rows of the batch are expected to meet users already there (the batch before was mostly so: a
   * re-run, an update, the second file of a pair): look them up first instead of trying the insert.
   */
  expectExisting?: boolean | undefined;
}

/** The identifiers of a batch (as the unique indexes compare them), for BatchOptions.inFlight. */
export function batchKeys(rows: ImportRow[]): Set<string> {
  const keys = new Set<string>();
  for (const row of rows) for (const { key: k } of identifierKeys(row)) keys.add(k);
  return keys;
}

/** The instance's password policy, read once for a whole import rather than once per row. */
export async function importPasswordPolicy(deps: Pick<Deps, 'db'>): Promise<PasswordPolicy> {
  return (await readSettings(deps.db)).password_settings;
}

// Identifiers as the unique indexes compare them: e-mails, usernames and wallets without regard to case.
const CASE_SENSITIVE: ReadonlySet<IdentifierKind> = new Set(['external_id', 'phone_number', 'user_id', 'identification_id']);
export const identifierKey = (kind: IdentifierKind, value: string) => `${kind}:${CASE_SENSITIVE.has(kind) ? value : value.toLowerCase()}`;

/**
 * Every unique identifier of a row, in the order POST /v1/users reports a taken one, then the ids its
 * `gatehouse` key gives (new ids made by prepareNewUser cannot collide, so they are not looked up).
 */
export function identifierKeys(row: ImportRow): { kind: IdentifierKind; key: string; param?: string }[] {
  const u = row.prepared;
  const keys: { kind: IdentifierKind; key: string; param?: string }[] = [];
  if (u.user.external_id !== null) keys.push({ kind: 'external_id', key: identifierKey('external_id', u.user.external_id) });
  if (u.user.username !== null) keys.push({ kind: 'username', key: identifierKey('username', u.user.username) });
  for (const e of u.email_addresses) keys.push({ kind: 'email_address', key: identifierKey('email_address', e.value) });
  for (const p of u.phone_numbers) keys.push({ kind: 'phone_number', key: identifierKey('phone_number', p.value) });
  for (const w of u.web3_wallets) keys.push({ kind: 'web3_wallet', key: identifierKey('web3_wallet', w.value) });
  for (const id of row.imported?.ids ?? []) keys.push({ kind: id.kind, key: identifierKey(id.kind, id.value), param: id.param });
  return keys;
}

/**
 * What makes a row "the same user" as one already there, in the order they are tried: the user id its
 * `gatehouse` key gives; then its external_id, or when it has none its first email address (then, for
 * users with neither, its username, first phone, first wallet).
 */
function conflictKeys(row: ImportRow): string[] {
  const u = row.prepared;
  const keys = row.imported?.user.id !== undefined ? [identifierKey('user_id', row.imported.user.id)] : [];
  if (u.user.external_id !== null) keys.push(identifierKey('external_id', u.user.external_id));
  else if (u.email_addresses[0]) keys.push(identifierKey('email_address', u.email_addresses[0].value));
  else if (u.user.username !== null) keys.push(identifierKey('username', u.user.username));
  else if (u.phone_numbers[0]) keys.push(identifierKey('phone_number', u.phone_numbers[0].value));
  else if (u.web3_wallets[0]) keys.push(identifierKey('web3_wallet', u.web3_wallets[0].value));
  return keys;
}

const HUMAN: Record<IdentifierKind, string> = {
  external_id: 'external id',
  username: 'username',
  email_address: 'email address',
  phone_number: 'phone number',
  web3_wallet: 'web3 wallet',
  user_id: 'user id',
  identification_id: 'identification id',
};

/** The error POST /v1/users answers when an identifier belongs to someone else (`param`: for the ids of `gatehouse`). */
function identifierTakenEntry(kind: IdentifierKind, param: string = kind): ClerkErrorEntry {
  return identifierTaken(param, HUMAN[kind]).entries[0]!;
}

const sqlState = (error: unknown) =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
    ? (error as { code: string }).code
    : undefined;

/**
 * Errors that one bad row can cause (data exceptions, constraint violations, a value too large for an
 * index): the batch is retried without it. Anything else (connection lost, server shutting down) stops
 * the import; rows already committed stay, and running the same import again resumes.
 */
function isRowError(error: unknown): boolean {
  const state = sqlState(error);
  // 40P01/40001: a deadlock or serialization failure with a concurrent writer; the careful path retries.
  return state !== undefined && /^(22|23|54|40P01|40001)/.test(state);
}

function rowErrorEntries(error: unknown): ClerkErrorEntry[] {
  const taken = identifierTakenError(error);
  if (taken) return taken.entries;
  // POST /v1/users would answer 500 here; the SQLSTATE tells the operator which rule the row broke.
  return [clerkErrorEntry('internal_clerk_error', { long_message: `The database refused this row (SQLSTATE ${sqlState(error)}).` })];
}

async function insertBatch(deps: BulkDeps, users: PreparedUser[]): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    await tuneBulkTransaction(db);
    await insertNewUsers(db, users);
    // Muted, the batch is not even read back.
    if (!deps.muted) await recordUserEvents({ ...deps, db }, 'user.created', users.map((u) => u.user.id));
  });
}

/** Who holds each identifier of these rows: key → user id. */
export async function ownersOf(deps: Pick<BulkDeps, 'db'>, rows: ImportRow[]): Promise<Map<string, string>> {
  const lookup: IdentifierLookup = {
    external_id: [], username: [], email_address: [], phone_number: [], web3_wallet: [], user_id: [], identification_id: [],
  };
  for (const row of rows) {
    for (const { kind, key: k } of identifierKeys(row)) lookup[kind].push(k.slice(kind.length + 1));
  }
  const found = await inTransaction(deps.db, async (db) => {
    await preferUniqueIndexes(db);
    return findIdentifierOwners(db, lookup);
  });
  const owners = new Map<string, string>();
  for (const owner of found) owners.set(`${owner.kind}:${owner.value}`, owner.user_id);
  return owners;
}

type Verdict = { conflict: string } | { taken: IdentifierKind; param?: string | undefined } | 'free';

function judge(row: ImportRow, ownerOf: (key: string) => string | undefined): Verdict {
  for (const k of conflictKeys(row)) {
    const owner = ownerOf(k);
    if (owner !== undefined) return { conflict: owner };
  }
  for (const { kind, key: identifier, param } of identifierKeys(row)) if (ownerOf(identifier) !== undefined) return { taken: kind, param };
  return 'free';
}

/**
 * The careful path: look up who holds the rows' identifiers, skip or update the users already there,
 * reject the rows whose identifiers belong to someone else, and insert the rest in one statement. If that
 * still fails (another writer got there in between, or one row holds a value the database refuses), each
 * row is retried alone, so only the guilty one is rejected.
 */
async function resolveAndWrite(deps: BulkDeps, rows: ImportRow[], indices: number[], outcomes: ImportOutcome[], options: BatchOptions) {
  const owners = await ownersOf(deps, indices.map((i) => rows[i]!));
  const free: number[] = [];
  const existing: number[] = [];
  const matches: ExistingMatch[] = [];
  for (const i of indices) {
    const verdict = judge(rows[i]!, (k) => owners.get(k));
    if (verdict === 'free') free.push(i);
    else if ('taken' in verdict) outcomes[i] = { status: 'rejected', errors: [identifierTakenEntry(verdict.taken, verdict.param)] };
    else if (options.onConflict === 'skip') outcomes[i] = { status: 'skipped', userId: verdict.conflict };
    else {
      existing.push(i);
      matches.push({ row: rows[i]!, userId: verdict.conflict });
    }
  }
  if (matches.length > 0) {
    const applied = await applyToExisting(deps, matches, options.onConflict as ExistingMode, {
      ownerOf: (kind, value) => owners.get(`${kind}:${value}`),
      rowError: (error) => (isRowError(error) ? rowErrorEntries(error) : undefined),
    });
    existing.forEach((i, k) => (outcomes[i] = applied[k]!));
  }
  if (free.length === 0) return;
  try {
    await insertBatch(deps, free.map((i) => rows[i]!.prepared));
    for (const i of free) outcomes[i] = { status: 'inserted', userId: rows[i]!.prepared.user.id };
  } catch (error) {
    if (!isRowError(error)) throw error;
    if (free.length === 1) {
      outcomes[free[0]!] = { status: 'rejected', errors: rowErrorEntries(error) };
      return;
    }
    for (const i of free) await resolveAndWrite(deps, rows, [i], outcomes, options);
  }
}

/** --dry-run: the verdicts a real run would reach, with `claimed` standing in for the rows it would have inserted. */
async function judgeOnly(deps: BulkDeps, rows: ImportRow[], claimed: Map<string, string>, options: BatchOptions) {
  const owners = await ownersOf(deps, rows);
  const ownerOf = (k: string) => owners.get(k) ?? claimed.get(k);
  // In file order: each row sees the claims of the rows before it.
  const outcomes = rows.map((row): ImportOutcome => {
    const verdict = judge(row, ownerOf);
    if (verdict === 'free') {
      for (const { key: k } of identifierKeys(row)) claimed.set(k, row.prepared.user.id);
      return { status: 'inserted', userId: row.prepared.user.id };
    }
    if ('taken' in verdict) return { status: 'rejected', errors: [identifierTakenEntry(verdict.taken, verdict.param)] };
    return { status: options.onConflict === 'skip' ? 'skipped' : 'updated', userId: verdict.conflict };
  });
  if (options.onConflict !== 'fill') return outcomes;
  // fill: a row that would add nothing leaves its user as it is.
  const matched = outcomes.flatMap((o, i) => (o.status === 'updated' ? [i] : []));
  const changes = await wouldFill(deps, matched.map((i) => ({ row: rows[i]!, userId: (outcomes[i] as { userId: string }).userId })), (kind, value) =>
    ownerOf(`${kind}:${value}`),
  );
  matched.forEach((i, k) => {
    if (!changes[k]) outcomes[i] = { status: 'skipped', userId: (outcomes[i] as { userId: string }).userId };
  });
  return outcomes;
}

/**
 * Writes one batch of prepared users; returns one outcome per row, in order. The batch is one
 * transaction: all its new users appear together, and none of them half. Rows are judged as if written
 * one after the other in file order: a row repeating an identifier of an earlier row of the batch waits
 * until the batch is in, then meets that row as an existing user. The fast path is a single insert; only
 * when it fails does the batch pay for lookups (see resolveAndWrite), which also makes a re-run of an
 * interrupted import cheap: its finished batches fail at their first row and are skipped as a whole.
 */
export async function writeImportBatch(deps: BulkDeps, rows: ImportRow[], options: BatchOptions): Promise<ImportOutcome[]> {
  const outcomes: ImportOutcome[] = new Array(rows.length);
  if (options.dryRun) return judgeOnly(deps, rows, options.dryRun.claimed, options);
  const seen = new Set<string>();
  const first: number[] = [];
  const later: number[] = [];
  const busy = options.inFlight?.keys;
  rows.forEach((row, i) => {
    const keys = identifierKeys(row).map((k) => k.key);
    if (keys.some((k) => seen.has(k) || busy?.has(k))) later.push(i);
    else {
      for (const k of keys) seen.add(k);
      first.push(i);
    }
  });
  let fastPathDone = false;
  if (first.length > 0 && options.expectExisting) await resolveAndWrite(deps, rows, first, outcomes, options);
  else if (first.length > 0) {
    try {
      await insertBatch(deps, first.map((i) => rows[i]!.prepared));
      for (const i of first) outcomes[i] = { status: 'inserted', userId: rows[i]!.prepared.user.id };
      fastPathDone = true;
    } catch (error) {
      if (!isRowError(error)) throw error;
    }
    if (!fastPathDone) await resolveAndWrite(deps, rows, first, outcomes, options);
  }
  if (later.length > 0) await options.inFlight?.settled;
  for (const i of later) await resolveAndWrite(deps, rows, [i], outcomes, options);
  return outcomes;
}
