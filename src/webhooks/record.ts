import type { Executor } from '../db/database.js';
import type { Clock } from '../lib/clock.js';
import { newTimeOrderedId } from '../lib/ids.js';
import type { EventType, HttpRequestAttributes, WebhookBody } from './events.js';
import { insertEvents, type EventRecord } from './store.js';

// The one way to emit an event: the service that makes a change calls recordEvent inside the transaction
// that makes it, with the payload it serialized itself. The event then exists exactly when the change
// committed. This module knows no feature: `data` is whatever the Backend API answers for the object.

/** What recording needs: the write's transaction, the instance, the clock, and the request behind the change. */
export interface EventDeps {
  db: Executor;
  instance: { id: string };
  clock: Clock;
  /** NO_HTTP_REQUEST when no request caused the change (the import CLI). */
  httpRequest: HttpRequestAttributes;
  /** The import's --no-events: an initial load that nothing should hear about records nothing. */
  muted?: boolean | undefined;
}

export interface NewEvent {
  type: EventType;
  data: unknown;
}

/** Records one event in the caller's transaction. */
export async function recordEvent(deps: EventDeps, type: EventType, data: unknown): Promise<void> {
  await recordEvents(deps, [{ type, data }]);
}

/**
 * Records several events in the caller's transaction, in one statement however many (an import batch).
 * Outside a transaction it throws: an event written on its own could outlive a change that failed, or
 * be lost when the change committed.
 */
export async function recordEvents(deps: EventDeps, events: NewEvent[]): Promise<void> {
  if (events.length === 0 || deps.muted === true) return;
  if (!deps.db.isTransaction) throw new Error('recordEvent must run inside the transaction of the change it reports');
  const now = deps.clock.now();
  // KSUIDs made in the same millisecond are random among themselves: sorting them keeps (created_at, id),
  // the outbox's order, equal to the order given (an import's file order).
  const ids = events.map(() => newTimeOrderedId('evt', now)).sort();
  const http_request = { client_ip: deps.httpRequest.client_ip, user_agent: deps.httpRequest.user_agent };
  const rows: EventRecord[] = events.map((event, i) => {
    const body: WebhookBody = {
      data: event.data,
      object: 'event',
      type: event.type,
      timestamp: now,
      instance_id: deps.instance.id,
      event_attributes: { http_request },
    };
    return { id: ids[i]!, type: event.type, payload: body as unknown as EventRecord['payload'], created_at: now };
  });
  await insertEvents(deps.db, rows);
}
