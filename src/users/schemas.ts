import { Type, type Static } from '@sinclair/typebox';
import { EmailAddressSchema, PhoneNumberSchema, Web3WalletSchema } from '../identifications/schemas.js';
import { JsonObjectSchema, Nullable, Rfc3339 } from '../http/schemas.js';

// Request and response shapes of /v1/users, from clerk-bapi-2025-03-12.yml. Bodies reject unknown
// parameters (form_param_unknown), as Clerk does.

const Name = Type.String({ maxLength: 256 });
const Identifier = Type.String({ maxLength: 320 });
const IdentifierList = Type.Array(Identifier, { maxItems: 100 });
const Secret = Type.String({ maxLength: 4096 });
const NullableMetadata = Nullable(JsonObjectSchema);

export const UserIdParams = Type.Object({ user_id: Type.String({ maxLength: 128 }) });

export const CreateUserBody = Type.Object(
  {
    external_id: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
    first_name: Type.Optional(Nullable(Name)),
    last_name: Type.Optional(Nullable(Name)),
    email_address: Type.Optional(IdentifierList),
    phone_number: Type.Optional(IdentifierList),
    web3_wallet: Type.Optional(IdentifierList),
    username: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
    password: Type.Optional(Nullable(Secret)),
    password_digest: Type.Optional(Nullable(Secret)),
    password_hasher: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    skip_password_checks: Type.Optional(Nullable(Type.Boolean())),
    skip_password_requirement: Type.Optional(Nullable(Type.Boolean())),
    totp_secret: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
    backup_codes: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 100 })),
    public_metadata: Type.Optional(JsonObjectSchema),
    private_metadata: Type.Optional(JsonObjectSchema),
    unsafe_metadata: Type.Optional(JsonObjectSchema),
    delete_self_enabled: Type.Optional(Nullable(Type.Boolean())),
    legal_accepted_at: Type.Optional(Nullable(Rfc3339)),
    skip_legal_checks: Type.Optional(Nullable(Type.Boolean())),
    create_organization_enabled: Type.Optional(Nullable(Type.Boolean())),
    create_organizations_limit: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000 }))),
    created_at: Type.Optional(Nullable(Rfc3339)),
  },
  { additionalProperties: false },
);
export type CreateUserInput = Static<typeof CreateUserBody>;

/** Exactly the fields of Clerk's UpdateUser request body (BAPI 2025-03-12). */
export const UpdateUserBody = Type.Object(
  {
    external_id: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
    first_name: Type.Optional(Nullable(Name)),
    last_name: Type.Optional(Nullable(Name)),
    primary_email_address_id: Type.Optional(Nullable(Type.String({ maxLength: 128 }))),
    notify_primary_email_address_changed: Type.Optional(Nullable(Type.Boolean())),
    primary_phone_number_id: Type.Optional(Nullable(Type.String({ maxLength: 128 }))),
    primary_web3_wallet_id: Type.Optional(Nullable(Type.String({ maxLength: 128 }))),
    username: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
    profile_image_id: Type.Optional(Nullable(Type.String({ maxLength: 128 }))),
    password: Type.Optional(Nullable(Secret)),
    password_digest: Type.Optional(Nullable(Secret)),
    password_hasher: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    skip_password_checks: Type.Optional(Nullable(Type.Boolean())),
    sign_out_of_other_sessions: Type.Optional(Nullable(Type.Boolean())),
    totp_secret: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
    backup_codes: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 100 })),
    public_metadata: Type.Optional(NullableMetadata),
    private_metadata: Type.Optional(NullableMetadata),
    unsafe_metadata: Type.Optional(NullableMetadata),
    delete_self_enabled: Type.Optional(Nullable(Type.Boolean())),
    create_organization_enabled: Type.Optional(Nullable(Type.Boolean())),
    legal_accepted_at: Type.Optional(Nullable(Rfc3339)),
    skip_legal_checks: Type.Optional(Nullable(Type.Boolean())),
    create_organizations_limit: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000 }))),
    created_at: Type.Optional(Nullable(Rfc3339)),
  },
  { additionalProperties: false },
);
export type UpdateUserInput = Static<typeof UpdateUserBody>;

