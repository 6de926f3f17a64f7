import { inTransaction } from '../../db/transaction.js';
import { insertSearchDocumentsFrom } from '../search/store.js';
import { recordUserEvents } from '../events.js';
import type { ImportRow } from './import-row.js';
import { identifierKey, identifierKeys, ownersOf, type BulkDeps } from './service.js';
import {
  addForeignKeys,
  createIndexes,
  createStaging,
  dropForeignKeys,
  dropIndexes,
  dropStaging,
  foreignKeysOf,
  recordStagedRows,
  secondaryIndexes,
  stagedIdentifiers,
  stagedSeqs,
  stagedUserIds,
  stagingExists,
  stagingFor,
  type Staging,
} from './staging-store.js';
import { moveNewUsers, writeNewUsers } from './new-users.js';
import { countUsersUpTo, tuneBulkTransaction, USER_TABLES } from './store.js';
import type { IdentifierKind } from './store.js';

// Load first, index after: a large import into an empty or small database (`gatehouse import --load`).
// Rows are validated exactly as on the batch path; those that meet nobody (no identifier held in the
// database or by an earlier row of the file) are staged, a batch per transaction, into tables without
// indexes (staging-store.ts); the others are deferred, and written through the batch path once the staged
// users are in, where they meet them as the batch path would have. The last step is one transaction:
// drop the targets' secondary indexes and foreign keys, move the staged rows, write their search documents,
// re-create the indexes (a duplicate that got through fails its unique index, and the whole step rolls
// back) and the foreign keys (each checked in one join), write the events.

/** `auto`: load first when the database holds few users next to what the file brings (chooseLoad). */
export type LoadMode = 'auto' | 'first' | 'batches';

/** Below this many rows the batch path takes seconds anyway, and leaves the indexes alone. */
export const LOAD_FIRST_MIN_ROWS = 50_000;
/** Load first when the database holds fewer users than this share of the rows the file brings. */
export const LOAD_FIRST_MAX_SHARE = 0.1;

/**
 * Load first or in batches? `first`/`batches` as asked; `auto` loads first when the file brings at least
 * LOAD_FIRST_MIN_ROWS rows and the database holds fewer users than LOAD_FIRST_MAX_SHARE of them, or when
 * an interrupted load-first run of the same file left its staging tables (it resumes).
 */
export async function chooseLoad(deps: Pick<BulkDeps, 'db'>, mode: LoadMode, runKey: string, estimatedRows: number): Promise<'first' | 'batches'> {
  if (mode !== 'auto') return mode;
  if (await stagingExists(deps.db, stagingFor(runKey))) return 'first';
  if (estimatedRows < LOAD_FIRST_MIN_ROWS) return 'batches';
  const limit = Math.ceil(estimatedRows * LOAD_FIRST_MAX_SHARE);
  return (await countUsersUpTo(deps.db, limit)) < limit ? 'first' : 'batches';
}

/** A load-first run: its staging tables, and every identifier staged or deferred so far (as identifierKey makes them). */
export interface LoadFirstRun {
  staging: Staging;
  claimed: Set<string>;
  /** Source positions staged by an earlier, interrupted run of the same file: skipped, not validated again. */
  alreadyStaged: Set<number>;
  /** Settles when the batch staged last has been judged: batches are judged in the order they are given. */
  judged: Promise<void>;
}

/** Creates the staging tables of `runKey`, or picks up what an interrupted run left in them. */
export async function openLoadFirst(deps: Pick<BulkDeps, 'db'>, runKey: string): Promise<LoadFirstRun> {
  const staging = stagingFor(runKey);
  await createStaging(deps.db, staging);
  const claimed = new Set<string>();
  for (const { kind, value } of await stagedIdentifiers(deps.db, staging)) claimed.add(identifierKey(kind as IdentifierKind, value));
  return { staging, claimed, alreadyStaged: new Set(await stagedSeqs(deps.db, staging)), judged: Promise.resolve() };
}

