import { sql, type Kysely } from 'kysely';

// The outbox of webhook events (src/webhooks/). An event is written in the same transaction as the change
// it reports, so it exists exactly when the change does; delivery (a later issue) reads it from here.
export async function up(db: Kysely<unknown>): Promise<void> {
  // payload: the whole webhook body as it will be sent ({data, object, type, timestamp, instance_id,
  // event_attributes}), frozen at the time of the change rather than rebuilt at delivery.
  await sql`
    create table events (
      id text primary key,
      type text not null,
      payload jsonb not null,
      created_at bigint not null
    )`.execute(db);
  // The deliverer reads events in the order they were recorded, a page at a time.
  await sql`create index events_created_at_idx on events (created_at, id)`.execute(db);
}
