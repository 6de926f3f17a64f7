import type { TestContext } from 'node:test';
import { Svix } from 'svix';
import { startWebhookDelivery, type WebhookDelivery, type WebhookDeliveryOptions } from '../../src/webhooks/delivery/worker.js';
import { SECRET_KEY, beforeClose, buildTestApp, type TestApp } from '../helper.js';

// Webhook tests: the app listening on a free port (the svix client speaks HTTP), a real svix client
// pointed at it, and delivery workers stopped before the database closes.

export interface WebhookTestApp extends TestApp {
  svix: Svix;
  serverUrl: string;
}

/**
 * Short retries (0.2 s, 0.2 s) unless `env` says otherwise. The 15 s timeout stays: everything here
 * shares one event loop, and a busy machine can delay a receiver's answer by seconds; a timeout is a
 * failed attempt, sent again (at least once), which tests of exactly-once claims must not trip over.
 */
export async function webhookTestApp(t: TestContext, env: NodeJS.ProcessEnv = {}): Promise<WebhookTestApp> {
  const ctx = await buildTestApp(t, {
    env: { GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: '0.2,0.2', ...env },
  });
  const serverUrl = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  // No client retries (it retries 5xx on its own): a test wants to see the first answer.
  // The same object, extended: beforeClose() knows the test app by identity.
  return Object.assign(ctx, { svix: new Svix(SECRET_KEY, { serverUrl, retryScheduleInMs: [] }), serverUrl });
}

export interface LogEntry {
  level: string;
  fields: Record<string, unknown>;
  message: string;
}

export function captureLog() {
  const entries: LogEntry[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => void entries.push({ level, fields, message });
  return { entries, log: { info: at('info'), warn: at('warn'), error: at('error') } as never };
}

/** A delivery worker on the app's database (fast polling), stopped when the test ends. */
export async function startWorker(ctx: TestApp, options: WebhookDeliveryOptions = {}, log = captureLog().log): Promise<WebhookDelivery> {
  const worker = await startWebhookDelivery(ctx.deps, log, { pollIntervalMs: 50, ...options });
  beforeClose(ctx, () => worker.stop(0));
  return worker;
}

export const APP = 'gatehouse';

/** The message's attempts (newest first, with content) once `count` have been recorded. */
export async function attemptsOf(ctx: WebhookTestApp, msgId: string, count: number) {
  for (let i = 0; ; i++) {
    const attempts = await ctx.svix.messageAttempt.listByMsg(APP, msgId, { withContent: true });
    if (attempts.data.length >= count || i >= 400) return attempts;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
