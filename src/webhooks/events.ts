import type { Executor } from '../db/database.js';
import { newId } from '../lib/ids.js';
import { serializeUser, type UserJson, type UserViewContext } from '../users/serialize.js';
import type { FullUserRow } from '../users/store.js';
import { insertEvent, insertEvents, type EventRecord } from './store.js';

// Webhook events, recorded in the outbox by the service that makes the change, inside its transaction
// (see README.md). Only user.created so far; the webhooks issue adds the rest of Clerk's catalogue.

export type EventType = 'user.created';

/** `event_attributes.http_request`: the API call behind an event. Do not rename the JSON fields. */
export interface HttpRequestAttributes {
  client_ip: string;
  user_agent: string;
}

/**
 * For events no HTTP request caused (the import CLI). Clerk always sends `http_request`, and
 * @clerk/backend types it as two strings, so handlers read `event_attributes.http_request.user_agent`
 * unguarded: the shape stays, with empty strings, rather than an invented address or agent.
 */
export const NO_HTTP_REQUEST: HttpRequestAttributes = Object.freeze({ client_ip: '', user_agent: '' });

/** The request fields an event records, from a Fastify request (or anything shaped like one). */
export function httpRequestAttributes(request: { ip: string; headers: { 'user-agent'?: string | undefined } }): HttpRequestAttributes {
  return { client_ip: request.ip, user_agent: request.headers['user-agent'] ?? '' };
}

/**
 * Clerk's webhook body (spec: clerk-webhooks-2025-04-15.yml, WebhookEventPayload). `timestamp` is in
 * milliseconds, like every other Clerk timestamp: the spec's examples show 1716883200 next to data in ms,
 * but Clerk's webhook docs and real deliveries carry ms (1654012591835). Do not rename the JSON fields.
 */
export interface WebhookBody<Data> {
  data: Data;
  object: 'event';
  type: EventType;
  timestamp: number;
  instance_id: string;
  event_attributes: { http_request: HttpRequestAttributes };
}

/** The user.created body: `data` is exactly what GET /v1/users/{id} answers for the user at that moment. */
export function userCreatedEvent(user: FullUserRow, view: UserViewContext, httpRequest: HttpRequestAttributes): WebhookBody<UserJson> {
  return {
    data: serializeUser(user, view),
    object: 'event',
    type: 'user.created',
    timestamp: view.nowMs,
    instance_id: view.instanceId,
    event_attributes: { http_request: { client_ip: httpRequest.client_ip, user_agent: httpRequest.user_agent } },
  };
}

/**
 * Outbox rows for bodies recorded together, in the order given. KSUIDs made in the same second are
 * random among themselves, so the ids are sorted before they are handed out: (created_at, id), the
 * outbox's order, then keeps the order of the batch (an import's file order).
 */
function outboxRows(bodies: WebhookBody<unknown>[], now: number): EventRecord[] {
  const ids = bodies.map(() => newId('evt', now)).sort();
  return bodies.map((body, i) => ({ id: ids[i]!, type: body.type, payload: body as unknown as EventRecord['payload'], created_at: now }));
}

/** Records user.created for these users (one statement however many), in the caller's transaction. */
export async function recordUsersCreated(
  db: Executor,
  users: FullUserRow[],
  view: UserViewContext,
  httpRequest: HttpRequestAttributes,
): Promise<void> {
  const rows = outboxRows(users.map((user) => userCreatedEvent(user, view, httpRequest)), view.nowMs);
  if (rows.length === 1) await insertEvent(db, rows[0]!);
  else await insertEvents(db, rows);
}
