import { Type, type Static } from '@sinclair/typebox';
import { JsonObjectSchema, Nullable } from '../../http/schemas.js';
import { PublicOrganizationDataSchema } from '../schemas.js';

// Request and response shapes of the Organization Invitations tag (clerk-bapi-2025-03-12.yml).

export const InvitationParams = Type.Object({
  organization_id: Type.String({ maxLength: 128 }),
  invitation_id: Type.String({ maxLength: 128 }),
});

const NullableMetadata = Nullable(JsonObjectSchema);

export const CreateInvitationBody = Type.Object(
  {
    email_address: Type.String({ maxLength: 320 }),
    inviter_user_id: Type.Optional(Nullable(Type.String({ maxLength: 128 }))),
    role: Type.String({ maxLength: 128 }),
    public_metadata: Type.Optional(NullableMetadata),
    private_metadata: Type.Optional(NullableMetadata),
    redirect_url: Type.Optional(Nullable(Type.String({ maxLength: 2048 }))),
    expires_in_days: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 365 }))),
  },
  { additionalProperties: false },
);
export type CreateInvitationInput = Static<typeof CreateInvitationBody>;

/** Bulk: up to 100 invitations in one request (all or none are created). */
export const BulkInvitationBody = Type.Array(CreateInvitationBody, { minItems: 1, maxItems: 100 });

export const RevokeInvitationBody = Type.Object(
  { requesting_user_id: Type.Optional(Nullable(Type.String({ maxLength: 128 }))) },
  { additionalProperties: false },
);

export const InvitationStatus = Type.Union([Type.Literal('pending'), Type.Literal('accepted'), Type.Literal('revoked'), Type.Literal('expired')]);
const Limit = Type.Integer({ minimum: 1, maximum: 500, default: 10 });
const Offset = Type.Integer({ minimum: 0, default: 0 });

export const InvitationListQuery = Type.Object({ status: Type.Optional(InvitationStatus), limit: Limit, offset: Offset });
export type InvitationListInput = Static<typeof InvitationListQuery>;

export const PendingListQuery = Type.Object({ limit: Limit, offset: Offset });

export const InstanceInvitationListQuery = Type.Object({
  order_by: Type.String({ default: '-created_at', pattern: '^[+-]?(created_at|email_address)$' }),
  status: Type.Optional(InvitationStatus),
  query: Type.Optional(Type.String({ maxLength: 320 })),
  limit: Limit,
  offset: Offset,
});
export type InstanceInvitationListInput = Static<typeof InstanceInvitationListQuery>;

export const OrganizationInvitationSchema = Type.Object({
  object: Type.Literal('organization_invitation'),
  id: Type.String(),
  email_address: Type.String(),
  role: Type.String(),
  role_name: Type.String(),
  organization_id: Type.String(),
  status: Type.String(),
  public_metadata: JsonObjectSchema,
  private_metadata: JsonObjectSchema,
  url: Nullable(Type.String()),
  expires_at: Nullable(Type.Integer()),
  created_at: Type.Integer(),
  updated_at: Type.Integer(),
  public_organization_data: Type.Optional(PublicOrganizationDataSchema),
});

export const InvitationListSchema = Type.Object({ data: Type.Array(OrganizationInvitationSchema), total_count: Type.Integer() });
