import { Type, type Static } from '@sinclair/typebox';
import { JsonObjectSchema, Nullable, Rfc3339 } from '../http/schemas.js';

// Request and response shapes of /v1/organizations (clerk-bapi-2025-03-12.yml, Organizations tag). Bodies
// reject unknown parameters (form_param_unknown), as Clerk does.

export const OrganizationIdParams = Type.Object({ organization_id: Type.String({ maxLength: 128 }) });
export type OrganizationIdInput = Static<typeof OrganizationIdParams>;

const Name = Type.String({ maxLength: 256 });
// Clerk: "lowercase alphanumeric characters and the dash"; checked in the service for Clerk's error.
const Slug = Type.String({ maxLength: 256 });
const MaxMemberships = Type.Integer({ minimum: 0, maximum: 1_000_000 });
const NullableMetadata = Nullable(JsonObjectSchema);

export const CreateOrganizationBody = Type.Object(
  {
    name: Name,
    created_by: Type.Optional(Nullable(Type.String({ maxLength: 128 }))),
    private_metadata: Type.Optional(NullableMetadata),
    public_metadata: Type.Optional(NullableMetadata),
    slug: Type.Optional(Nullable(Slug)),
    max_allowed_memberships: Type.Optional(Nullable(MaxMemberships)),
    created_at: Type.Optional(Nullable(Rfc3339)),
  },
  { additionalProperties: false },
);
export type CreateOrganizationInput = Static<typeof CreateOrganizationBody>;

export const UpdateOrganizationBody = Type.Object(
  {
    public_metadata: Type.Optional(NullableMetadata),
    private_metadata: Type.Optional(NullableMetadata),
    name: Type.Optional(Nullable(Name)),
    slug: Type.Optional(Nullable(Slug)),
    max_allowed_memberships: Type.Optional(Nullable(MaxMemberships)),
    admin_delete_enabled: Type.Optional(Nullable(Type.Boolean())),
    created_at: Type.Optional(Nullable(Rfc3339)),
  },
  { additionalProperties: false },
);
export type UpdateOrganizationInput = Static<typeof UpdateOrganizationBody>;

export const OrganizationMetadataBody = Type.Object(
  { public_metadata: Type.Optional(NullableMetadata), private_metadata: Type.Optional(NullableMetadata) },
  { additionalProperties: false },
);
export type OrganizationMetadataInput = Static<typeof OrganizationMetadataBody>;

const IdList = Type.Array(Type.String({ maxLength: 128 }), { maxItems: 100 });

export const ORGANIZATION_ORDER_FIELDS = ['created_at', 'name', 'members_count'] as const;

export const OrganizationListQuery = Type.Object({
  include_members_count: Type.Optional(Type.Boolean()),
  include_missing_member_with_elevated_permissions: Type.Optional(Type.Boolean()),
  query: Type.Optional(Type.String({ maxLength: 256 })),
  user_id: Type.Optional(IdList),
  organization_id: Type.Optional(IdList),
  order_by: Type.String({ default: '-created_at', pattern: `^[+-]?(${ORGANIZATION_ORDER_FIELDS.join('|')})$` }),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 10 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export type OrganizationListInput = Static<typeof OrganizationListQuery>;

export const OrganizationGetQuery = Type.Object({
  include_members_count: Type.Optional(Type.Boolean()),
  include_missing_member_with_elevated_permissions: Type.Optional(Type.Boolean()),
});

const Timestamp = Type.Integer();

/** Clerk's Organization; the counts appear only when asked for. */
export const OrganizationSchema = Type.Object({
  object: Type.Literal('organization'),
  id: Type.String(),
  name: Type.String(),
  slug: Type.String(),
  image_url: Type.String(),
  has_image: Type.Boolean(),
  max_allowed_memberships: Type.Integer(),
  admin_delete_enabled: Type.Boolean(),
  public_metadata: JsonObjectSchema,
  private_metadata: JsonObjectSchema,
  created_by: Type.String(),
  created_at: Timestamp,
  updated_at: Timestamp,
  members_count: Type.Optional(Type.Integer()),
  pending_invitations_count: Type.Optional(Type.Integer()),
  missing_member_with_elevated_permissions: Type.Optional(Type.Boolean()),
  logo_url: Type.Optional(Nullable(Type.String())),
});

export const OrganizationListSchema = Type.Object({ data: Type.Array(OrganizationSchema), total_count: Type.Integer() });

export const DeletedOrganizationSchema = Type.Object({
  object: Type.String(),
  id: Type.String(),
  slug: Type.String(),
  deleted: Type.Boolean(),
});

/** `public_organization_data` of invitations and domains. */
export const PublicOrganizationDataSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  slug: Type.String(),
  image_url: Type.String(),
  has_image: Type.Boolean(),
});
