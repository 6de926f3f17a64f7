import { createHash } from 'node:crypto';
import { open, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Deps } from '../deps.js';
import { NO_HTTP_REQUEST } from '../webhooks/events.js';
import { ClerkError, type ClerkErrorEntry } from '../http/clerk-error.js';
import {
  batchKeys,
  finishImport,
  importPasswordPolicy,
  writeImportBatch,
  type ConflictMode,
  type ImportOutcome,
  type ImportRow,
} from '../users/bulk/service.js';
import { prepareImportRow } from '../users/bulk/import-row.js';
import {
  chooseLoad,
  discardLoadFirst,
  finishLoadFirst,
  openLoadFirst,
  stageImportBatch,
  type LoadFirstRun,
  type LoadMode,
} from '../users/bulk/load-first.js';
import { explainErrors } from './explain.js';
import { openSource, type ImportFormat, type SourceRecord } from './formats.js';
import type { FirebaseHashParameters } from './providers/firebase.js';
import { importLane } from '../passwords/service.js';

// `gatehouse import`: read users from a file, validate each with prepareNewUser (every rule of
// POST /v1/users), write them in batches (users/bulk-service), and account for every line: inserted,
// updated, skipped because the user is already there, or rejected into the rejects file.
//
// Throughput: the file is read in 1 MB chunks; while the database writes one batch (one statement), the
// next is parsed and validated, yielding to the event loop every few hundred rows so the driver is never
// kept waiting. Only one batch is written at a time: concurrent batches could deadlock on each other's
// unique keys, and on 2 cores the database and the validation already use one each.

export interface ImportOptions {
  file: string;
  /** Default: read from the content (src/import/detect.ts). */
  format?: ImportFormat | undefined;
  /** Auth0's password-hash export, merged with the users export `file` by user id (either may be `file`). */
  auth0Passwords?: string | undefined;
  /**
   * A row whose user already exists (same gatehouse id, external_id, or primary email when it has none).
   * Default fill: add what the user lacks, never blank or loosen anything (a second file of the same
   * users, Auth0's password-hash export after its users export, completes them; a resumed run adds nothing).
   */
  onConflict?: ConflictMode | undefined;
  /** Default `<file>.rejects.jsonl`. Removed at the end when nothing was rejected. */
  rejectsPath?: string | undefined;
  /** Validate every row (uniqueness included, against the database) without writing to the database. */
  dryRun?: boolean | undefined;
  /** Rows per transaction. Default 2000. */
  batchSize?: number | undefined;
  firebase?: FirebaseHashParameters | undefined;
  /**
   * Record a user.created webhook event for each inserted user (the default), in its batch's transaction;
   * false (`--no-events`) for an initial load that nothing should hear about. See src/webhooks/.
   */
  events?: boolean | undefined;
  /** Stop after the batch being written (Ctrl-C). Committed batches stay; a re-run resumes. */
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: ImportProgress) => void) | undefined;
  /** Batches written at the same time, each in its own transaction. Default 1. */
  writers?: number | undefined;
  /**
   * Load first and index after (users/bulk/load-first.ts), write in batches into the indexed tables, or
   * (`auto`, the default) load first when the database holds few users next to what the file brings.
   */
  load?: LoadMode | undefined;
}

export interface ImportCounts {
  /** Records read from the file (blank lines and the CSV header not counted). */
  read: number;
  inserted: number;
  updated: number;
  /** Already there (same external_id or primary email), left as it is: --on-conflict skip, or a fill that adds nothing. */
  skipped: number;
  rejected: number;
}

export interface ImportProgress extends ImportCounts {
  /** Bytes of the file read so far; reading runs ahead of writing by a chunk and a batch or two. */
  bytesRead: number;
  /** Bytes of the file whose rows are done (estimated from the rows read so far and their bytes). */
  bytesDone: number;
  totalBytes: number;
  elapsedMs: number;
}

export interface ImportSummary extends ImportProgress {
  format: ImportFormat;
  /** What was read, and how the format was known: "Auth0 (JSON lines, gzip), detected from the content". */
  description: string;
  /** Source fields not carried, and in how many of the users written (inserted or updated). */
  dropped: Record<string, number>;
  /** Users written who sign in only through a social provider: they come without a password. */
  socialOnly: number;
  /** The first rejected row, for the summary line that says why. */
  firstReject: RejectLine | undefined;
  dryRun: boolean;
  interrupted: boolean;
  /** Where the rejected rows are, when there are any. */
  rejectsPath: string | undefined;
  /** How the rows were written: loaded first and indexed after, or in batches into the indexed tables. */
  load: 'first' | 'batches';
  /** Load-first, interrupted: rows staged and not yet imported; the same command again finishes them. */
  staged: number;
}

