import { Type, type TSchema, type Static, type TUnsafe } from '@sinclair/typebox';

/**
 * `T | null` as one JSON-schema `type` list rather than an anyOf, so a bad value produces one clear
 * validation error (form_param_nil for null) instead of one per branch.
 */
export function Nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  const type = (schema as { type?: string | string[] }).type;
  if (type === undefined) throw new Error('Nullable() needs a schema with a type');
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [...(Array.isArray(type) ? type : [type]), 'null'] });
}

/** A free-form JSON object (metadata). Keys are kept exactly as sent. */
export const JsonObjectSchema = Type.Object({}, { additionalProperties: true });

/** RFC 3339 timestamps as Clerk takes them (`created_at`, `legal_accepted_at`); parsed in services. */
export const Rfc3339 = Type.String({ maxLength: 64 });

/** `limit` and `offset` of Clerk's list endpoints: 10 by default, 500 at most. Spread into a query schema. */
export const PageQueryFields = {
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 10 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
};

export const DeletedObjectSchema = Type.Object({
  object: Type.String(),
  id: Type.String(),
  deleted: Type.Boolean(),
});

export const TotalCountSchema = Type.Object({
  object: Type.Literal('total_count'),
  total_count: Type.Integer(),
});

export const ClerkErrorsSchema = Type.Object({
  errors: Type.Array(
    Type.Object({
      message: Type.String(),
      long_message: Type.String(),
      code: Type.String(),
      meta: Type.Optional(Type.Object({}, { additionalProperties: true })),
    }),
  ),
  clerk_trace_id: Type.String(),
});

/** The error responses every authenticated route can give. */
export const errorResponses = {
  400: ClerkErrorsSchema,
  401: ClerkErrorsSchema,
  403: ClerkErrorsSchema,
  404: ClerkErrorsSchema,
  422: ClerkErrorsSchema,
} as const;

export function deletedObject(object: string, id: string) {
  return { object, id, deleted: true as const };
}
