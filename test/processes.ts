import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// Gatehouse as separate processes, the way an operator runs it: the CLI (src/cli.ts) and the server
// (src/main.ts), each with an environment of its own. Never the test database unless a test passes it.

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const execFileAsync = promisify(execFile);

/** The environment of this process without anything that would point a child at the test database. */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent' };
  for (const key of ['DATABASE_URL', 'GATEHOUSE_ENCRYPTION_KEY', 'GATEHOUSE_SECRET_KEY', 'TEST_DATABASE_URL', 'NODE_TEST_CONTEXT']) {
    delete base[key];
  }
  return { ...base, ...env };
}

/** Runs `gatehouse <args>`; resolves with its exit code and output (never rejects on a non-zero exit). */
export async function runCli(args: string[], env: NodeJS.ProcessEnv) {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: ROOT,
      env: childEnv(env),
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export interface ServerProcess {
  child: ChildProcess;
  /** http://host:port once listening. */
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
}

/**
 * Starts `src/main.ts` on port 0 and waits until it says where it listens, or exits (then `url` is '').
 * Killed (SIGKILL) after the test if still running.
 */
export async function startServer(t: TestContext, env: NodeJS.ProcessEnv, options: { umask?: string } = {}): Promise<ServerProcess> {
  const args = ['--import', 'tsx', 'src/main.ts'];
  // Both listeners on free ports: two test files (or two suites) may start servers at the same time.
  const spawnEnv = childEnv({ PORT: '0', GATEHOUSE_FRONTEND_PORT: '0', ...env });
  // With `umask`, through a shell that sets it and then becomes node (exec: the pid stays the same).
  const child = options.umask
    ? spawn('/bin/sh', ['-c', `umask ${options.umask} && exec "$0" "$@"`, process.execPath, ...args], { cwd: ROOT, env: spawnEnv })
    : spawn(process.execPath, args, { cwd: ROOT, env: spawnEnv });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => (out += String(chunk)));
  child.stderr.on('data', (chunk) => (err += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    return exited;
  });
  const url = await new Promise<string>((resolve) => {
    const check = () => {
      const match = /listening on (http:\/\/\S+) /.exec(out);
      if (match) resolve(match[1]!.replace('localhost', '127.0.0.1'));
    };
    child.stdout.on('data', check);
    void exited.then(() => resolve(''));
  });
  return { child, url, stdout: () => out, stderr: () => err, exited };
}
