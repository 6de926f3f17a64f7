import type { Logger } from 'pino';
import type { Deps } from '../../deps.js';
import { listen } from '../../db/database.js';
import { startPoller } from '../../lib/poller.js';
import { signingSecrets } from '../endpoints/service.js';
import { messageIdOf } from '../message-ids.js';
import { EVENTS_CHANNEL } from '../store.js';
import { fanOutBatch, FANOUT_BATCH } from './fanout.js';
import { postWebhook, type SendResult } from './send.js';
import { signatureHeaders } from './sign.js';
import { createAttemptRecorder } from './recorder.js';
import { claimDueDeliveries, pruneBefore, releaseDelivery, type ClaimedDelivery } from './store.js';

// The delivery worker, one per server process (main.ts starts it): fans out new events, claims due
// deliveries, signs and POSTs them, records each attempt and schedules retries on Svix's schedule. Any
// number of processes may run it against one database; none sends a delivery another is sending, and
// after a crash the lease on what it was sending runs out and the delivery is sent again, with the same
// svix-id. It wakes on pg_notify when events commit and polls as a fallback (and for retries falling due).

/** Retry delays are spread by ±20 % (svix-server's JITTER_DELTA), so a receiver coming back is not hit by every retry at once. */
const JITTER = 0.2;
const PRUNE_EVERY_MS = 3_600_000;
const PRUNE_BATCH = 5000;

export interface WebhookDeliveryOptions {
  /** Fallback poll (default 1 s): retries that fall due, and notifications missed. */
  pollIntervalMs?: number;
  /** Requests in flight at once, across endpoints (default 64). */
  maxInFlight?: number;
}

export interface WebhookDelivery {
  wake(): void;
  /** Stops claiming, lets requests in flight finish for up to `graceMs`, then gives back the rest untried. */
  stop(graceMs?: number): Promise<void>;
}

type WorkerDeps = Pick<Deps, 'db' | 'clock' | 'secretBox' | 'config'>;
type Log = Pick<Logger, 'info' | 'warn' | 'error'>;

/** The wait before the next attempt after `failures` failed ones (1-based), or undefined when no retry is left. */
export function retryDelayMs(scheduleSeconds: number[], failures: number, random: () => number = Math.random): number | undefined {
  const seconds = scheduleSeconds[failures - 1];
  if (seconds === undefined) return undefined;
  return Math.round(seconds * 1000 * (1 + (random() * 2 - 1) * JITTER));
}

export async function startWebhookDelivery(deps: WorkerDeps, log: Log, options: WebhookDeliveryOptions = {}): Promise<WebhookDelivery> {
  const { timeout, retrySchedule, attemptRetentionDays, blockPrivateNetworks } = deps.config.webhooks;
  const timeoutMs = timeout * 1000;
  // Longer than a send can take (the timeout) plus recording it; a dead worker's claims free up after it.
  const leaseMs = timeoutMs * 2 + 2000;
  const maxInFlight = options.maxInFlight ?? 64;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const inFlight = new Map<string, { controller: AbortController; done: Promise<void> }>();
  let lastPrune = 0;
  // Fan out when events were announced (pg_notify), a batch was full, or at the poll interval: not on
  // every wake-up, most of which are attempts finishing.
  let fanOutDue = true;
  let lastFanOut = 0;

  const recorder = createAttemptRecorder(deps, log, (failures) => retryDelayMs(retrySchedule, failures));

  const send = async (claim: ClaimedDelivery, controller: AbortController) => {
    let result: SendResult;
    try {
      const now = deps.clock.now();
      const secrets = signingSecrets(deps.secretBox, claim, now);
      const headers = signatureHeaders(messageIdOf(claim.event_id), claim.body, secrets, new Date(now));
      result = await postWebhook(claim.url, headers, claim.body, { timeoutMs, blockPrivateNetworks, signal: controller.signal });
    } catch (error) {
      result = { ok: false, statusCode: 0, response: '', durationMs: 0, error: error instanceof Error ? error.message : 'send failed' };
    }
    // Shutting down: the attempt was cut short by us, not the receiver. Give it back untried.
    if (controller.signal.aborted) return releaseDelivery(deps.db, claim);
    await recorder.record(claim, result);
  };

  const start = (claim: ClaimedDelivery) => {
    const key = `${claim.endpoint_id} ${claim.event_id}`;
    const controller = new AbortController();
    const done = send(claim, controller)
      .catch((error) => log.error({ err: error, endpoint_id: claim.endpoint_id, msg_id: messageIdOf(claim.event_id) }, 'recording a webhook attempt failed'))
      .finally(() => {
        inFlight.delete(key);
        poller?.wake();
      });
    inFlight.set(key, { controller, done });
  };

  const tick = async (): Promise<boolean> => {
    const now = deps.clock.now();
    if (now - lastPrune >= PRUNE_EVERY_MS) {
      lastPrune = now;
      const pruned = await pruneBefore(deps.db, now - attemptRetentionDays * 86_400_000, PRUNE_BATCH);
      if (pruned === PRUNE_BATCH * 2) lastPrune = 0; // more to prune: again next tick
    }
    let fanned = 0;
    if (fanOutDue || now - lastFanOut >= pollIntervalMs) {
      fanOutDue = false;
      lastFanOut = now;
      fanned = await fanOutBatch(deps.db, now);
      if (fanned === FANOUT_BATCH) fanOutDue = true;
    }
    // Claim in batches: wait until a quarter of the slots are free (or none is busy) rather than claiming
    // one delivery per finished attempt.
    const free = maxInFlight - inFlight.size;
    if (free > 0 && (free >= maxInFlight / 4 || inFlight.size === 0 || fanned > 0)) {
      for (const claim of await claimDueDeliveries(deps.db, now, now + leaseMs, free)) start(claim);
    }
    // More to fan out: go again. More to send: each finished attempt wakes the loop to claim the next.
    return fanOutDue;
  };

  // Listening first: an event committed while the first tick runs still wakes the loop.
  let poller: ReturnType<typeof startPoller> | undefined;
  const unlisten = await listen(deps.db, EVENTS_CHANNEL, () => {
    fanOutDue = true;
    poller?.wake();
  });
  poller = startPoller(tick, {
    intervalMs: pollIntervalMs,
    onError: (error) => log.error({ err: error }, 'webhook delivery loop failed'),
  });
  const running = poller;

  return {
    wake: () => running.wake(),
    async stop(graceMs = 5000) {
      await unlisten();
      await running.stop();
      const pending = [...inFlight.values()];
      const grace = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.all(pending.map((p) => p.done)), grace]);
      for (const p of inFlight.values()) p.controller.abort();
      await Promise.all(pending.map((p) => p.done));
    },
  };
}
