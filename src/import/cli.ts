import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { createDeps } from '../deps.js';
import { hashOnEveryCore } from '../passwords/service.js';
import { runExport } from './export.js';
import { FORMATS, type ImportFormat } from './formats.js';
import { ImportInputError, inspectInput } from './input.js';
import { createProgressReporter, describeProgress } from './progress.js';
import { runImport, DEFAULT_BATCH_SIZE, type ImportSummary } from './run.js';

// The `import` and `export` commands of the gatehouse CLI (src/cli.ts): arguments in, summary out.

export const IMPORT_USAGE = `Usage: gatehouse import <file> [options]

Creates the users of <file>, each checked with exactly the rules of POST /v1/users: a Clerk, Auth0,
Firebase or Supabase export, or Gatehouse's own JSON lines or CSV (the fields of POST /v1/users). The
format is read from the content, gzip included. See src/import/README.md for the formats and mappings.

Options:
  --format <format>                   jsonl, csv, clerk, auth0, firebase or supabase: only when the content
                                      does not tell (the summary says what was detected)
  --auth0-passwords <file>            Auth0's password-hash export, merged with the users export by user id
                                      (the two files in either order)
  --on-conflict fill|skip|update      a user already there (same id, external_id, or primary email when the
                                      row has none): add only what it lacks, never blanking or loosening a
                                      field (fill, the default); leave it (skip); or apply the row's fields
                                      as PATCH /v1/users/{id} would (update)
  --rejects <path>                    where rejected rows go (default <file>.rejects.jsonl)
  --dry-run                           validate everything, uniqueness included; write nothing
  --batch-size <n>                    rows per transaction (default ${DEFAULT_BATCH_SIZE})
  --writers <n>                       batches written at once (default 2 on PostgreSQL, 1 on the embedded database)
  --no-events                         record no user.created webhook events (an initial load)
  --load auto|first|batches           load the rows first and build the indexes after (first), or write
                                      them in batches into the indexed tables (batches); auto (the
                                      default) loads first when the database holds fewer users than 10 %
                                      of the 50,000 or more rows the file brings
  --firebase-signer-key <base64>      Firebase's password hash parameters (console → Authentication →
  --firebase-salt-separator <base64>    Users → ⋮ → Password hash parameters); needed for --format firebase
  --firebase-rounds <n>                 when the export has password hashes. Defaults: separator Bw==,
  --firebase-mem-cost <n>               rounds 8, mem cost 14.

Exit status: 0 every row imported, updated or skipped; 3 finished with rejected rows; 130 interrupted
(run the same command again to resume); 1 error; 2 bad usage.
`;