export const DEFAULT_BATCH_SIZE = 2000;
/** Rows validated between two turns of the event loop. */
const PREPARE_SLICE = 250;

/** Where a row came from: its line (and file), its place in the source, what its mapping left behind. */
interface Origin extends Pick<SourceRecord, 'line' | 'file' | 'dropped' | 'socialOnly'> {
  /** Position in the source: file order, across the two files of an Auth0 merge too. */
  seq: number;
}

interface Reject {
  origin: Origin;
  errors: ClerkErrorEntry[];
  body: unknown;
}

/** A line of the rejects file. */
export interface RejectLine {
  line: number;
  /** Only when the import reads two files (Auth0's users and password-hash exports). */
  file?: string | undefined;
  external_id?: string | undefined;
  email_address?: string | undefined;
  /** `index`: which value of an identifier list (email_address…) the error is about. */
  errors: { code: string; param_name?: unknown; index?: unknown; message: string; long_message: string }[];
}

/**
 * A rejects-file line: where, which rule, and enough to find the user (external_id, first email) —
 * never a password, digest, TOTP secret or backup code. Do not rename the fields: operators script on them.
 */
function rejectLine(reject: Reject): RejectLine {
  const body = (typeof reject.body === 'object' && reject.body !== null ? reject.body : {}) as Record<string, unknown>;
  const email = Array.isArray(body.email_address) ? body.email_address[0] : undefined;
  const clip = (v: unknown) => (typeof v === 'string' ? v.slice(0, 320) : undefined);
  return {
    line: reject.origin.line,
    file: reject.origin.file,
    external_id: clip(body.external_id),
    email_address: clip(email),
    // POST's errors, with what it leaves out said: which value of a list, and why it is not valid.
    errors: explainErrors(reject.errors, body).map((e) => ({
      code: e.code,
      param_name: e.meta?.param_name,
      index: e.meta?.index,
      message: e.message,
      long_message: e.long_message,
    })),
  };
}

interface PreparedBatch {
  rows: ImportRow[];
  origins: Origin[];
  rejects: Reject[];
  /** Load-first, resumed: rows an earlier run of the same file staged (skipped, not validated again). */
  alreadyStaged: number;
}

/**
 * Which import this is, for the staging tables of a load-first run (users/bulk/load-first.ts): the files
 * (path and size), so that running the same command again finds what the interrupted run staged.
 */
async function runKey(files: (string | undefined)[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) {
    if (file === undefined) continue;
    hash.update(`${path.resolve(file)}\0${(await stat(file)).size}\0`);
  }
  return hash.digest('hex').slice(0, 16);
}

