import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { JsonObject } from '../db/schema.js';

// The outbox table (migration 0006). Payloads are built from rows just read back from the database, so
// their strings hold no lone surrogates or NULs (PostgreSQL text cannot): plain JSON.stringify is safe here.

/** One outbox row, as written and as read back. */
export interface EventRecord {
  id: string;
  type: string;
  /** The whole webhook body. */
  payload: JsonObject;
  created_at: number;
}

async function insertEvent(db: Executor, event: EventRecord): Promise<void> {
  await db.insertInto('events').values({ ...event, payload: JSON.stringify(event.payload) }).execute();
}

/**
 * Many events in one statement, whatever their number: they travel as one JSON document expanded by
 * json_populate_recordset (a multi-row VALUES would need 4 parameters per event, and PostgreSQL allows
 * 65,535). A jsonb column of the record takes its nested object as it is.
 */
export async function insertEvents(db: Executor, events: EventRecord[]): Promise<void> {
  if (events.length === 0) return;
  if (events.length === 1) return insertEvent(db, events[0]!);
  await sql`
    insert into events (id, type, payload, created_at)
    select r.id, r.type, r.payload, r.created_at
    from json_populate_recordset(null::events, ${JSON.stringify(events)}::json) as r`.execute(db);
}

/**
 * Events in the order they were recorded, (created_at, id), after `after` when given: a page of the
 * outbox for delivery, and what tests read. `type` narrows to one event type.
 */
export async function findEventsAfter(
  db: Executor,
  after: { created_at: number; id: string } | null,
  limit: number,
  type?: string,
): Promise<EventRecord[]> {
  let query = db.selectFrom('events').selectAll().orderBy('created_at').orderBy('id').limit(limit);
  if (after !== null) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after.created_at, after.id)));
  if (type !== undefined) query = query.where('type', '=', type);
  return (await query.execute()) as EventRecord[];
}
