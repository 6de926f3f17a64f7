import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';
import type { TestContext } from 'node:test';
import { startEmailDelivery } from '../../../src/email/delivery.js';
import { buildFrontendApp } from '../../../src/frontend/app.js';
import { logger } from '../../../src/logger.js';
import { publishableKey } from '../../../src/frontend/publishable-key.js';
import { startSmtpServer, type ReceivedEmail } from '../../email/smtp.js';
import { SECRET_KEY, buildTestApp } from '../../helper.js';

// Gatehouse as `npm start` runs it, inside the test process: the Backend API and the Frontend API on
// their own listeners, and email delivery to a real SMTP server (smtp-server, in process).

/** How long to wait for an email (the delivery worker is woken as soon as one is queued). */
const MAIL_TIMEOUT_MS = 20_000;

export interface RunningGatehouse {
  apiUrl: string;
  frontendUrl: string;
  secretKey: string;
  /** The publishable key Gatehouse prints at start. */
  publishableKey: string;
  /** The example app's origin, allowed by the Frontend API's CORS (its port is chosen before start). */
  appOrigin: string;
  appPort: number;
  /** A Backend API call with the test secret key. */
  bapi(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  smtp: { waitForMailTo(address: string): Promise<ReceivedEmail> };
}

/**
 * A free TCP port on 127.0.0.1. The Frontend API and the app must know each other's URL before either
 * starts (CORS origins, the publishable key), so these two ports are picked first and then bound. They are
 * picked below Linux's ephemeral range (32768–60999), which the kernel hands out to outgoing connections
 * (the database pool, SMTP) and to listeners on port 0: a port from that range, released here, was once
 * taken by one of those before the Frontend API bound it (EADDRINUSE in CI). Below it, only a program that
 * names a port binds one; a port in use, or already handed out by this process, is skipped.
 */
const handedOut = new Set<number>();
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + randomInt(12_000);
    if (handedOut.has(port)) continue;
    const server = createServer();
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!bound) continue;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    handedOut.add(port);
    return port;
  }
}

export async function startGatehouse(t: TestContext): Promise<RunningGatehouse> {
  const [frontendPort, appPort] = [await freePort(), await freePort()];
  const frontendUrl = `http://127.0.0.1:${frontendPort}`;
  const appOrigin = `http://127.0.0.1:${appPort}`;
  const smtp = await startSmtpServer(t);
  // after() hooks run in the order they are added: this one must run before buildTestApp's closes the database.
  let frontend: Awaited<ReturnType<typeof buildFrontendApp>> | undefined;
  let emails: Awaited<ReturnType<typeof startEmailDelivery>> | undefined;
  t.after(async () => {
    await frontend?.close();
    await emails?.stop();
  });
  const { app: api, deps } = await buildTestApp(t, {
    env: {
      GATEHOUSE_FRONTEND_URL: frontendUrl,
      GATEHOUSE_FRONTEND_ORIGINS: appOrigin,
      GATEHOUSE_RATE_LIMITS: 'off',
      SMTP_URL: smtp.url,
    },
  });
  // Delivery problems go to stderr (a missing email is otherwise a bare timeout); a short poll and quick
  // retries, so a busy machine does not make the test wait for the production schedule.
  emails = await startEmailDelivery({ db: deps.db, clock: deps.clock, smtpUrl: smtp.url }, logger('warn'), {
    pollIntervalMs: 500,
    retryScheduleMs: [500, 1000, 2000, 4000],
  });
  frontend = await buildFrontendApp(deps, { logger: false });
  const apiUrl = await api.listen({ port: 0, host: '127.0.0.1' });
  await frontend.listen({ port: frontendPort, host: '127.0.0.1' });

  return {
    apiUrl,
    frontendUrl,
    secretKey: SECRET_KEY,
    publishableKey: publishableKey(deps.config),
    appOrigin,
    appPort,
    async bapi(method, path, body) {
      const response = await fetch(`${apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${SECRET_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    smtp: {
      async waitForMailTo(address) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`no email to ${address} within ${MAIL_TIMEOUT_MS} ms`)), MAIL_TIMEOUT_MS);
        });
        try {
          for (let count = 1; ; count++) {
            const received = await Promise.race([smtp.waitFor(count), timeout]);
            const mail = received.find((m) => m.to.includes(address));
            if (mail) return mail;
          }
        } finally {
          clearTimeout(timer);
        }
      },
    },
  };
}
