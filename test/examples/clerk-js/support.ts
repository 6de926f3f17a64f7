import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { RunningGatehouse } from './gatehouse.js';

// The two real things a browser test needs besides Gatehouse: Debian's Chromium driven by playwright-core
// (never a browser downloaded by npm), and the example app (examples/clerk-js) as a child process, the
// way a person runs it.

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Why the browser tests cannot run here, or undefined when they can. CI sets GATEHOUSE_REQUIRE_BROWSER=1
 * so that a missing browser fails the run instead of skipping it.
 */
export function browserUnavailable(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const reason = `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
  if (process.env.GATEHOUSE_REQUIRE_BROWSER === '1') throw new Error(`browser tests required but ${reason}`);
  return reason;
}

export async function launchChromium(t: TestContext): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    // The flags keep Chromium from reaching the network on its own (updates, sync, field trials).
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  t.after(() => browser.close());
  return browser;
}

const EXAMPLE_SERVER = fileURLToPath(new URL('../../../examples/clerk-js/server.mjs', import.meta.url));

/** Starts `node examples/clerk-js/server.mjs` on `port`; resolves to its URL once it listens. */
export async function startExampleApp(
  t: TestContext,
  port: number,
  env: { GATEHOUSE_FRONTEND_URL: string; GATEHOUSE_API_URL: string; GATEHOUSE_SECRET_KEY: string },
): Promise<{ url: string; publishableKey: string }> {
  const child = spawn(process.execPath, [EXAMPLE_SERVER], {
    env: { PATH: process.env.PATH, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    child.kill();
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    // An error in the example's backend is a test failure's best clue.
    process.stderr.write(`[example] ${chunk.toString()}`);
  });
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (\S+) \(publishable key (\S+)\)/.exec(stdout);
      if (match) resolve({ url: match[1]!, publishableKey: match[2]! });
    });
    child.once('exit', (code) => reject(new Error(`the example exited (${code}): ${stderr}`)));
  });
}

/** The example app pointed at a running Gatehouse (its Frontend API, its Backend API, its secret key). */
export function startExampleAgainst(t: TestContext, gatehouse: RunningGatehouse) {
  return startExampleApp(t, gatehouse.appPort, {
    GATEHOUSE_FRONTEND_URL: gatehouse.frontendUrl,
    GATEHOUSE_API_URL: gatehouse.apiUrl,
    GATEHOUSE_SECRET_KEY: gatehouse.secretKey,
  });
}

// ---- what the browser tests read from a page ----------------------------------------------------------

export const PASSWORD = 'Kettle-Orbit-Lantern-42';
/** A page waits this long for something clerk-js does over the network (generous: CI is slow). */
export const UI_TIMEOUT = 20_000;

// Code that runs in the page is passed as a string: this project compiles without the DOM's types.
export const SESSION_COOKIE_JS = `document.cookie.split('; ').find((c) => c.startsWith('__session='))?.slice(10) ?? null`;

/** A JWT's claims (no verification: the backend route verifies). */
export const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, any>;

/** What the example's backend route (`authenticateRequest` from @clerk/backend) answers for this page's cookies. */
export const askBackend = (page: Page) =>
  page.evaluate(`fetch('/api/me', { credentials: 'same-origin' }).then((response) => response.json())`) as Promise<{
    signedIn: boolean;
    userId?: string;
    sessionId?: string;
    orgId?: string;
    orgRole?: string;
    reason?: string;
  }>;
