import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { listen, type Db } from '../db/database.js';
import type { Clock } from '../lib/clock.js';
import { startPoller } from '../lib/poller.js';
import { claimDueEmails, deleteEmailById, EMAIL_CHANNEL, updateEmailAfterFailure, type OutboxEmail } from './store.js';

// The SMTP side of email: a worker in the server process sends what sendEmail queued, after commit.
// At least once: an email is deleted only after the SMTP server accepted it, so a crash between the two
// sends it again. Several processes may run it at once (claims skip locked rows).

/** Waits between attempts, then the email is marked failed: about 9 hours in all, for an SMTP outage. */
export const EMAIL_RETRY_SCHEDULE_MS = [10_000, 60_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 6 * 3600_000];
/** nodemailer's own limits, shorter than its defaults (2 min to connect, 10 min idle), so a lease can cover them. */
const CONNECT_TIMEOUT_MS = 30_000;
const SOCKET_TIMEOUT_MS = 60_000;
/** Longer than one send can take (connect + greeting + idle socket limits), so a live worker keeps its claim. */
const LEASE_MS = CONNECT_TIMEOUT_MS * 2 + SOCKET_TIMEOUT_MS * 2;
const BATCH = 10;
const POLL_INTERVAL_MS = 5_000;

export interface EmailDeliveryOptions {
  retryScheduleMs?: number[];
  pollIntervalMs?: number;
}

export interface EmailDelivery {
  /** Stops claiming; waits for the sends in progress. */
  stop(): Promise<void>;
}

export async function startEmailDelivery(
  deps: { db: Db; clock: Clock; smtpUrl: string },
  log: Pick<Logger, 'info' | 'warn' | 'error'>,
  options: EmailDeliveryOptions = {},
): Promise<EmailDelivery> {
  const schedule = options.retryScheduleMs ?? EMAIL_RETRY_SCHEDULE_MS;
  const transport = nodemailer.createTransport(deps.smtpUrl, {
    connectionTimeout: CONNECT_TIMEOUT_MS,
    greetingTimeout: CONNECT_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
  } as never);

  const send = async (email: OutboxEmail) => {
    try {
      await transport.sendMail({
        from: email.from_address,
        to: email.to_address,
        subject: email.subject,
        text: email.body_plain,
        html: email.body_html,
        messageId: `<${email.id}@gatehouse>`,
      });
      await deleteEmailById(deps.db, email.id);
      log.info({ email_id: email.id, attempt: email.attempts }, 'email sent');
    } catch (error) {
      // The reason only (SMTP reply or network error): never the body, which may hold a one-time code.
      const reason = error instanceof Error ? error.message.slice(0, 500) : 'unknown error';
      const wait = schedule[email.attempts - 1];
      const next = wait === undefined ? null : deps.clock.now() + wait;
      await updateEmailAfterFailure(deps.db, email.id, next, reason);
      if (next === null) log.error({ email_id: email.id, attempt: email.attempts, reason }, 'email delivery failed for good');
      else log.warn({ email_id: email.id, attempt: email.attempts, reason, retry_in_ms: wait }, 'email delivery failed, will retry');
    }
  };

  // Listening first: an email committed while the first tick runs still wakes the loop.
  let poller: ReturnType<typeof startPoller> | undefined;
  const unlisten = await listen(deps.db, EMAIL_CHANNEL, () => poller?.wake());
  poller = startPoller(
    async () => {
      const emails = await claimDueEmails(deps.db, deps.clock.now(), LEASE_MS, BATCH);
      await Promise.all(emails.map(send));
      return emails.length === BATCH;
    },
    { intervalMs: options.pollIntervalMs ?? POLL_INTERVAL_MS, onError: (error) => log.error({ err: error }, 'email delivery loop failed') },
  );
  const running = poller;
  return {
    async stop() {
      await unlisten();
      await running.stop();
      transport.close();
    },
  };
}
