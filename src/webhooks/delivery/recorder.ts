import type { Logger } from 'pino';
import type { Db } from '../../db/database.js';
import { newTimeOrderedId } from '../../lib/ids.js';
import type { Clock } from '../../lib/clock.js';
import { clearEndpointsFailing, markEndpointFailing } from '../endpoints/store.js';
import { messageIdOf } from '../message-ids.js';
import type { SendResult } from './send.js';
import {
  FAILED,
  insertAttempts,
  PENDING,
  SUCCESS,
  updateDeliveriesAfterAttempts,
  type ClaimedDelivery,
  type DeliveryOutcome,
} from './store.js';

// Recording attempts: each finished attempt waits a few milliseconds for others, and all of them are
// written in one transaction (the attempts, the deliveries' new states, the endpoints' failing state).
// A busy endpoint gets hundreds of deliveries a second; a transaction for each would be the bottleneck.

/** Svix disables an endpoint whose attempts have all failed for 5 days. */
const DISABLE_AFTER_MS = 5 * 86_400_000;
/** How long a finished attempt waits for company before its batch is written. */
const BATCH_WAIT_MS = 5;
const MAX_BATCH = 200;

export type RetryDelay = (failures: number) => number | undefined;

interface Finished {
  claim: ClaimedDelivery;
  result: SendResult;
  at: number;
  done: () => void;
  failed: (error: unknown) => void;
}

export interface AttemptRecorder {
  /** Records the attempt (with the next ones, in one transaction); resolves once it is written. */
  record(claim: ClaimedDelivery, result: SendResult): Promise<void>;
}

export function createAttemptRecorder(deps: { db: Db; clock: Clock }, log: Pick<Logger, 'info' | 'warn'>, retryDelay: RetryDelay): AttemptRecorder {
  let batch: Finished[] = [];
  let timer: NodeJS.Timeout | undefined;

  const write = async (items: Finished[]) => {
    const now = deps.clock.now();
    const outcomes: DeliveryOutcome[] = [];
    const delays = new Map<Finished, number | undefined>();
    for (const item of items) {
      // A manual attempt (resend, recover) that fails is not retried, as on Svix.
      const delay = item.result.ok || item.claim.manual ? undefined : retryDelay(item.claim.attempts);
      delays.set(item, delay);
      const status = item.result.ok ? SUCCESS : delay === undefined ? FAILED : PENDING;
      const next = status === PENDING ? item.at + delay! : null;
      outcomes.push({ ...pick(item.claim), status, next_attempt_at: next, updated_at: item.at });
    }
    const succeeded = [...new Set(items.filter((i) => i.result.ok).map((i) => i.claim.endpoint_id))];
    const failing = [...new Set(items.filter((i) => !i.result.ok).map((i) => i.claim.endpoint_id))].filter((id) => !succeeded.includes(id));
    const disabled: string[] = [];
    await deps.db.transaction().execute(async (trx) => {
      await insertAttempts(
        trx,
        items.map((item) => ({
          id: newTimeOrderedId('atmpt', item.at),
          endpoint_id: item.claim.endpoint_id,
          event_id: item.claim.event_id,
          url: item.claim.url,
          status: item.result.ok ? SUCCESS : FAILED,
          response_status_code: item.result.statusCode,
          response: item.result.response,
          response_duration_ms: item.result.durationMs,
          trigger_type: item.claim.manual ? 1 : 0,
          error: item.result.error,
          created_at: item.at,
        })),
      );
      await updateDeliveriesAfterAttempts(trx, outcomes);
      await clearEndpointsFailing(trx, succeeded);
      for (const id of failing) if (await markEndpointFailing(trx, id, now, now - DISABLE_AFTER_MS)) disabled.push(id);
    });
    for (const item of items.filter((i) => !i.result.ok)) {
      const fields = {
        endpoint_id: item.claim.endpoint_id,
        msg_id: messageIdOf(item.claim.event_id),
        attempt: item.claim.attempts,
        status_code: item.result.statusCode,
        error: item.result.error,
      };
      const delay = delays.get(item);
      if (delay === undefined) log.warn(fields, 'webhook delivery failed for good');
      else log.info({ ...fields, retry_in_ms: delay }, 'webhook delivery failed, will retry');
    }
    for (const id of disabled) log.warn({ endpoint_id: id }, 'webhook endpoint disabled: its deliveries have failed for 5 days');
  };

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const items = batch;
    batch = [];
    write(items).then(
      () => items.forEach((i) => i.done()),
      (error) => items.forEach((i) => i.failed(error)),
    );
  };

  return {
    record(claim, result) {
      return new Promise<void>((done, failed) => {
        batch.push({ claim, result, at: deps.clock.now(), done, failed });
        if (batch.length >= MAX_BATCH) flush();
        else timer ??= setTimeout(flush, BATCH_WAIT_MS);
      });
    },
  };
}

function pick(claim: ClaimedDelivery): Pick<DeliveryOutcome, 'endpoint_id' | 'event_id' | 'attempts' | 'locked_until'> {
  return { endpoint_id: claim.endpoint_id, event_id: claim.event_id, attempts: claim.attempts, locked_until: claim.locked_until };
}
