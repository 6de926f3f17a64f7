import type { JsonObject } from '../../db/schema.js';
import { idTimeMs } from '../../lib/ids.js';
import type { AttemptRow } from '../delivery/store.js';
import type { EndpointRow } from '../endpoints/store.js';
import { EVENT_TYPE_DESCRIPTIONS, EVENT_TYPES } from '../events.js';
import { messageIdOf } from '../message-ids.js';
import type { MessageRecord } from '../store.js';

// Rows → Svix's JSON (svix-server: EndpointOut, ApplicationOut, MessageOut, MessageAttemptOut,
// EventTypeOut). camelCase, ISO 8601 times. Do not rename the JSON fields: the svix client reads them.

const iso = (ms: number) => new Date(ms).toISOString();

/** The instance is one Svix application, with this uid. */
export const APP_UID = 'gatehouse';

/** The application's id: the instance's KSUID under Svix's `app_` prefix. */
export function applicationId(instanceId: string): string {
  return `app_${instanceId.slice(instanceId.indexOf('_') + 1)}`;
}

export function serializeApplication(instanceId: string) {
  const created = iso(idTimeMs(instanceId) ?? 0);
  return {
    id: applicationId(instanceId),
    uid: APP_UID,
    name: 'Gatehouse',
    rateLimit: null,
    throttleRate: null,
    metadata: {},
    createdAt: created,
    updatedAt: created,
  };
}

export function serializeEndpoint(row: EndpointRow) {
  const eventTypes = (row.event_types as string[] | null) ?? null;
  return {
    id: row.id,
    uid: row.uid,
    url: row.url,
    description: row.description,
    version: 1,
    rateLimit: row.throttle_rate,
    throttleRate: row.throttle_rate,
    disabled: row.disabled,
    eventTypes,
    // Svix still answers the old name of eventTypes too.
    filterTypes: eventTypes,
    channels: (row.channels as string[] | null) ?? null,
    metadata: row.metadata as Record<string, string>,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** Svix's MessageOut; `payload` is `{}` unless asked for with with_content. */
export function serializeMessage(event: MessageRecord, withContent: boolean) {
  return {
    id: messageIdOf(event.id),
    eventId: event.id,
    eventType: event.type,
    payload: withContent ? ((event.payload as JsonObject | undefined) ?? {}) : {},
    channels: null,
    timestamp: iso(event.created_at),
  };
}

const STATUS_TEXT = { 0: 'success', 1: 'pending', 2: 'fail' } as const;

/** Svix's MessageAttemptOut; `response` is `{}` unless asked for with with_content (svix-server does so). */
export function serializeAttempt(attempt: AttemptRow & { event_type: string }, options: { withContent: boolean; withMsg: boolean }) {
  return {
    id: attempt.id,
    msgId: messageIdOf(attempt.event_id),
    endpointId: attempt.endpoint_id,
    url: attempt.url,
    response: options.withContent ? attempt.response : '{}',
    responseStatusCode: attempt.response_status_code,
    responseDurationMs: attempt.response_duration_ms,
    status: attempt.status,
    statusText: STATUS_TEXT[attempt.status],
    triggerType: attempt.trigger_type,
    timestamp: iso(attempt.created_at),
    ...(options.withMsg ? { msg: serializeMessage({ id: attempt.event_id, type: attempt.event_type, created_at: idTimeMs(attempt.event_id) ?? 0, order_key: null }, false) } : {}),
  };
}

/** Svix's EventTypeOut for each of Gatehouse's event types (fixed: they exist since the instance does). */
export function eventTypesOut(instanceId: string) {
  const since = iso(idTimeMs(instanceId) ?? 0);
  return EVENT_TYPES.map((name) => ({
    name,
    description: EVENT_TYPE_DESCRIPTIONS[name],
    archived: false,
    deprecated: false,
    schemas: null,
    featureFlag: null,
    groupName: null,
    createdAt: since,
    updatedAt: since,
  }));
}
