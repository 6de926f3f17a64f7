import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runImport, type ImportOptions } from '../../src/import/run.js';
import { call, type TestApp } from '../helper.js';

// Shared by the import tests: files in a temporary directory, the import run in-process with the test
// app's deps (so it works on PGlite and on PostgreSQL alike), and readers for what it leaves behind.

export async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-import-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes JSON lines (objects are stringified, strings written as they are). */
export async function writeLines(file: string, lines: unknown[]): Promise<string> {
  await writeFile(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return file;
}

export function importFile(ctx: TestApp, file: string, options: Partial<ImportOptions> = {}) {
  return runImport(ctx.deps, { file, ...options });
}

export interface RejectLine {
  line: number;
  external_id?: string;
  email_address?: string;
  errors: { code: string; param_name?: string; message: string; long_message: string }[];
}

export async function readRejects(file: string): Promise<RejectLine[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as RejectLine);
}

export async function userCount(ctx: TestApp): Promise<number> {
  const res = await call(ctx, 'GET', '/v1/users/count');
  return res.body.total_count;
}

/** The user with this external_id, as GET /v1/users returns it (undefined when there is none). */
export async function userByExternalId(ctx: TestApp, externalId: string) {
  const res = await call(ctx, 'GET', `/v1/users?external_id=${encodeURIComponent(externalId)}`);
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  if (res.body.length > 1) throw new Error(`${res.body.length} users with external_id ${externalId}`);
  return res.body[0];
}

/** Every user, oldest first (the import keeps created_at). */
export async function allUsers(ctx: TestApp) {
  const users = [];
  for (let offset = 0; ; offset += 500) {
    const res = await call(ctx, 'GET', `/v1/users?limit=500&offset=${offset}&order_by=created_at`);
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
    users.push(...res.body);
    if (res.body.length < 500) return users;
  }
}

/** The fixtures of test/fixtures/exports (provider exports; see the README there). */
export const exportFixture = (name: string) => fileURLToPath(new URL(`../fixtures/exports/${name}`, import.meta.url));

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

/** `gatehouse <args>` in a process of its own, as a user runs it; its output and exit status. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
