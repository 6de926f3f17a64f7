import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { OldSecret, WebhookAttemptsTable, WebhookDeliveriesTable } from '../../db/schema.js';

// webhook_deliveries and webhook_attempts (migration 0008). A delivery is one (endpoint, event): pending
// (status 1) until it succeeds (0) or runs out of retries (2). Workers claim due deliveries with
// FOR UPDATE SKIP LOCKED and a lease (locked_until), send outside any transaction, then record the
// attempt: two processes never send the same delivery at once, and a crashed one's lease runs out.

export type DeliveryRow = Selectable<WebhookDeliveriesTable>;
export type AttemptRow = Selectable<WebhookAttemptsTable>;

export const PENDING = 1;
export const SUCCESS = 0;
export const FAILED = 2;

/** New deliveries, many in one statement (one JSON parameter, however many). */
export async function insertDeliveries(db: Executor, rows: Insertable<WebhookDeliveriesTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into webhook_deliveries
      (endpoint_id, event_id, event_created_at, order_key, status, attempts, next_attempt_at, locked_until, manual, created_at, updated_at)
    select r.endpoint_id, r.event_id, r.event_created_at, r.order_key, r.status, 0, r.next_attempt_at, null, false, r.created_at, r.updated_at
    from json_populate_recordset(null::webhook_deliveries, ${JSON.stringify(rows)}::json) as r
    on conflict do nothing`.execute(db);
}

/** A claimed delivery with what sending it needs. */
export interface ClaimedDelivery {
  endpoint_id: string;
  event_id: string;
  /** This attempt's number (1 for the first). */
  attempts: number;
  locked_until: number;
  manual: boolean;
  url: string;
  secret_sealed: string;
  old_secrets: OldSecret[];
  /** The webhook body, exactly as recorded. */
  body: string;
}

/**
 * Up to `limit` due deliveries of enabled endpoints, leased to the caller until `leaseUntil`. Per endpoint,
 * only the oldest pending delivery of each order_key (the user or object an event is about) is due, so an
 * endpoint hears about one user in the order things happened to it; rows locked by another worker are
 * skipped, never waited for.
 */
export async function claimDueDeliveries(db: Executor, now: number, leaseUntil: number, limit: number): Promise<ClaimedDelivery[]> {
  const result = await sql<ClaimedDelivery>`
    with due as (
      select d.endpoint_id, d.event_id
      from webhook_deliveries d
      join webhook_endpoints e on e.id = d.endpoint_id and not e.disabled
      where d.status = 1 and d.next_attempt_at <= ${now} and (d.locked_until is null or d.locked_until <= ${now})
        and not exists (
          select 1 from webhook_deliveries earlier
          where earlier.endpoint_id = d.endpoint_id and earlier.order_key = d.order_key and earlier.status = 1
            and (earlier.event_created_at, earlier.event_id) < (d.event_created_at, d.event_id))
      order by d.next_attempt_at, d.event_created_at, d.event_id
      limit ${limit}
      for update of d skip locked)
    update webhook_deliveries d
    set locked_until = ${leaseUntil}, attempts = d.attempts + 1, updated_at = ${now}
    from due, webhook_endpoints e, events ev
    where d.endpoint_id = due.endpoint_id and d.event_id = due.event_id and e.id = d.endpoint_id and ev.id = d.event_id
    returning d.endpoint_id, d.event_id, d.attempts, d.locked_until, d.manual, e.url, e.secret_sealed, e.old_secrets, ev.payload::text as body`.execute(db);
  return result.rows;
}

/** The outcome of one attempt, for updateDeliveriesAfterAttempts. */
export interface DeliveryOutcome {
  endpoint_id: string;
  event_id: string;
  /** The claim's attempt number and lease: the row changes only if they still hold. */
  attempts: number;
  locked_until: number;
  status: 0 | 1 | 2;
  next_attempt_at: number | null;
  updated_at: number;
}

/**
 * Many deliveries' states after their attempts, in one statement. A row changes only while the caller's
 * claim still holds (same attempt number and lease): one whose lease ran out belongs to whoever took it.
 * A resend asked for during the attempt makes the delivery due again, as a manual attempt.
 */
export async function updateDeliveriesAfterAttempts(db: Executor, outcomes: DeliveryOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  await sql`
    update webhook_deliveries d
    set status = case when d.resend_requested then 1 else o.status end,
        next_attempt_at = case when d.resend_requested then o.updated_at else o.next_attempt_at end,
        attempts = case when d.resend_requested then 0 else d.attempts end,
        manual = d.resend_requested,
        resend_requested = false,
        locked_until = null,
        updated_at = o.updated_at
    from json_populate_recordset(null::webhook_deliveries, ${JSON.stringify(outcomes)}::json) as o
    where d.endpoint_id = o.endpoint_id and d.event_id = o.event_id and d.attempts = o.attempts and d.locked_until = o.locked_until`.execute(db);
}

/** Many attempts in one statement. */
export async function insertAttempts(db: Executor, attempts: Insertable<WebhookAttemptsTable>[]): Promise<void> {
  if (attempts.length === 0) return;
  await sql`
    insert into webhook_attempts
      (id, endpoint_id, event_id, url, status, response_status_code, response, response_duration_ms, trigger_type, error, created_at)
    select a.id, a.endpoint_id, a.event_id, a.url, a.status, a.response_status_code, a.response, a.response_duration_ms, a.trigger_type, a.error, a.created_at
    from json_populate_recordset(null::webhook_attempts, ${JSON.stringify(attempts)}::json) as a`.execute(db);
}

/** Gives a claimed delivery back untried (shutdown): due again at once, the attempt not counted. */
export async function releaseDelivery(db: Executor, claim: { endpoint_id: string; event_id: string; attempts: number; locked_until: number }): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({ locked_until: null, attempts: eb('attempts', '-', 1) }))
    .where('endpoint_id', '=', claim.endpoint_id)
    .where('event_id', '=', claim.event_id)
    .where('attempts', '=', claim.attempts)
    .where('locked_until', '=', claim.locked_until)
    .execute();
}

/**
 * Queues (endpoint, event) for one manual attempt now (resend): a new delivery if there was none, or the
 * existing one back to pending. A manual attempt that fails is not retried (Svix). While an attempt is in
 * flight (leased), the resend waits for it: it is queued when that attempt is recorded.
 */
export async function requeueDelivery(
  db: Executor,
  row: { endpoint_id: string; event_id: string; event_created_at: number; order_key: string | null; now: number },
): Promise<void> {
  const leased = sql<boolean>`(webhook_deliveries.locked_until is not null and webhook_deliveries.locked_until > ${row.now})`;
  await sql`
    insert into webhook_deliveries
      (endpoint_id, event_id, event_created_at, order_key, status, attempts, next_attempt_at, locked_until, manual, created_at, updated_at)
    values (${row.endpoint_id}, ${row.event_id}, ${row.event_created_at}, ${row.order_key}, 1, 0, ${row.now}, null, true, ${row.now}, ${row.now})
    on conflict (endpoint_id, event_id) do update
    set status = case when ${leased} then webhook_deliveries.status else 1 end,
        attempts = case when ${leased} then webhook_deliveries.attempts else 0 end,
        next_attempt_at = case when ${leased} then webhook_deliveries.next_attempt_at else ${row.now} end,
        manual = case when ${leased} then webhook_deliveries.manual else true end,
        resend_requested = ${leased},
        updated_at = ${row.now}`.execute(db);
}

/** endpoint.recover: the endpoint's failed deliveries whose last attempt fell in [since, until), pending again. */
export async function requeueFailedDeliveries(db: Executor, endpointId: string, since: number, until: number, now: number): Promise<number> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ status: PENDING, attempts: 0, next_attempt_at: now, manual: true, updated_at: now })
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', FAILED)
    .where('updated_at', '>=', since)
    .where('updated_at', '<', until)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Deletes attempts, and finished deliveries, older than `before` (the retention). */
export async function pruneBefore(db: Executor, before: number, limit: number): Promise<number> {
  const attempts = await sql`
    delete from webhook_attempts where id in (select id from webhook_attempts where created_at < ${before} limit ${limit})`.execute(db);
  const deliveries = await sql`
    delete from webhook_deliveries where (endpoint_id, event_id) in (
      select endpoint_id, event_id from webhook_deliveries where status <> 1 and updated_at < ${before} limit ${limit})`.execute(db);
  return Number(attempts.numAffectedRows ?? 0n) + Number(deliveries.numAffectedRows ?? 0n);
}

export async function findDelivery(db: Executor, endpointId: string, eventId: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).where('event_id', '=', eventId).executeTakeFirst();
}

/** Attempts for the Svix list endpoints: newest first (id desc), by endpoint or by event. */
export async function findAttempts(
  db: Executor,
  filter: {
    endpointId?: string;
    eventId?: string;
    status?: number;
    /** [min, max] response status codes. */
    statusCodes?: [number, number];
    eventTypes?: string[];
    before?: number;
    after?: number;
  },
  page: { iterator: string | undefined; reverse: boolean; limit: number },
): Promise<(AttemptRow & { event_type: string })[]> {
  let query = db
    .selectFrom('webhook_attempts as a')
    .innerJoin('events as ev', 'ev.id', 'a.event_id')
    .selectAll('a')
    .select('ev.type as event_type')
    .limit(page.limit + 1);
  if (filter.endpointId !== undefined) query = query.where('a.endpoint_id', '=', filter.endpointId);
  if (filter.eventId !== undefined) query = query.where('a.event_id', '=', filter.eventId);
  if (filter.status !== undefined) query = query.where('a.status', '=', filter.status as 0 | 2);
  if (filter.statusCodes) query = query.where('a.response_status_code', '>=', filter.statusCodes[0]).where('a.response_status_code', '<=', filter.statusCodes[1]);
  if (filter.eventTypes?.length) query = query.where('ev.type', 'in', filter.eventTypes);
  if (filter.before !== undefined) query = query.where('a.created_at', '<', filter.before);
  if (filter.after !== undefined) query = query.where('a.created_at', '>', filter.after);
  if (page.iterator !== undefined) query = query.where('a.id', page.reverse ? '>' : '<', page.iterator);
  query = query.orderBy('a.id', page.reverse ? 'asc' : 'desc');
  return query.execute();
}
