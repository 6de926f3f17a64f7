import { Type, type Static } from '@sinclair/typebox';
import { JsonObjectSchema, Nullable } from '../../http/schemas.js';
import { OrganizationSchema } from '../schemas.js';

// Request and response shapes of the Organization Memberships tag (clerk-bapi-2025-03-12.yml).

export const MembershipParams = Type.Object({ organization_id: Type.String({ maxLength: 128 }), user_id: Type.String({ maxLength: 128 }) });

export const CreateMembershipBody = Type.Object(
  { user_id: Type.String({ maxLength: 128 }), role: Type.String({ maxLength: 128 }) },
  { additionalProperties: false },
);

export const UpdateMembershipBody = Type.Object({ role: Type.String({ maxLength: 128 }) }, { additionalProperties: false });

const NullableMetadata = Nullable(JsonObjectSchema);
export const MembershipMetadataBody = Type.Object(
  { public_metadata: Type.Optional(NullableMetadata), private_metadata: Type.Optional(NullableMetadata) },
  { additionalProperties: false },
);

export const MEMBERSHIP_ORDER_FIELDS = ['created_at', 'email_address', 'phone_number', 'first_name', 'last_name', 'username'] as const;
const OrderBy = Type.String({ default: '-created_at', pattern: `^[+-]?(${MEMBERSHIP_ORDER_FIELDS.join('|')})$` });
const Limit = Type.Integer({ minimum: 1, maximum: 500, default: 10 });
const Offset = Type.Integer({ minimum: 0, default: 0 });
const StringList = Type.Array(Type.String({ maxLength: 320 }), { maxItems: 100 });
const Millis = Type.Integer({ minimum: 0 });
const Term = Type.String({ maxLength: 256 });

/** GET /v1/organizations/{id}/memberships: the members' user filters (as GET /v1/users has them) and roles. */
export const MembershipListQuery = Type.Object({
  order_by: OrderBy,
  user_id: Type.Optional(StringList),
  email_address: Type.Optional(StringList),
  phone_number: Type.Optional(StringList),
  username: Type.Optional(StringList),
  web3_wallet: Type.Optional(StringList),
  role: Type.Optional(StringList),
  query: Type.Optional(Term),
  email_address_query: Type.Optional(Term),
  phone_number_query: Type.Optional(Term),
  username_query: Type.Optional(Term),
  name_query: Type.Optional(Term),
  last_active_at_before: Type.Optional(Millis),
  last_active_at_after: Type.Optional(Millis),
  created_at_before: Type.Optional(Millis),
  created_at_after: Type.Optional(Millis),
  limit: Limit,
  offset: Offset,
});
export type MembershipListInput = Static<typeof MembershipListQuery>;

/** GET /v1/organization_memberships. */
export const InstanceMembershipListQuery = Type.Object({ order_by: OrderBy, limit: Limit, offset: Offset });

/** GET /v1/users/{user_id}/organization_memberships. */
export const PageQuery = Type.Object({ limit: Limit, offset: Offset });

export const PublicUserDataSchema = Type.Object({
  user_id: Type.String(),
  first_name: Nullable(Type.String()),
  last_name: Nullable(Type.String()),
  profile_image_url: Nullable(Type.String()),
  image_url: Type.String(),
  has_image: Type.Boolean(),
  identifier: Nullable(Type.String()),
});

export const MembershipSchema = Type.Object({
  object: Type.Literal('organization_membership'),
  id: Type.String(),
  role: Type.String(),
  role_name: Type.String(),
  permissions: Type.Array(Type.String()),
  public_metadata: JsonObjectSchema,
  private_metadata: JsonObjectSchema,
  organization: OrganizationSchema,
  public_user_data: PublicUserDataSchema,
  created_at: Type.Integer(),
  updated_at: Type.Integer(),
});

export const MembershipListSchema = Type.Object({ data: Type.Array(MembershipSchema), total_count: Type.Integer() });
