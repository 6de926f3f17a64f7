import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { JsonObject } from '../db/schema.js';

// The outbox table (migrations 0006, 0008). Payloads are built from rows just read back from the database,
// so their strings hold no lone surrogates or NULs (PostgreSQL text cannot): plain JSON.stringify is safe
// here. The column is json: what is stored is the exact text that is signed and sent.

/** Woken on commit of a transaction that recorded events (db/database.ts#listen): the deliverer starts at once. */
export const EVENTS_CHANNEL = 'gatehouse_events';

/** One outbox row, as written and as read back. */
export interface EventRecord {
  id: string;
  type: string;
  /** The whole webhook body. */
  payload: JsonObject;
  created_at: number;
}

// Each insert also notifies, in the same statement (a data-modifying CTE always runs): PostgreSQL sends
// the notification at commit only, and once per transaction however many inserts.
async function insertEvent(db: Executor, event: EventRecord): Promise<void> {
  await sql`
    with inserted as (
      insert into events (id, type, payload, created_at)
      values (${event.id}, ${event.type}, ${JSON.stringify(event.payload)}::json, ${event.created_at}))
    select pg_notify(${EVENTS_CHANNEL}, '')`.execute(db);
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
    with inserted as (
      insert into events (id, type, payload, created_at)
      select r.id, r.type, r.payload, r.created_at
      from json_populate_recordset(null::events, ${JSON.stringify(events)}::json) as r)
    select pg_notify(${EVENTS_CHANNEL}, '')`.execute(db);
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
  let query = db.selectFrom('events').select(['id', 'type', 'payload', 'created_at']).orderBy('created_at').orderBy('id').limit(limit);
  if (after !== null) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after.created_at, after.id)));
  if (type !== undefined) query = query.where('type', '=', type);
  return (await query.execute()) as EventRecord[];
}

/** Wakes the delivery workers (at commit, inside a transaction): deliveries were queued outside the fan-out. */
export async function notifyDeliverer(db: Executor): Promise<void> {
  await sql`select pg_notify(${EVENTS_CHANNEL}, '')`.execute(db);
}

/** An event as the fan-out needs it: who it is about (the user, else the object), for per-user order. */
export interface UndispatchedEvent {
  id: string;
  type: string;
  created_at: number;
  order_key: string | null;
}

/**
 * Up to `limit` events not yet fanned out, oldest first, locked for the caller's transaction (other
 * workers skip them). An event that commits late is picked up whenever it appears: no high-water mark.
 */
export async function lockUndispatchedEvents(db: Executor, limit: number): Promise<UndispatchedEvent[]> {
  const result = await sql<UndispatchedEvent>`
    select id, type, created_at, coalesce(payload -> 'data' ->> 'user_id', payload -> 'data' ->> 'id') as order_key
    from events
    where dispatched_at is null
    order by created_at, id
    limit ${limit}
    for update skip locked`.execute(db);
  return result.rows;
}

export async function markEventsDispatched(db: Executor, ids: string[], now: number): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('events').set({ dispatched_at: now }).where('id', '=', sql<string>`any(${ids}::text[])`).execute();
}

/** One event with what Svix's MessageOut shows (`payload` only when asked for). */
export interface MessageRecord {
  id: string;
  type: string;
  created_at: number;
  order_key: string | null;
  payload?: JsonObject;
}

export async function findEventById(db: Executor, id: string, withPayload: boolean): Promise<MessageRecord | undefined> {
  const result = await sql<MessageRecord>`
    select id, type, created_at, coalesce(payload -> 'data' ->> 'user_id', payload -> 'data' ->> 'id') as order_key
      ${withPayload ? sql`, payload` : sql``}
    from events where id = ${id}`.execute(db);
  return result.rows[0];
}

/** Events for Svix's message.list: newest first (id desc; `reverse` walks back towards the newest). */
export async function findEventsPage(
  db: Executor,
  filter: { eventTypes?: string[]; before?: number; after?: number },
  page: { iterator: string | undefined; reverse: boolean; limit: number; withPayload: boolean },
): Promise<MessageRecord[]> {
  let query = db
    .selectFrom('events')
    .select(['id', 'type', 'created_at'])
    .select(sql<string | null>`null`.as('order_key'))
    .limit(page.limit + 1);
  if (page.withPayload) query = query.select('payload');
  if (filter.eventTypes?.length) query = query.where('type', 'in', filter.eventTypes);
  if (filter.before !== undefined) query = query.where('created_at', '<', filter.before);
  if (filter.after !== undefined) query = query.where('created_at', '>', filter.after);
  if (page.iterator !== undefined) query = query.where('id', page.reverse ? '>' : '<', page.iterator);
  query = query.orderBy('id', page.reverse ? 'asc' : 'desc');
  return (await query.execute()) as MessageRecord[];
}
