import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Svix } from 'svix';
import { SECRET_KEY, TEST_DATABASE_URL, createTestSchema, engine } from '../helper.js';
import { startReceiver, verifyWithSvix } from './receiver.js';

// The real server (src/main.ts) in a child process, killed with SIGKILL while a receiver holds its
// delivery open, then started again on the same database: the delivery is sent again, with the same
// svix-id and body, once the dead process's lease (2 × timeout + 2 s; timeout 3 s here) has run out.
// Then SIGTERM stops it cleanly.

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

interface Server {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

async function startServer(env: NodeJS.ProcessEnv): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 120_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+) /.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => reject(new Error(`the server exited (${code}):\n${output}`)));
  });
  return { child, url: url.replace('localhost', '127.0.0.1'), exited };
}

/** Where the child keeps its data: a PGlite directory, or a fresh PostgreSQL schema. */
async function databaseEnv(t: TestContext): Promise<NodeJS.ProcessEnv> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-crash-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = {
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_SECRET_KEY: SECRET_KEY,
    GATEHOUSE_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    GATEHOUSE_WEBHOOK_TIMEOUT: '3',
    GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: '0.5,0.5,0.5',
    PORT: '0',
    GATEHOUSE_FRONTEND_PORT: '0',
    LOG_LEVEL: 'warn',
    DATABASE_URL: '',
  };
  if (TEST_DATABASE_URL) {
    const schema = await createTestSchema(t, TEST_DATABASE_URL);
    const url = new URL(TEST_DATABASE_URL);
    url.searchParams.set('options', `-c search_path=${schema},public`);
    env.DATABASE_URL = url.toString();
  }
  return env;
}

test(`a server killed mid-delivery and started again re-sends the same svix-id (${engine})`, async (t) => {
  const env = await databaseEnv(t);
  const receiver = await startReceiver(t);
  receiver.respond = () => 'hold';

  let server = await startServer(env);
  t.after(() => {
    server.child.kill('SIGKILL');
  });
  const svix = new Svix(SECRET_KEY, { serverUrl: server.url, retryScheduleInMs: [] });
  const endpoint = await svix.endpoint.create('gatehouse', { url: receiver.url });
  const { key } = await svix.endpoint.getSecret('gatehouse', endpoint.id);
  const created = await fetch(`${server.url}/v1/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email_address: ['crash@example.com'] }),
  });
  assert.equal(created.status, 200);
  const user = (await created.json()) as { id: string };

  // The delivery is in flight, held by the receiver: kill the server now, before its 3 s timeout.
  const [first] = await receiver.waitFor((d) => d.length >= 1, 60_000);
  server.child.kill('SIGKILL');
  assert.equal(await server.exited, null, 'killed, not exited');
  receiver.releaseHeld();
  receiver.respond = () => 204;
  assert.equal(receiver.deliveries.length, 1);

  server = await startServer(env);
  const [, again] = await receiver.waitFor((d) => d.length >= 2, 60_000);
  assert.equal(again!.id, first!.id, 'the same svix-id');
  assert.equal(again!.body, first!.body);
  assert.equal(JSON.parse(again!.body).data.id, user.id);
  verifyWithSvix(key, again!);

  // The killed attempt left no record; the one that got through did.
  const restarted = new Svix(SECRET_KEY, { serverUrl: server.url, retryScheduleInMs: [] });
  let attempts;
  for (let i = 0; i < 200; i++) {
    attempts = await restarted.messageAttempt.listByMsg('gatehouse', first!.id);
    if (attempts.data.length > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.deepEqual(attempts!.data.map((a) => [a.status, a.responseStatusCode]), [[0, 204]]);

  // SIGTERM: finishes and exits 0.
  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0);
  assert.equal(receiver.deliveries.length, 2);
});