export const EXPORT_USAGE = `Usage: gatehouse export [--out <file>] [--format jsonl|clerk]

Writes every user, with password digests and TOTP secrets: the file is as sensitive as the database.
Without --out, writes to standard output.

Options:
  --format jsonl   (default) JSON lines in the import format, backup codes and a "gatehouse" key with what
                   POST /v1/users cannot set: imported into an empty instance, every user comes back as it was
  --format clerk   Clerk's Dashboard CSV export (id, names, username, verified and unverified emails and
                   phones, TOTP secret, password digest and hasher), for Clerk's own import; what it has no
                   column for (metadata, backup codes, dates, bans…) is counted on stderr
`;

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${name} must be a positive integer`);
  return Number(value);
}

class UsageError extends Error {}

function summaryText(s: ImportSummary): string {
  const seconds = s.elapsedMs / 1000;
  const { rate } = describeProgress(s);
  const verb = s.dryRun ? 'would be ' : '';
  const lines = [
    `${s.dryRun ? 'dry run: ' : ''}${integer.format(s.read)} rows read in ${seconds.toFixed(1)} s (${integer.format(rate)} rows/s) from: ${s.description}`,
    `  ${verb}inserted ${integer.format(s.inserted)} · ${verb}updated ${integer.format(s.updated)} · ${verb}skipped (already there) ${integer.format(s.skipped)} · rejected ${integer.format(s.rejected)}`,
  ];
  if (s.socialOnly > 0) lines.push(`  social sign-in only, imported without a password: ${integer.format(s.socialOnly)}`);
  const dropped = Object.entries(s.dropped).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (dropped.length > 0) {
    lines.push(`  not carried (source field: users): ${dropped.map(([field, n]) => `${field}: ${integer.format(n)}`).join(' · ')}`);
  }
  if (s.firstReject) {
    const r = s.firstReject;
    const e = r.errors[0];
    const where = `${r.file ? `${r.file} ` : ''}line ${r.line}`;
    lines.push(`  first rejected row, ${where}: ${e ? `${e.code}${e.param_name ? ` (${String(e.param_name)})` : ''}: ${e.long_message}` : ''}`);
  }
  if (s.rejectsPath) lines.push(`  rejected rows, with line numbers and error codes: ${s.rejectsPath}`);
  if (s.interrupted && s.staged > 0) lines.push(`  staged, not imported yet: ${integer.format(s.staged)} (loaded first: the same command again imports them)`);
  if (s.interrupted) lines.push('  interrupted: run the same command again to resume (rows already imported are skipped)');
  return `${lines.join('\n')}\n`;
}

export async function importCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        'auth0-passwords': { type: 'string' },
        'on-conflict': { type: 'string' },
        rejects: { type: 'string' },
        'dry-run': { type: 'boolean' },
        'batch-size': { type: 'string' },
        writers: { type: 'string' },
        'no-events': { type: 'boolean' },
        load: { type: 'string' },
        'firebase-signer-key': { type: 'string' },
        'firebase-salt-separator': { type: 'string' },
        'firebase-rounds': { type: 'string' },
        'firebase-mem-cost': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    process.stderr.write(`gatehouse import: ${(error as Error).message}\n\n${IMPORT_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(IMPORT_USAGE);
    return 0;
  }
  const file = positionals[0];
  try {
    if (!file || positionals.length > 1) throw new UsageError('give exactly one file to import');
    const format = values.format as ImportFormat | undefined;
    if (format !== undefined && !FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
    const onConflict = values['on-conflict'] ?? 'fill';
    if (onConflict !== 'fill' && onConflict !== 'skip' && onConflict !== 'update') throw new UsageError('--on-conflict must be fill, skip or update');
    const signerKey = values['firebase-signer-key'];
    const firebase = signerKey
      ? {
          signerKey,
          saltSeparator: values['firebase-salt-separator'] ?? 'Bw==',
          rounds: positiveInteger(values['firebase-rounds'], '--firebase-rounds', 8),
          memCost: positiveInteger(values['firebase-mem-cost'], '--firebase-mem-cost', 14),
        }
      : undefined;
    const batchSize = positiveInteger(values['batch-size'], '--batch-size', DEFAULT_BATCH_SIZE);
    const load = values.load ?? 'auto';
    if (load !== 'auto' && load !== 'first' && load !== 'batches') throw new UsageError('--load must be auto, first or batches');
    // Before the database is opened: a missing file is the user's to fix, not a reason to touch it.
    await inspectInput(file);
    if (values['auth0-passwords'] !== undefined) await inspectInput(values['auth0-passwords']);
    const config = loadConfig();
    // PostgreSQL writes two batches on two connections (one per core here); PGlite has one connection.
    const writers = positiveInteger(values.writers, '--writers', config.databaseUrl ? 2 : 1);

    const deps = await createDeps(config);
    hashOnEveryCore(); // plain passwords in the file: this process answers no requests meanwhile
    const abort = new AbortController();
    const onSignal = () => {
      if (abort.signal.aborted) process.exit(130); // a second Ctrl-C: leave now, the open batch rolls back
      process.stderr.write('\nstopping after the batch being written (Ctrl-C again to stop at once)…\n');
      abort.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const reporter = createProgressReporter(process.stderr);
    try {
      const summary = await runImport(deps, {
        file,
        format,
        auth0Passwords: values['auth0-passwords'],
        onConflict,
        rejectsPath: values.rejects,
        dryRun: values['dry-run'] === true,
        batchSize,
        writers,
        firebase,
        events: values['no-events'] !== true,
        load,
        signal: abort.signal,
        onProgress: (p) => reporter.update(p),
      });
      reporter.finish();
      process.stdout.write(summaryText(summary));
      if (summary.interrupted) return 130;
      return summary.rejected > 0 ? 3 : 0;
    } catch (error) {
      reporter.finish();
      // A problem with the input: running the same command again cannot help, so say only what is wrong.
      if (error instanceof ImportInputError) {
        process.stderr.write(`gatehouse import: ${error.message}\n`);
        return 1;
      }
      // A lost database connection (a restart) surfaces as whatever the driver says; say what to do next.
      process.stderr.write(
        'gatehouse import: stopped. Every batch written before this is committed; once the cause is fixed, run the same command again to resume (rows already imported are skipped).\n',
      );
      throw error;
    } finally {
      reporter.finish();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await deps.db.destroy();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`gatehouse import: ${error.message}\n\n${IMPORT_USAGE}`);
      return 2;
    }
    if (error instanceof ImportInputError) {
      process.stderr.write(`gatehouse import: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

export async function exportCommand(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { out: { type: 'string', short: 'o' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    process.stderr.write(`gatehouse export: ${(error as Error).message}\n\n${EXPORT_USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(EXPORT_USAGE);
    return 0;
  }
  const format = values.format ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'clerk') {
    process.stderr.write(`gatehouse export: --format must be jsonl or clerk\n\n${EXPORT_USAGE}`);
    return 2;
  }
  process.stderr.write(
    'gatehouse export: warning: the export contains password digests and TOTP secrets; keep it as safe as the database.\n',
  );
  const deps = await createDeps(loadConfig());
  try {
    const summary = await runExport(deps, values.out ?? process.stdout, format);
    // The CLI exits right after; a pipe on stdout is written asynchronously, so wait until it has it all.
    if (!values.out) await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
    process.stderr.write(`gatehouse export: ${integer.format(summary.users)} users${values.out ? ` → ${values.out} (mode 0600)` : ''} in ${(summary.elapsedMs / 1000).toFixed(1)} s\n`);
    const lost = Object.entries(summary.lost);
    if (lost.length > 0) {
      process.stderr.write(`gatehouse export: Clerk's CSV has no column for (field: users): ${lost.map(([field, n]) => `${field}: ${integer.format(n)}`).join(' · ')}\n`);
    }
    return 0;
  } finally {
    await deps.db.destroy();
  }
}
