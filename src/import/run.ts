import { open, stat, unlink } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Deps } from '../deps.js';
import { NO_HTTP_REQUEST } from '../webhooks/events.js';
import { ClerkError, type ClerkErrorEntry } from '../http/clerk-error.js';
import {
  batchKeys,
  importPasswordPolicy,
  writeImportBatch,
  type ConflictMode,
  type ImportRow,
} from '../users/bulk/service.js';
import { prepareImportRow } from '../users/bulk/import-row.js';
import type { FirebaseHashParameters } from './firebase.js';
import { formatFromExtension, openSource, type ImportFormat, type SourceRecord } from './formats.js';

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
  /** Default: from the extension (.jsonl/.ndjson/.json → jsonl, .csv → csv). */
  format?: ImportFormat | undefined;
  /** A row whose user already exists (same external_id, or primary email when it has none). Default skip. */
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
}

export interface ImportCounts {
  /** Records read from the file (blank lines and the CSV header not counted). */
  read: number;
  inserted: number;
  updated: number;
  /** Already there (same external_id or primary email) with --on-conflict skip. */
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
  dryRun: boolean;
  interrupted: boolean;
  /** Where the rejected rows are, when there are any. */
  rejectsPath: string | undefined;
}

export const DEFAULT_BATCH_SIZE = 2000;
/** Rows validated between two turns of the event loop. */
const PREPARE_SLICE = 250;

interface Reject {
  line: number;
  errors: ClerkErrorEntry[];
  body: unknown;
}

/**
 * A rejects-file line: where, which rule, and enough to find the user (external_id, first email) —
 * never a password, digest, TOTP secret or backup code. Do not rename the fields: operators script on them.
 */
function rejectLine(reject: Reject): string {
  const body = (typeof reject.body === 'object' && reject.body !== null ? reject.body : {}) as Record<string, unknown>;
  const email = Array.isArray(body.email_address) ? body.email_address[0] : undefined;
  const clip = (v: unknown) => (typeof v === 'string' ? v.slice(0, 320) : undefined);
  return `${JSON.stringify({
    line: reject.line,
    external_id: clip(body.external_id),
    email_address: clip(email),
    errors: reject.errors.map((e) => ({ code: e.code, param_name: e.meta?.param_name, message: e.message, long_message: e.long_message })),
  })}\n`;
}

interface PreparedBatch {
  rows: ImportRow[];
  lines: number[];
  rejects: Reject[];
}

export async function runImport(
  importDeps: Pick<Deps, 'db' | 'clock' | 'secretBox' | 'hibp' | 'instance' | 'settings'>,
  options: ImportOptions,
): Promise<ImportSummary> {
  // No HTTP request behind an import: its events carry NO_HTTP_REQUEST (src/webhooks/events.ts).
  const deps = { ...importDeps, httpRequest: NO_HTTP_REQUEST, muted: options.events === false };
  const started = performance.now();
  const format = options.format ?? formatFromExtension(options.file);
  if (!format) throw new Error(`cannot tell the format of ${options.file} from its extension: give --format jsonl|csv|auth0|firebase`);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('the batch size must be a positive integer');
  const onConflict = options.onConflict ?? 'skip';
  const dryRun = options.dryRun === true;
  const totalBytes = (await stat(options.file)).size;
  const rejectsPath = options.rejectsPath ?? `${options.file}.rejects.jsonl`;
  const passwordPolicy = await importPasswordPolicy(deps);
  const claimed = dryRun ? new Map<string, string>() : undefined;

  // Rejects can name people (emails): readable by the owner only.
  const rejectsFile = await open(rejectsPath, 'w', 0o600);
  await rejectsFile.chmod(0o600);
  const counts: ImportCounts = { read: 0, inserted: 0, updated: 0, skipped: 0, rejected: 0 };
  const source = openSource(options.file, format, { firebase: options.firebase });
  let pulled = 0; // records taken from the source, written or not
  const progress = (): ImportProgress => {
    const bytesRead = source.bytesRead();
    const done = counts.inserted + counts.updated + counts.skipped + counts.rejected;
    const bytesDone = pulled > 0 ? Math.round((bytesRead * done) / pulled) : 0;
    return { ...counts, bytesRead, bytesDone, totalBytes, elapsedMs: performance.now() - started };
  };

  async function prepareOne(record: SourceRecord, batch: PreparedBatch) {
    if (record.errors) {
      batch.rejects.push({ line: record.line, errors: record.errors, body: record.body });
      return;
    }
    try {
      // The rules of POST /v1/users (prepareNewUser), and the line's `gatehouse` key when it has one.
      batch.rows.push(await prepareImportRow(deps, record.body, { passwordPolicy }));
      batch.lines.push(record.line);
    } catch (error) {
      if (!(error instanceof ClerkError)) throw error;
      batch.rejects.push({ line: record.line, errors: error.entries, body: record.body });
    }
  }

  async function prepare(records: SourceRecord[]): Promise<PreparedBatch> {
    const batch: PreparedBatch = { rows: [], lines: [], rejects: [] };
    for (let i = 0; i < records.length; i += PREPARE_SLICE) {
      const slice = records.slice(i, i + PREPARE_SLICE);
      // Concurrently within a slice: plain passwords and backup codes hash on the thread pool meanwhile.
      // Rows are pushed in completion order, so sort them back into file order afterwards.
      const sliceBatch: PreparedBatch = { rows: [], lines: [], rejects: [] };
      await Promise.all(slice.map((record) => prepareOne(record, sliceBatch)));
      const order = sliceBatch.lines.map((line, k) => ({ line, k })).sort((a, b) => a.line - b.line);
      for (const { line, k } of order) {
        batch.rows.push(sliceBatch.rows[k]!);
        batch.lines.push(line);
      }
      batch.rejects.push(...sliceBatch.rejects);
      await nextTurn();
    }
    counts.read += records.length;
    return batch;
  }

  // Rejects are written batch by batch in file order, even when a later batch finishes first.
  let rejectsWritten: Promise<void> = Promise.resolve();

  async function write(batch: PreparedBatch, busy: { keys: Set<string>; settled: Promise<unknown> } | undefined, previous: Promise<void>) {
    const outcomes =
      batch.rows.length > 0 ? await writeImportBatch(deps, batch.rows, { onConflict, dryRun: claimed && { claimed }, inFlight: busy }) : [];
    const rejects = [...batch.rejects];
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'rejected') rejects.push({ line: batch.lines[i]!, errors: outcome.errors, body: batch.rows[i]!.input });
      else counts[outcome.status]++;
    });
    counts.rejected += rejects.length;
    await previous;
    if (rejects.length > 0) {
      rejects.sort((a, b) => a.line - b.line);
      await rejectsFile.write(rejects.map(rejectLine).join(''));
    }
    options.onProgress?.(progress());
  }

  // Up to `writers` batches in flight, each in its own transaction; the next is prepared meanwhile.
  // A dry run judges rows against the claims of the rows before it: one batch at a time.
  const writers = dryRun ? 1 : Math.max(1, options.writers ?? 1);
  const inFlight: { keys: Set<string>; settled: Promise<void> }[] = [];
  let failure: { error: unknown } | undefined;
  async function flush(records: SourceRecord[]) {
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
  } finally {
    await writing();
    await rejectsFile.close();
    if (counts.rejected === 0) await unlink(rejectsPath).catch(() => undefined);
  }
  return {
    ...progress(),
    format,
    dryRun,
    interrupted,
    rejectsPath: counts.rejected > 0 ? rejectsPath : undefined,
  };
}
