import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

// The data dir holds the embedded database (its WAL has password digests and metadata), the generated
// encryption key and the development secret key (README, "Security"): only its owner may read it, and
// only one process may open the embedded database in it.

/**
 * Makes everything under `dir` private to the owner: directories 0700, files 0600, whatever they were
 * made with (PGlite writes 0666/0755 under a 022 umask; earlier versions left them so). Files created
 * later are private because main.ts and cli.ts set the umask to 077 first. Does nothing if `dir` does
 * not exist; symbolic links are left alone (chmod would follow them out of the data dir).
 */
export async function restrictPermissions(dir: string): Promise<void> {
  const stat = await fs.lstat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) return;
  await fs.chmod(dir, 0o700);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await restrictPermissions(full);
    else if (entry.isFile()) await fs.chmod(full, 0o600);
  }
}

/** Another live process holds the data dir. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}

/** Whether a process with this pid exists (EPERM: it does, under another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const held = new Set<string>();
let exitHook = false;

/**
 * Takes the exclusive lock `<dir>.lock` (a file holding this process's pid, created with O_EXCL) or throws
 * DataDirInUseError naming the process that holds it. A lock left by a process that no longer runs (kill -9,
 * power loss) is taken over. Returns the release function; the lock is also released when the process exits.
 *
 * Why: PGlite is a single-process database with no locking of its own. A second server, or a
 * `gatehouse import` run next to a running server, would write the same files at the same time, and
 * rows then go missing or come back half-written after a restart.
 */
export function lockDataDir(dir: string): () => void {
  const lockFile = `${dir}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(readFileSync(lockFile, 'utf8').trim(), 10);
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && attempt < 3) {
        throw new DataDirInUseError(
          `the data dir ${path.dirname(dir)} is in use by process ${pid} (a Gatehouse server or CLI on the embedded ` +
            `database). Stop that process first. If no process ${pid} is Gatehouse, delete ${lockFile}.`,
        );
      }
      if (attempt >= 3) throw new DataDirInUseError(`could not take the lock ${lockFile}; delete it if no Gatehouse process runs`);
      // Left behind by a process that is gone (or unreadable): take it over.
      try {
        unlinkSync(lockFile);
      } catch (unlinkError) {
        if ((unlinkError as NodeJS.ErrnoException).code !== 'ENOENT') throw unlinkError;
      }
    }
  }
  held.add(lockFile);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const file of held) releaseLock(file);
    });
  }
  return () => {
    if (held.delete(lockFile)) releaseLock(lockFile);
  };
}

/** Removes the lock file if it is still this process's. */
function releaseLock(lockFile: string): void {
  try {
    if (Number.parseInt(readFileSync(lockFile, 'utf8').trim(), 10) === process.pid) unlinkSync(lockFile);
  } catch {
    // Already gone.
  }
}