export const MetadataBody = Type.Object(
  {
    public_metadata: Type.Optional(NullableMetadata),
    private_metadata: Type.Optional(NullableMetadata),
    unsafe_metadata: Type.Optional(NullableMetadata),
  },
  { additionalProperties: false },
);
export type MetadataInput = Static<typeof MetadataBody>;

const StringList = Type.Array(Type.String({ maxLength: 320 }), { maxItems: 100 });
const Millis = Type.Integer({ minimum: 0 });

export const UserFilterQuery = Type.Object({
  email_address: Type.Optional(StringList),
  phone_number: Type.Optional(StringList),
  external_id: Type.Optional(StringList),
  username: Type.Optional(StringList),
  web3_wallet: Type.Optional(StringList),
  user_id: Type.Optional(StringList),
  organization_id: Type.Optional(StringList),
  query: Type.Optional(Type.String({ maxLength: 256 })),
  email_address_query: Type.Optional(Type.String({ maxLength: 256 })),
  phone_number_query: Type.Optional(Type.String({ maxLength: 256 })),
  username_query: Type.Optional(Type.String({ maxLength: 256 })),
  name_query: Type.Optional(Type.String({ maxLength: 256 })),
  banned: Type.Optional(Type.Boolean()),
  last_active_at_before: Type.Optional(Millis),
  last_active_at_after: Type.Optional(Millis),
  last_active_at_since: Type.Optional(Millis),
  created_at_before: Type.Optional(Millis),
  created_at_after: Type.Optional(Millis),
});
export type UserFilterInput = Static<typeof UserFilterQuery>;

export const ORDER_FIELDS = [
  'created_at',
  'updated_at',
  'email_address',
  'web3wallet',
  'first_name',
  'last_name',
  'phone_number',
  'username',
  'last_active_at',
  'last_sign_in_at',
] as const;

export const UserListQuery = Type.Composite([
  UserFilterQuery,
  Type.Object({
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 10 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
    order_by: Type.String({ default: '-created_at', pattern: `^[+-]?(${ORDER_FIELDS.join('|')})$` }),
  }),
]);
export type UserListInput = Static<typeof UserListQuery>;

const Timestamp = Type.Integer();
export const UserSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal('user'),
  username: Nullable(Type.String()),
  first_name: Nullable(Type.String()),
  last_name: Nullable(Type.String()),
  image_url: Type.String(),
  has_image: Type.Boolean(),
  primary_email_address_id: Nullable(Type.String()),
  primary_phone_number_id: Nullable(Type.String()),
  primary_web3_wallet_id: Nullable(Type.String()),
  password_enabled: Type.Boolean(),
  two_factor_enabled: Type.Boolean(),
  totp_enabled: Type.Boolean(),
  backup_code_enabled: Type.Boolean(),
  email_addresses: Type.Array(EmailAddressSchema),
  phone_numbers: Type.Array(PhoneNumberSchema),
  web3_wallets: Type.Array(Web3WalletSchema),
  passkeys: Type.Array(Type.Object({}, { additionalProperties: true })),
  external_accounts: Type.Array(Type.Object({}, { additionalProperties: true })),
  saml_accounts: Type.Array(Type.Object({}, { additionalProperties: true })),
  enterprise_accounts: Type.Array(Type.Object({}, { additionalProperties: true })),
  public_metadata: JsonObjectSchema,
  private_metadata: JsonObjectSchema,
  unsafe_metadata: JsonObjectSchema,
  external_id: Nullable(Type.String()),
  last_sign_in_at: Nullable(Timestamp),
  banned: Type.Boolean(),
  locked: Type.Boolean(),
  lockout_expires_in_seconds: Nullable(Type.Integer()),
  verification_attempts_remaining: Nullable(Type.Integer()),
  created_at: Timestamp,
  updated_at: Timestamp,
  delete_self_enabled: Type.Boolean(),
  create_organization_enabled: Type.Boolean(),
  create_organizations_limit: Nullable(Type.Integer()),
  last_active_at: Nullable(Timestamp),
  mfa_enabled_at: Nullable(Timestamp),
  mfa_disabled_at: Nullable(Timestamp),
  legal_accepted_at: Nullable(Timestamp),
  profile_image_url: Type.String(),
});
