import { Type, type Static } from '@sinclair/typebox';
import { JsonObjectSchema, Nullable } from '../http/schemas.js';

// Request and response shapes of the Invitations tag (clerk-bapi-2025-03-12.yml).

export const InvitationIdParams = Type.Object({ invitation_id: Type.String({ maxLength: 128 }) });

const invitationFields = {
  email_address: Type.String({ maxLength: 320 }),
  public_metadata: Type.Optional(Nullable(JsonObjectSchema)),
  redirect_url: Type.Optional(Nullable(Type.String({ maxLength: 2048 }))),
  notify: Type.Optional(Nullable(Type.Boolean())),
  ignore_existing: Type.Optional(Nullable(Type.Boolean())),
  expires_in_days: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 365 }))),
  template_slug: Type.Optional(Type.Union([Type.Literal('invitation'), Type.Literal('waitlist_invitation')])),
};

export const CreateInvitationBody = Type.Object(invitationFields, { additionalProperties: false });
export type CreateInvitationInput = Static<typeof CreateInvitationBody>;

export const BulkInvitationBody = Type.Array(CreateInvitationBody, { minItems: 1, maxItems: 100 });

export const INVITATION_ORDER_FIELDS = ['created_at', 'email_address', 'expires_at'] as const;

export const InvitationListQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('accepted'), Type.Literal('revoked'), Type.Literal('expired')])),
  query: Type.Optional(Type.String({ maxLength: 320 })),
  order_by: Type.String({ default: '-created_at', pattern: `^[+-]?(${INVITATION_ORDER_FIELDS.join('|')})$` }),
  paginated: Type.Optional(Type.Boolean()),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 10 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export type InvitationListInput = Static<typeof InvitationListQuery>;

export const InvitationSchema = Type.Object({
  object: Type.Literal('invitation'),
  id: Type.String(),
  email_address: Type.String(),
  public_metadata: JsonObjectSchema,
  revoked: Type.Boolean(),
  status: Type.String(),
  url: Nullable(Type.String()),
  expires_at: Nullable(Type.Integer()),
  created_at: Type.Integer(),
  updated_at: Type.Integer(),
});