export async function runImport(
  importDeps: Pick<Deps, 'db' | 'clock' | 'secretBox' | 'hibp' | 'instance' | 'settings' | 'config'>,
  options: ImportOptions,
): Promise<ImportSummary> {
  // No HTTP request behind an import: its events carry NO_HTTP_REQUEST (src/webhooks/events.ts).
  const deps = { ...importDeps, httpRequest: NO_HTTP_REQUEST, muted: options.events === false };
  const started = performance.now();
  const source = await openSource(options.file, {
    format: options.format,
    firebase: options.firebase,
    auth0Passwords: options.auth0Passwords,
    now: deps.clock.now(),
  });
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('the batch size must be a positive integer');
  const onConflict = options.onConflict ?? 'fill';
  const dryRun = options.dryRun === true;
  const { totalBytes } = source;
  const rejectsPath = options.rejectsPath ?? `${options.file}.rejects.jsonl`;
  const passwordPolicy = await importPasswordPolicy(deps);
  const claimed = dryRun ? new Map<string, string>() : undefined;

  // Rejects can name people (emails): readable by the owner only.
  const rejectsFile = await open(rejectsPath, 'w', 0o600);
  await rejectsFile.chmod(0o600);
  const counts: ImportCounts = { read: 0, inserted: 0, updated: 0, skipped: 0, rejected: 0 };
  const dropped: Record<string, number> = {};
  let socialOnly = 0;
  let firstReject: RejectLine | undefined;
  let pulled = 0; // records taken from the source, written or not
  let bytesDone = 0;
  const progress = (): ImportProgress => {
    const bytesRead = source.bytesRead();
    const done = counts.inserted + counts.updated + counts.skipped + counts.rejected;
    // An estimate (the bytes of the rows done, from the average row so far): it never goes backwards.
    bytesDone = Math.min(totalBytes, Math.max(bytesDone, pulled > 0 ? Math.round((bytesRead * done) / pulled) : 0));
    return { ...counts, bytesRead, bytesDone, totalBytes, elapsedMs: performance.now() - started };
  };

  let sequence = 0;
  async function prepareOne(record: SourceRecord, batch: PreparedBatch) {
    const origin: Origin = { line: record.line, file: record.file, dropped: record.dropped, socialOnly: record.socialOnly, seq: sequence++ };
    if (loadFirst?.alreadyStaged.has(origin.seq)) {
      batch.alreadyStaged++;
      return;
    }
    if (record.errors) {
      batch.rejects.push({ origin, errors: record.errors, body: record.body });
      return;
    }
    try {
      // The rules of POST /v1/users (prepareNewUser), and the line's `gatehouse` key when it has one.
      batch.rows.push(await prepareImportRow(deps, record.body, { passwordPolicy, lane: importLane }));
      batch.origins.push(origin);
    } catch (error) {
      if (!(error instanceof ClerkError)) throw error;
      batch.rejects.push({ origin, errors: error.entries, body: record.body });
    }
  }

  async function prepare(records: SourceRecord[]): Promise<PreparedBatch> {
    const batch: PreparedBatch = { rows: [], origins: [], rejects: [], alreadyStaged: 0 };
    for (let i = 0; i < records.length; i += PREPARE_SLICE) {
      const slice = records.slice(i, i + PREPARE_SLICE);
      // Concurrently within a slice: plain passwords and backup codes hash on the thread pool meanwhile.
      // Rows are pushed in completion order, so sort them back into file order afterwards.
      const sliceBatch: PreparedBatch = { rows: [], origins: [], rejects: [], alreadyStaged: 0 };
      await Promise.all(slice.map((record) => prepareOne(record, sliceBatch)));
      const order = sliceBatch.origins.map((origin, k) => ({ origin, k })).sort((a, b) => a.origin.seq - b.origin.seq);
      for (const { origin, k } of order) {
        batch.rows.push(sliceBatch.rows[k]!);
        batch.origins.push(origin);
      }
      batch.rejects.push(...sliceBatch.rejects);
      batch.alreadyStaged += sliceBatch.alreadyStaged;
      await nextTurn();
    }
    counts.read += records.length;
    return batch;
  }

  // Rejects are written batch by batch in file order, even when a later batch finishes first.
  let rejectsWritten: Promise<void> = Promise.resolve();

  // After a batch of mostly existing users, the next one looks its users up before inserting (an update,
  // a resumed run, the second file of a pair): a failed insert attempt per batch is saved.
  let expectExisting = false;
  async function write(batch: PreparedBatch, busy: { keys: Set<string>; settled: Promise<unknown> } | undefined, previous: Promise<void>) {
    let outcomes: (ImportOutcome | 'deferred')[];
    if (loadFirst && batch.rows.length > 0) {
      const verdicts = await stageImportBatch(deps, loadFirst, batch.rows, batch.origins.map((o) => o.seq));
      outcomes = verdicts.map((v, i) => (v === 'staged' ? { status: 'inserted', userId: batch.rows[i]!.prepared.user.id } : 'deferred'));
    } else {
      outcomes =
        batch.rows.length > 0
          ? await writeImportBatch(deps, batch.rows, { onConflict, dryRun: claimed && { claimed }, inFlight: busy, expectExisting })
          : [];
      if (outcomes.length > 0) expectExisting = outcomes.filter((o) => o !== 'deferred' && (o.status === 'updated' || o.status === 'skipped')).length * 2 > outcomes.length;
    }
    counts.skipped += batch.alreadyStaged;
    const rejects = [...batch.rejects];
    outcomes.forEach((outcome, i) => {
      const origin = batch.origins[i]!;
      if (outcome === 'deferred') {
        deferred.rows.push(batch.rows[i]!);
        deferred.origins.push(origin);
        return;
      }
      if (loadFirst && outcome.status === 'inserted') staged++;
      if (outcome.status === 'rejected') rejects.push({ origin, errors: outcome.errors, body: batch.rows[i]!.input });
      else counts[outcome.status]++;
      if (outcome.status === 'inserted' || outcome.status === 'updated') {
        for (const field of new Set(origin.dropped)) dropped[field] = (dropped[field] ?? 0) + 1;
        if (origin.socialOnly) socialOnly++;
      }
    });
    counts.rejected += rejects.length;
    await previous;
    if (load === 'first') heldRejects.push(...rejects);
    else await writeRejects(rejects);
    options.onProgress?.(progress());
  }
  async function writeRejects(rejects: Reject[]) {
    if (rejects.length === 0) return;
    rejects.sort((a, b) => a.origin.seq - b.origin.seq);
    const lines = rejects.map(rejectLine);
    firstReject ??= lines[0];
    await rejectsFile.write(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  }
  // Load-first: deferred rows are judged after the load, so rejects are kept and written at the end, in file order.
  const heldRejects: Reject[] = [];

  // Up to `writers` batches in flight, each in its own transaction; the next is prepared meanwhile.
  // A dry run judges rows against the claims of the rows before it: one batch at a time.
  const writers = dryRun ? 1 : Math.max(1, options.writers ?? 1);
  // Load first or in batches: decided at the first batch, when the size of a row is known.
  let load: 'first' | 'batches' | undefined = dryRun ? 'batches' : undefined;
  let loadFirst: LoadFirstRun | undefined;
  let staged = 0;
  // Load-first: rows that meet a user already there or an earlier row, written in batches after the load.
  const deferred: PreparedBatch = { rows: [], origins: [], rejects: [], alreadyStaged: 0 };
  async function decideLoad() {
    const key = await runKey([options.file, options.auth0Passwords]);
    const bytesRead = source.bytesRead();
    const estimatedRows = bytesRead > 0 ? Math.round((pulled * totalBytes) / bytesRead) : pulled;
    load = await chooseLoad(deps, options.load ?? 'auto', key, Math.max(pulled, estimatedRows));
    if (load === 'batches') {
      // `--load batches` after an interrupted load-first run: what it staged is written again, in batches.
      await discardLoadFirst(deps, key);
      return;
    }
    loadFirst = await openLoadFirst(deps, key);
  }
  const inFlight: { keys: Set<string>; settled: Promise<void> }[] = [];
  let failure: { error: unknown } | undefined;
  async function flush(records: SourceRecord[]) {
    if (load === undefined) await decideLoad();
    const batch = await prepare(records);
    while (inFlight.length >= writers) await inFlight[0]!.settled;
    if (failure) throw failure.error;
    const busy = inFlight.length > 0 ? { keys: new Set(inFlight.flatMap((w) => [...w.keys])), settled: Promise.all(inFlight.map((w) => w.settled)) } : undefined;
    const entry = { keys: batchKeys(batch.rows), settled: Promise.resolve() };
    const previous = rejectsWritten;
    entry.settled = write(batch, busy, previous)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => inFlight.splice(inFlight.indexOf(entry), 1));
    rejectsWritten = entry.settled;
    inFlight.push(entry);
  }
  const writing = () => Promise.all(inFlight.map((w) => w.settled));

  let interrupted = false;
  try {
    let pending: SourceRecord[] = [];
    reading: for await (const records of source.records) {
      pulled += records.length;
      for (const record of records) {
        pending.push(record);
        if (pending.length >= batchSize) {
          await flush(pending);
          pending = [];
          if (options.signal?.aborted) {
            interrupted = true;
            break reading;
          }
        }
      }
      options.onProgress?.(progress());
    }
    if (!interrupted && pending.length > 0) await flush(pending);
    await writing();
    if (failure) throw failure.error;
    if (loadFirst && !interrupted) {
      const run = loadFirst;
      loadFirst = undefined; // from here on, write() writes in batches
      await finishLoadFirst(deps, run);
      staged = 0;
      // Then the rows that meet those users or the ones already there, as the batch path meets them.
      for (let i = 0; i < deferred.rows.length; i += batchSize) {
        const slice = { rows: deferred.rows.slice(i, i + batchSize), origins: deferred.origins.slice(i, i + batchSize), rejects: [], alreadyStaged: 0 };
        await write(slice, undefined, Promise.resolve());
      }
    }
  } finally {
    await writing();
    await writeRejects(heldRejects);
    await rejectsFile.close();
    if (counts.rejected === 0) await unlink(rejectsPath).catch(() => undefined);
  }
  // Staged rows are not imported until the last step: an interrupted load-first run counts them apart.
  counts.inserted -= staged;
  // The tables just written get their planner statistics now, not whenever autovacuum comes by.
  if (!dryRun && counts.inserted + counts.updated > 0) await finishImport(deps);
  return {
    ...progress(),
    load: load ?? 'batches',
    staged,
    format: source.format,
    description: source.description,
    dropped,
    socialOnly,
    firstReject,
    dryRun,
    interrupted,
    rejectsPath: counts.rejected > 0 ? rejectsPath : undefined,
  };
}
