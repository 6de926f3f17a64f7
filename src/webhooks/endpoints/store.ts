import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { WebhookEndpointsTable } from '../../db/schema.js';

// The webhook_endpoints table (migration 0008).

export type EndpointRow = Selectable<WebhookEndpointsTable>;
export type NewEndpointRow = Insertable<WebhookEndpointsTable>;
export type EndpointPatch = Updateable<WebhookEndpointsTable>;

/** An endpoint as the fan-out needs it. */
export interface EndpointFilter {
  id: string;
  event_types: string[] | null;
}

export async function insertEndpoint(db: Executor, row: NewEndpointRow): Promise<EndpointRow> {
  return db.insertInto('webhook_endpoints').values(row).returningAll().executeTakeFirstOrThrow();
}

/** By `ep_…` id or by the caller's uid, as Svix's paths take either. */
export async function findEndpointByIdOrUid(db: Executor, idOrUid: string, forUpdate = false): Promise<EndpointRow | undefined> {
  let query = db.selectFrom('webhook_endpoints').selectAll().where((eb) => eb.or([eb('id', '=', idOrUid), eb('uid', '=', idOrUid)]));
  if (forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function updateEndpointById(db: Executor, id: string, patch: EndpointPatch): Promise<EndpointRow | undefined> {
  return db.updateTable('webhook_endpoints').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteEndpointById(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function deleteEveryEndpoint(db: Executor): Promise<void> {
  await db.deleteFrom('webhook_endpoints').execute();
}

/** A page of endpoints by id (Svix: newest first by default); one more than `limit` tells whether more exist. */
export async function findEndpointsPage(
  db: Executor,
  page: { iterator: string | undefined; ascending: boolean; limit: number },
): Promise<EndpointRow[]> {
  let query = db.selectFrom('webhook_endpoints').selectAll().limit(page.limit + 1);
  if (page.iterator !== undefined) query = query.where('id', page.ascending ? '>' : '<', page.iterator);
  return query.orderBy('id', page.ascending ? 'asc' : 'desc').execute();
}

/** The endpoints events fan out to now. */
export async function findEnabledEndpoints(db: Executor): Promise<EndpointFilter[]> {
  return db.selectFrom('webhook_endpoints').select(['id', 'event_types']).where('disabled', '=', false).orderBy('id').execute() as Promise<EndpointFilter[]>;
}

/** After successful attempts: these endpoints are no longer failing. */
export async function clearEndpointsFailing(db: Executor, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('webhook_endpoints').set({ failing_since: null }).where('id', 'in', ids).where('failing_since', 'is not', null).execute();
}

/**
 * After a failed attempt: the endpoint is failing since its first failure in a row; failing since
 * `disableBefore` or earlier, it is disabled. Returns true when this call disabled it.
 */
export async function markEndpointFailing(db: Executor, id: string, now: number, disableBefore: number): Promise<boolean> {
  const row = await db
    .updateTable('webhook_endpoints')
    .set((eb) => ({ failing_since: eb.fn.coalesce('failing_since', eb.val(now)) }))
    .where('id', '=', id)
    .returning(['failing_since', 'disabled'])
    .executeTakeFirst();
  if (!row || row.disabled || row.failing_since === null || row.failing_since > disableBefore) return false;
  const disabled = await db
    .updateTable('webhook_endpoints')
    .set({ disabled: true, updated_at: now })
    .where('id', '=', id)
    .where('disabled', '=', false)
    .executeTakeFirst();
  return disabled.numUpdatedRows > 0n;
}
