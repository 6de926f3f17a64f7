// The catalogue of webhook event types Gatehouse emits, and the body Clerk sends for each
// (spec: clerk-webhooks-2025-04-15.yml, WebhookEventPayload). One frozen list, as logto keeps its hook
// events: a type not listed here cannot be recorded, and the Svix-compatible API lists exactly these.

export const EVENT_TYPES = Object.freeze([
  'user.created',
  'user.updated',
  'user.deleted',
  'email.created',
  'session.created',
  'session.ended',
  'session.removed',
  'session.revoked',
  'organization.created',
  'organization.updated',
  'organization.deleted',
  'organizationMembership.created',
  'organizationMembership.updated',
  'organizationMembership.deleted',
  'organizationInvitation.created',
  'organizationInvitation.accepted',
  'organizationInvitation.revoked',
  'organizationDomain.created',
  'organizationDomain.updated',
  'organizationDomain.deleted',
] as const);

export type EventType = (typeof EVENT_TYPES)[number];

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
 * Clerk's webhook body. `timestamp` is in milliseconds, like every other Clerk timestamp: the spec's
 * examples show 1716883200 next to data in ms, but Clerk's webhook docs and real deliveries carry ms
 * (1654012591835). Do not rename the JSON fields.
 */
export interface WebhookBody<Data = unknown> {
  data: Data;
  object: 'event';
  type: EventType;
  timestamp: number;
  instance_id: string;
  event_attributes: { http_request: HttpRequestAttributes };
}

/** `deps` for a service call made on behalf of `request`: the events it records carry the request's IP and agent. */
export function forRequest<D extends object>(
  deps: D,
  request: { ip: string; headers: { 'user-agent'?: string | undefined } },
): D & { httpRequest: HttpRequestAttributes } {
  return { ...deps, httpRequest: httpRequestAttributes(request) };
}
