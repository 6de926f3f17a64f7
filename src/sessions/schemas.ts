import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../http/schemas.js';

const STATUSES = ['abandoned', 'active', 'ended', 'expired', 'removed', 'replaced', 'revoked', 'pending'] as const;

export const SessionParams = Type.Object({ session_id: Type.String({ maxLength: 128 }) });

export const CreateSessionBody = Type.Object({ user_id: Type.String({ maxLength: 128 }) }, { additionalProperties: false });

export const SessionListQuery = Type.Object({
  client_id: Type.Optional(Type.String({ maxLength: 128 })),
  user_id: Type.Optional(Type.String({ maxLength: 128 })),
  status: Type.Optional(Type.Union(STATUSES.map((s) => Type.Literal(s)))),
  paginated: Type.Optional(Type.Boolean()),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 10 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export type SessionListInput = Static<typeof SessionListQuery>;

export const CreateTokenBody = Type.Object(
  // Clerk's bounds: 30 seconds to 10 years.
  { expires_in_seconds: Type.Optional(Nullable(Type.Integer({ minimum: 30, maximum: 315_360_000 }))) },
  { additionalProperties: false },
);

export const SessionSchema = Type.Object({
  object: Type.Literal('session'),
  id: Type.String(),
  user_id: Type.String(),
  client_id: Type.String(),
  actor: Nullable(Type.Object({}, { additionalProperties: true })),
  status: Type.String(),
  last_active_organization_id: Nullable(Type.String()),
  last_active_at: Type.Integer(),
  latest_activity: Nullable(Type.Object({}, { additionalProperties: true })),
  expire_at: Type.Integer(),
  abandon_at: Type.Integer(),
  updated_at: Type.Integer(),
  created_at: Type.Integer(),
  tasks: Nullable(Type.Array(Type.Object({}, { additionalProperties: true }))),
});

export const TokenSchema = Type.Object({ object: Type.Literal('token'), jwt: Type.String() });
