import { open } from 'node:fs/promises';
import type { Deps } from '../deps.js';
import { exportUsers } from '../users/bulk/export-service.js';

// `gatehouse export`: every user as a line of the import format (the fields of POST /v1/users), with
// password digests, TOTP secrets (in clear, base32) and backup codes (bcrypt digests), so that
// `gatehouse import` into an empty instance gives the same users back. Streamed page by page (keyset
// pagination on the id), never all users in memory.

export interface ExportSummary {
  users: number;
  elapsedMs: number;
}

/** Writes to `out` (created with mode 0600, since it holds secrets), or to the given stream. */
export async function runExport(deps: Pick<Deps, 'db' | 'secretBox'>, out: string | NodeJS.WritableStream): Promise<ExportSummary> {
  const started = performance.now();
  const file = typeof out === 'string' ? await open(out, 'w', 0o600) : undefined;
  // An existing file keeps its mode on open: tighten it before the first secret is written.
  await file?.chmod(0o600);
  let users = 0;
  try {
    for await (const page of exportUsers(deps)) {
      const text = page.map((u) => `${JSON.stringify(u)}\n`).join('');
      users += page.length;
      if (file) await file.write(text);
      else if (!(out as NodeJS.WritableStream).write(text)) await new Promise((resolve) => (out as NodeJS.WritableStream).once('drain', resolve));
    }
  } finally {
    await file?.close();
  }
  return { users, elapsedMs: performance.now() - started };
}