/** The staging tables of a run that will not finish as load-first (`--load batches` after an interrupted load-first run). */
export async function discardLoadFirst(deps: Pick<BulkDeps, 'db'>, runKey: string): Promise<void> {
  await dropStaging(deps.db, stagingFor(runKey));
}

/**
 * Stages the rows that meet nobody, in one transaction with their positions (`seqs`, one per row); returns
 * per row `staged`, or `deferred` for a row that shares an identifier with a user in the database or an
 * earlier row (its identifiers are claimed too, so a later row that meets it is deferred after it).
 * Batches are judged in the order of the calls, and may then be written concurrently (the staging
 * tables have no constraint to wait on).
 */
export async function stageImportBatch(deps: Pick<BulkDeps, 'db'>, run: LoadFirstRun, rows: ImportRow[], seqs: number[]): Promise<('staged' | 'deferred')[]> {
  const previous = run.judged;
  let judged!: () => void;
  run.judged = new Promise((resolve) => (judged = resolve));
  const staged: number[] = [];
  let verdicts: ('staged' | 'deferred')[];
  try {
    const owners = await ownersOf(deps, rows);
    await previous;
    verdicts = rows.map((row, i) => {
      const keys = identifierKeys(row).map((k) => k.key);
      const meets = keys.some((k) => run.claimed.has(k) || owners.has(k));
      for (const k of keys) run.claimed.add(k);
      if (meets) return 'deferred' as const;
      staged.push(i);
      return 'staged' as const;
    });
  } finally {
    judged();
  }
  if (staged.length > 0) {
    await inTransaction(deps.db, async (db) => {
      await writeNewUsers(db, staged.map((i) => rows[i]!.prepared), run.staging.tables);
      await recordStagedRows(db, run.staging, staged.map((i) => ({ seq: seqs[i]!, userId: rows[i]!.prepared.user.id })));
    });
  }
  return verdicts;
}

/** Events are written this many users per statement. */
const EVENT_CHUNK = 2_000;

/**
 * The last step, one transaction: the staged users become visible all at once and the staging tables go,
 * or (a duplicate that got through, the database going away) nothing happens and the indexes are as they
 * were. Returns how many users were moved.
 */
export async function finishLoadFirst(deps: BulkDeps, run: LoadFirstRun): Promise<number> {
  return moveIntoPlace(deps, run).catch((error: unknown) => {
    if ((error as { code?: unknown }).code !== '23505') throw error;
    throw new Error(
      `the last step of the load found a duplicate the checks before it could not see (${(error as Error).message}; ` +
        'another writer, or a letter lower-cased differently by the database): nothing was imported, the indexes are as they were. ' +
        'Run the same command with --load batches to import in batches, where only that row is rejected.',
      { cause: error },
    );
  });
}

async function moveIntoPlace(deps: BulkDeps, run: LoadFirstRun): Promise<number> {
  return inTransaction(deps.db, async (db) => {
    await tuneBulkTransaction(db);
    const tables = [...Object.values(USER_TABLES), 'user_search'];
    const indexes = await secondaryIndexes(db, tables);
    const keys = await foreignKeysOf(db, tables);
    await dropIndexes(db, indexes);
    await dropForeignKeys(db, keys);
    await moveNewUsers(db, run.staging);
    // From the staging tables, which hold exactly the new users' rows: no index needed to gather them.
    await insertSearchDocumentsFrom(db, run.staging.tables);
    await createIndexes(db, indexes);
    await addForeignKeys(db, keys);
    const ids = await stagedUserIds(db, run.staging);
    if (!deps.muted) {
      for (let i = 0; i < ids.length; i += EVENT_CHUNK) await recordUserEvents({ ...deps, db }, 'user.created', ids.slice(i, i + EVENT_CHUNK));
    }
    // In the same transaction: a crash after it cannot leave staged rows that were already moved.
    await dropStaging(db, run.staging);
    return ids.length;
  });
}
