import type { Db } from '../../db/database.js';
import { findEnabledEndpoints } from '../endpoints/store.js';
import { lockUndispatchedEvents, markEventsDispatched } from '../store.js';
import { insertDeliveries, PENDING } from './store.js';

// Fan-out: every event recorded in the outbox becomes one delivery per enabled endpoint that wants its
// type (Svix's eventTypes, "filterTypes"), then is marked dispatched. Each batch is one transaction that
// locks its events with SKIP LOCKED, so concurrent workers split the outbox between them and an event
// is fanned out exactly once; one that commits late (rows commit out of order) is simply found later.

/** Events per transaction: large enough for an import's burst, small enough to keep locks short. */
export const FANOUT_BATCH = 500;

/** Fans out one batch; returns how many events it took (FANOUT_BATCH: there may be more). */
export async function fanOutBatch(db: Db, now: number, limit = FANOUT_BATCH): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const events = await lockUndispatchedEvents(trx, limit);
    if (events.length === 0) return 0;
    const endpoints = await findEnabledEndpoints(trx);
    const rows = [];
    for (const event of events) {
      for (const endpoint of endpoints) {
        if (endpoint.event_types !== null && !endpoint.event_types.includes(event.type)) continue;
        rows.push({
          endpoint_id: endpoint.id,
          event_id: event.id,
          event_created_at: event.created_at,
          order_key: event.order_key,
          status: PENDING as 1,
          next_attempt_at: now,
          locked_until: null,
          created_at: now,
          updated_at: now,
        });
      }
    }
    await insertDeliveries(trx, rows);
    await markEventsDispatched(trx, events.map((e) => e.id), now);
    return events.length;
  });
}
