import type { Deps } from '../deps.js';
import { findAttempts, requeueDelivery } from './delivery/store.js';
import { getEndpoint } from './endpoints/service.js';
import { eventIdOf } from './message-ids.js';
import { findEventById, findEventsPage, notifyDeliverer } from './store.js';
import { notFound } from './svix-errors.js';

// Messages (the outbox's events) and their attempts as Svix lists them, and resending one message to one
// endpoint. Lists are newest first; `before`/`after` bound them in time.

export interface TimeWindow {
  before?: number | undefined;
  after?: number | undefined;
}

export interface Page {
  iterator: string | undefined;
  reverse: boolean;
  limit: number;
}

export async function listMessages(deps: Pick<Deps, 'db'>, filter: TimeWindow & { eventTypes?: string[] | undefined }, page: Page, withContent: boolean) {
  // The iterator is a message id; the table's key is the event id.
  const iterator = page.iterator === undefined ? undefined : (eventIdOf(page.iterator) ?? page.iterator);
  return findEventsPage(deps.db, filter, { ...page, iterator, withPayload: withContent });
}

/** By message id (`msg_…`) or event id (`evt_…`, Svix's `eventId`). */
export async function getMessage(deps: Pick<Deps, 'db'>, msgId: string, withContent: boolean) {
  const eventId = eventIdOf(msgId);
  const event = eventId === undefined ? undefined : await findEventById(deps.db, eventId, withContent);
  if (!event) throw notFound();
  return event;
}

/** Svix's status_code_class → the range of response codes (0: no response). */
const CODE_CLASSES: Record<number, [number, number]> = {
  0: [0, 99],
  100: [100, 199],
  200: [200, 299],
  300: [300, 399],
  400: [400, 499],
  500: [500, 599],
};

export interface AttemptFilter extends TimeWindow {
  status?: number | undefined;
  statusCodeClass?: number | undefined;
  eventTypes?: string[] | undefined;
}

export async function listAttemptsByEndpoint(deps: Pick<Deps, 'db'>, endpointIdOrUid: string, filter: AttemptFilter, page: Page) {
  const endpoint = await getEndpoint(deps, endpointIdOrUid);
  return findAttempts(deps.db, { ...attemptFilter(filter), endpointId: endpoint.id }, page);
}

export async function listAttemptsByMessage(deps: Pick<Deps, 'db'>, msgId: string, filter: AttemptFilter & { endpointId?: string | undefined }, page: Page) {
  const event = await getMessage(deps, msgId, false);
  const endpointId = filter.endpointId === undefined ? undefined : (await getEndpoint(deps, filter.endpointId)).id;
  return findAttempts(deps.db, { ...attemptFilter(filter), eventId: event.id, ...(endpointId ? { endpointId } : {}) }, page);
}

function attemptFilter(filter: AttemptFilter) {
  return {
    ...(filter.status !== undefined ? { status: filter.status } : {}),
    ...(filter.statusCodeClass !== undefined && CODE_CLASSES[filter.statusCodeClass] ? { statusCodes: CODE_CLASSES[filter.statusCodeClass] } : {}),
    ...(filter.eventTypes?.length ? { eventTypes: filter.eventTypes } : {}),
    ...(filter.before !== undefined ? { before: filter.before } : {}),
    ...(filter.after !== undefined ? { after: filter.after } : {}),
  };
}

/**
 * messageAttempt.resend: sends the message to the endpoint again now (one manual attempt, not retried if it
 * fails, as on Svix), whether it succeeded, failed, or was never sent there.
 */
export async function resendMessage(deps: Pick<Deps, 'db' | 'clock'>, msgId: string, endpointIdOrUid: string): Promise<void> {
  const event = await getMessage(deps, msgId, false);
  const endpoint = await getEndpoint(deps, endpointIdOrUid);
  await requeueDelivery(deps.db, {
    endpoint_id: endpoint.id,
    event_id: event.id,
    event_created_at: event.created_at,
    order_key: event.order_key,
    now: deps.clock.now(),
  });
  await notifyDeliverer(deps.db);
}
