import { sql, type Kysely } from 'kysely';

// Webhook delivery (src/webhooks/): endpoints managed through the Svix-compatible API, one delivery row
// per (endpoint, event) that tracks its state, and the log of attempts.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The body is signed and sent byte for byte as it was recorded: json keeps the text (and key order)
  // that jsonb would normalize.
  await sql`alter table events alter column payload type json using payload::json`.execute(db);
  // Ids are KSUIDs: base62 that sorts by time in byte order. Svix's lists page by id, so ids compare
  // byte-wise (collate "C") whatever the database's collation (en_US would put `a` before `B`).
  await sql`alter table events alter column id type text collate "C"`.execute(db);
  // Events not yet fanned out to endpoints. Rows commit out of (created_at, id) order, so the deliverer
  // marks each event instead of keeping a high-water mark. Events recorded before delivery existed had no
  // endpoint to go to: they count as dispatched.
  await sql`alter table events add column dispatched_at bigint`.execute(db);
  await sql`update events set dispatched_at = created_at`.execute(db);
  await sql`create index events_undispatched_idx on events (created_at, id) where dispatched_at is null`.execute(db);

  // secret_sealed: the whsec_ signing secret, sealed with the instance's encryption key. old_secrets:
  // [{ sealed, expires_at }] of rotated secrets that still sign until they expire (24 h by default).
  // failing_since: when the current run of failed attempts began (null after a success): 5 days of it
  // disables the endpoint.
  await sql`
    create table webhook_endpoints (
      id text collate "C" primary key,
      uid text unique,
      url text not null,
      description text not null,
      event_types json,
      channels json,
      throttle_rate integer,
      disabled boolean not null,
      metadata json not null,
      secret_sealed text not null,
      old_secrets json not null,
      failing_since bigint,
      created_at bigint not null,
      updated_at bigint not null
    )`.execute(db);

  // One row per event an endpoint is to receive. status is Svix's MessageStatus: 0 success, 1 pending,
  // 2 failed. A pending row is due at next_attempt_at; locked_until leases it to the worker sending it.
  // order_key: the user (or object) the event is about; an endpoint gets one order_key's events in order.
  // manual: the next attempt is a resend or recovery; resend_requested: a resend asked for while an attempt
  // was in flight, queued when that attempt is recorded.
  await sql`
    create table webhook_deliveries (
      endpoint_id text collate "C" not null references webhook_endpoints (id) on delete cascade,
      event_id text collate "C" not null references events (id) on delete cascade,
      event_created_at bigint not null,
      order_key text,
      status smallint not null,
      attempts integer not null default 0,
      next_attempt_at bigint,
      locked_until bigint,
      manual boolean not null default false,
      resend_requested boolean not null default false,
      created_at bigint not null,
      updated_at bigint not null,
      primary key (endpoint_id, event_id)
    )`.execute(db);
  await sql`create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 1`.execute(db);
  await sql`
    create index webhook_deliveries_order_idx on webhook_deliveries (endpoint_id, order_key, event_created_at, event_id)
    where status = 1`.execute(db);
  await sql`create index webhook_deliveries_event_idx on webhook_deliveries (event_id)`.execute(db);
  await sql`create index webhook_deliveries_failed_idx on webhook_deliveries (endpoint_id, updated_at) where status = 2`.execute(db);

  // Every attempt: Svix's MessageAttemptOut. status 0 success / 2 failed; trigger_type 0 scheduled /
  // 1 manual (resend, recover); response: the first bytes of the receiver's answer.
  await sql`
    create table webhook_attempts (
      id text collate "C" primary key,
      endpoint_id text collate "C" not null references webhook_endpoints (id) on delete cascade,
      event_id text collate "C" not null references events (id) on delete cascade,
      url text not null,
      status smallint not null,
      response_status_code smallint not null,
      response text not null,
      response_duration_ms integer not null,
      trigger_type smallint not null,
      error text,
      created_at bigint not null
    )`.execute(db);
  await sql`create index webhook_attempts_endpoint_idx on webhook_attempts (endpoint_id, id)`.execute(db);
  await sql`create index webhook_attempts_event_idx on webhook_attempts (event_id, id)`.execute(db);
  await sql`create index webhook_attempts_created_at_idx on webhook_attempts (created_at)`.execute(db);
}
