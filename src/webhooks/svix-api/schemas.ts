import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../../http/schemas.js';
import { PaginationQuery } from './pagination.js';

// Request shapes of the Svix-compatible API (svix-server's EndpointIn, EndpointUpdate, EndpointPatch,
// EndpointSecretRotateIn, RecoverIn, list query parameters). Unknown fields are ignored, as serde does.

/** Svix's uid and event-type name alphabet (StringSchema::schema_for_uids, EventTypeName). */
const NAME = { pattern: '^[a-zA-Z0-9\\-_.]+$', minLength: 1, maxLength: 256 };

const endpointFields = {
  description: Type.String({ maxLength: 10_000 }),
  uid: Nullable(Type.String(NAME)),
  disabled: Type.Boolean(),
  eventTypes: Nullable(Type.Array(Type.String(NAME), { maxItems: 1000 })),
  /** The older name of eventTypes, still accepted by Svix. */
  filterTypes: Nullable(Type.Array(Type.String(NAME), { maxItems: 1000 })),
  channels: Nullable(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 100 })),
  throttleRate: Nullable(Type.Integer({ minimum: 1, maximum: 65_535 })),
  rateLimit: Nullable(Type.Integer({ minimum: 1, maximum: 65_535 })),
  version: Type.Integer({ minimum: 1, maximum: 65_535 }),
  metadata: Type.Record(Type.String(), Type.String({ maxLength: 10_000 })),
};

const Url = Type.String({ minLength: 1, maxLength: 65_536 });

const optional = <T extends Record<string, import('@sinclair/typebox').TSchema>>(fields: T) =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)])) as { [K in keyof T]: import('@sinclair/typebox').TOptional<T[K]> };

/** POST /endpoint (EndpointIn). */
export const EndpointInBody = Type.Object({ url: Url, ...optional(endpointFields), secret: Type.Optional(Nullable(Type.String({ maxLength: 200 }))) });
/** PUT /endpoint/{id} (EndpointUpdate): every field, absent ones reset. */
export const EndpointUpdateBody = Type.Object({ url: Url, ...optional(endpointFields) });
/** PATCH /endpoint/{id} (EndpointPatch): only what is given. */
export const EndpointPatchBody = Type.Object({ url: Type.Optional(Url), ...optional(endpointFields) });

export type EndpointInput = Static<typeof EndpointPatchBody> & { secret?: string | null };

export const RotateBody = Type.Object({
  key: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  gracePeriodSeconds: Type.Optional(Nullable(Type.Integer())),
});

export const RecoverBody = Type.Object({
  since: Type.String({ minLength: 1, maxLength: 64 }),
  until: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64 }))),
});

export const AppParams = Type.Object({ app_id: Type.String({ maxLength: 300 }) });
export const EndpointParams = Type.Object({ app_id: Type.String({ maxLength: 300 }), endpoint_id: Type.String({ maxLength: 300 }) });
export const MessageParams = Type.Object({ app_id: Type.String({ maxLength: 300 }), msg_id: Type.String({ maxLength: 300 }) });
export const MessageEndpointParams = Type.Object({
  app_id: Type.String({ maxLength: 300 }),
  msg_id: Type.String({ maxLength: 300 }),
  endpoint_id: Type.String({ maxLength: 300 }),
});
export const AttemptParams = Type.Object({
  app_id: Type.String({ maxLength: 300 }),
  msg_id: Type.String({ maxLength: 300 }),
  attempt_id: Type.String({ maxLength: 300 }),
});

export const OrderedListQuery = Type.Object({
  ...PaginationQuery,
  order: Type.Optional(Type.Union([Type.Literal('ascending'), Type.Literal('descending')])),
});

const timeWindow = {
  before: Type.Optional(Type.String({ maxLength: 64 })),
  after: Type.Optional(Type.String({ maxLength: 64 })),
  /** Comma-separated (the svix client joins the list), or repeated. */
  event_types: Type.Optional(Type.Array(Type.String({ maxLength: 10_000 }), { maxItems: 100 })),
  channel: Type.Optional(Type.String({ maxLength: 128 })),
  tag: Type.Optional(Type.String({ maxLength: 128 })),
  with_content: Type.Optional(Type.Boolean()),
};

export const MessageListQuery = Type.Object({ ...PaginationQuery, ...timeWindow });
export const WithContentQuery = Type.Object({ with_content: Type.Optional(Type.Boolean()) });

export const AttemptListQuery = Type.Object({
  ...PaginationQuery,
  ...timeWindow,
  status: Type.Optional(Type.Integer({ minimum: 0, maximum: 4 })),
  /** 0 (no response), 100, 200, 300, 400 or 500. */
  status_code_class: Type.Optional(Type.Integer({ minimum: 0, maximum: 500, multipleOf: 100 })),
  endpoint_id: Type.Optional(Type.String({ maxLength: 300 })),
  with_msg: Type.Optional(Type.Boolean()),
  expanded_statuses: Type.Optional(Type.Boolean()),
});

export const CreateAppQuery = Type.Object({ get_if_exists: Type.Optional(Type.Boolean()) });
