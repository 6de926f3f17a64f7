import { open } from 'node:fs/promises';
import type { Deps } from '../deps.js';
import { exportUsers } from '../users/bulk/export-service.js';
import { CLERK_CSV_HEADER, clerkCsvRow } from './export-clerk.js';

// `gatehouse export`: every user as a line of the import format (the fields of POST /v1/users), with
// password digests, TOTP secrets (in clear, base32) and backup codes (bcrypt digests), so that
// `gatehouse import` into an empty instance gives the same users back. Streamed page by page (keyset
// pagination on the id), never all users in memory. With format `clerk`, Clerk's Dashboard CSV instead
// (export-clerk.ts), and what it cannot hold counted in `lost`.

export type ExportFormat = 'jsonl' | 'clerk';

export interface ExportSummary {
  users: number;
  elapsedMs: number;
  /** Clerk's CSV only: users whose field had no column to go in, by field. */
  lost: Record<string, number>;
}

/** Writes to `out` (created with mode 0600, since it holds secrets), or to the given stream. */
export async function runExport(
  deps: Pick<Deps, 'db' | 'secretBox'>,
  out: string | NodeJS.WritableStream,
  format: ExportFormat = 'jsonl',
): Promise<ExportSummary> {
  const started = performance.now();
  const file = typeof out === 'string' ? await open(out, 'w', 0o600) : undefined;
  // An existing file keeps its mode on open: tighten it before the first secret is written.
  await file?.chmod(0o600);
  let users = 0;
  const lost: Record<string, number> = {};
  const write = async (text: string) => {
    if (file) await file.write(text);
    else if (!(out as NodeJS.WritableStream).write(text)) await new Promise((resolve) => (out as NodeJS.WritableStream).once('drain', resolve));
  };
  try {
    if (format === 'clerk') await write(CLERK_CSV_HEADER);
    for await (const page of exportUsers(deps)) {
      const text = page.map((u) => (format === 'clerk' ? clerkCsvRow(u, lost) : `${JSON.stringify(u)}\n`)).join('');
      users += page.length;
      await write(text);
    }
  } finally {
    await file?.close();
  }
  return { users, elapsedMs: performance.now() - started, lost };
}
