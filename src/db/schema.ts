import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** JSON stored in jsonb columns: written as a string, read back parsed. */
export type JsonColumn<T> = ColumnType<T, string, string>;
export type JsonObject = Record<string, unknown>;

export interface InstanceSettingsTable {
  key: string;
  value: JsonColumn<unknown>;
}

export interface SecretKeysTable {
  id: string;
  /** SHA-256 of the key, hex. The key itself is never stored. */
  key_hash: string;
  /** Where the key came from (migration 0010): GATEHOUSE_SECRET_KEY, `gatehouse keys create`, or the development key. */
  source: SecretKeySource;
  name: string | null;
  /** The key's last four characters, for `gatehouse keys list`. */
  last4: string | null;
  created_at: number;
  revoked_at: number | null;
}

export type SecretKeySource = 'env' | 'cli' | 'dev';

export interface UsersTable {
  id: string;
  external_id: string | null;
  username: string | null;
  first_name: string | null;
  last_name: string | null;
  password_digest: string | null;
  password_hasher: string | null;
  /** Sealed with the instance's encryption key (lib/secret-box). */
  totp_secret: string | null;
  /** bcrypt digests of the unused backup codes. */
  backup_codes: JsonColumn<string[]> | null;
  /** The TOTP time step last verified; codes from it or earlier are replays. */
  totp_last_used_step: number | null;
  public_metadata: JsonColumn<JsonObject>;
  private_metadata: JsonColumn<JsonObject>;
  unsafe_metadata: JsonColumn<JsonObject>;
  primary_email_address_id: string | null;
  primary_phone_number_id: string | null;
  primary_web3_wallet_id: string | null;
  /**
   * Sort keys of the primary identifications (lower(email), phone, lower(wallet)) for order_by; a trigger
   * keeps them in step with the three ids above (migration 0005). Only a bulk load that inserts
   * users with primary ids before their identifications exist must set them itself.
   */
  primary_email_address_sort: Generated<string | null>;
  primary_phone_number_sort: Generated<string | null>;
  primary_web3_wallet_sort: Generated<string | null>;
  profile_image_id: string | null;
  banned: Generated<boolean>;
  locked_at: number | null;
  lockout_expires_at: number | null;
  failed_verification_attempts: Generated<number>;
  delete_self_enabled: Generated<boolean>;
  create_organization_enabled: Generated<boolean>;
  create_organizations_limit: number | null;
  legal_accepted_at: number | null;
  last_sign_in_at: number | null;
  last_active_at: number | null;
  mfa_enabled_at: number | null;
  mfa_disabled_at: number | null;
  /** A TOTP secret being enrolled through the Frontend API (POST /v1/me/totp), sealed; migration 0018. */
  totp_pending_secret: Generated<string | null>;
  created_at: number;
  updated_at: number;
}

export interface EmailAddressesTable {
  id: string;
  user_id: string;
  email_address: string;
  verified: boolean;
  reserved: Generated<boolean>;
  created_at: number;
  updated_at: number;
}

export interface PhoneNumbersTable {
  id: string;
  user_id: string;
  phone_number: string;
  verified: boolean;
  reserved: Generated<boolean>;
  reserved_for_second_factor: Generated<boolean>;
  default_second_factor: Generated<boolean>;
  created_at: number;
  updated_at: number;
}

export interface Web3WalletsTable {
  id: string;
  user_id: string;
  web3_wallet: string;
  verified: boolean;
  created_at: number;
  updated_at: number;
}

/** Emails waiting for SMTP (migration 0007, src/email/). Sent ones are deleted. */
export interface EmailOutboxTable {
  /** `ema_…`: the id of the email.created event's Email object. */
  id: string;
  from_address: string;
  to_address: string;
  subject: string;
  body_plain: string;
  body_html: string;
  status: 'queued' | 'failed';
  attempts: Generated<number>;
  next_attempt_at: number;
  /** Set while a worker sends it: another worker leaves it alone until then (a crash lets it go). */
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
}

export type SessionStatus = 'active' | 'revoked' | 'ended' | 'expired' | 'removed' | 'abandoned' | 'replaced' | 'pending';

export interface ClientsTable {
  id: string;
  /** SHA-256 (hex) of the token that identifies the client to the Frontend API; null for Backend API clients. */
  token_hash: Generated<string | null>;
  last_active_session_id: Generated<string | null>;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  client_id: string;
  /** As stored; an active session past expire_at or abandon_at reads as expired or abandoned. */
  status: SessionStatus;
  /** The organization the session has active (migration 0025); its tokens carry it while the user is a member. */
  last_active_organization_id: Generated<string | null>;
  last_active_at: number;
  expire_at: number;
  abandon_at: number;
  /** When a second factor was verified for this session (migration 0018); null: none was. */
  second_factor_verified_at: Generated<number | null>;
  /** The request that created the session (Frontend API sign-ins); shown as its latest activity. */
  client_ip: Generated<string | null>;
  user_agent: Generated<string | null>;
  created_at: number;
  updated_at: number;
}

/** A one-time code (migration 0019): `key` names what it verifies. */
export interface VerificationCodesTable {
  key: string;
  code_sealed: string;
  attempts: Generated<number>;
  expire_at: number;
  created_at: number;
}

/** A verification as the Frontend API shows it, stored on the attempt it belongs to. Do not rename: wire names. */
export interface VerificationState {
  strategy: string;
  status: 'unverified' | 'verified' | 'failed' | 'expired';
  attempts: number | null;
  expire_at: number | null;
  /** email_code / reset_password_email_code: the address the code went to. */
  email_address_id?: string;
}

export interface SignInsTable {
  id: string;
  client_id: string;
  status: 'needs_identifier' | 'needs_first_factor' | 'needs_second_factor' | 'needs_new_password' | 'complete' | 'abandoned';
  identifier: string | null;
  user_id: string | null;
  first_factor: JsonColumn<VerificationState> | null;
  second_factor: JsonColumn<VerificationState> | null;
  created_session_id: string | null;
  abandon_at: number;
  created_at: number;
  updated_at: number;
}

export interface SignUpsTable {
  id: string;
  client_id: string;
  status: 'missing_requirements' | 'complete' | 'abandoned';
  email_address: string | null;
  phone_number: string | null;
  username: string | null;
  first_name: string | null;
  last_name: string | null;
  password_digest: string | null;
  password_hasher: string | null;
  unsafe_metadata: JsonColumn<JsonObject>;
  legal_accepted_at: number | null;
  email_verification: JsonColumn<VerificationState> | null;
  /** SHA-256 of the invitation ticket the sign-up started with (migration 0027); null without one. */
  ticket_hash: Generated<string | null>;
  created_user_id: string | null;
  created_session_id: string | null;
  abandon_at: number;
  created_at: number;
  updated_at: number;
}

/** A fixed-window counter of one rate-limit rule for one IP (migration 0020). */
export interface RateLimitsTable {
  key: string;
  window_start: number;
  hits: number;
}

export interface SigningKeysTable {
  /** The JWT `kid`. */
  id: string;
  algorithm: 'RS256';
  public_key_pem: string;
  /** PKCS#8 PEM sealed with the instance's encryption key. */
  private_key_sealed: string;
  max_token_expires_at: number | null;
  created_at: number;
  retired_at: number | null;
}

/** The webhook outbox (migrations 0006, 0008): one row per event, its payload the whole webhook body. */
export interface EventsTable {
  id: string;
  type: string;
  /** json, not jsonb: the body is sent byte for byte as recorded. */
  payload: JsonColumn<JsonObject>;
  created_at: number;
  /** When the event was fanned out to the endpoints (null: not yet). */
  dispatched_at: Generated<number | null>;
}

/** A rotated signing secret that still signs until `expires_at` (ms). */
export interface OldSecret {
  sealed: string;
  expires_at: number;
}

/** Webhook endpoints (migration 0008), managed through the Svix-compatible API. */
export interface WebhookEndpointsTable {
  /** `ep_…` */
  id: string;
  uid: string | null;
  url: string;
  description: string;
  /** Svix's eventTypes (filterTypes): null = every event type. */
  event_types: JsonColumn<string[]> | null;
  channels: JsonColumn<string[]> | null;
  throttle_rate: number | null;
  disabled: boolean;
  metadata: JsonColumn<Record<string, string>>;
  /** The whsec_ secret, sealed (lib/secret-box). */
  secret_sealed: string;
  old_secrets: JsonColumn<OldSecret[]>;
  failing_since: number | null;
  created_at: number;
  updated_at: number;
}

/** Svix's MessageStatus values a delivery or attempt can have. Do not renumber: they are on the wire. */
export type DeliveryStatus = 0 | 1 | 2;

/** One (endpoint, event) to deliver (migration 0008). */
export interface WebhookDeliveriesTable {
  endpoint_id: string;
  event_id: string;
  event_created_at: number;
  order_key: string | null;
  status: DeliveryStatus;
  attempts: Generated<number>;
  next_attempt_at: number | null;
  locked_until: number | null;
  /** The next attempt is a resend or recovery (trigger type 1). */
  manual: Generated<boolean>;
  /** A resend asked for while an attempt was in flight: queued once that attempt is recorded. */
  resend_requested: Generated<boolean>;
  created_at: number;
  updated_at: number;
}

/** One delivery attempt (migration 0008): Svix's MessageAttemptOut. */
export interface WebhookAttemptsTable {
  /** `atmpt_…` */
  id: string;
  endpoint_id: string;
  event_id: string;
  url: string;
  status: 0 | 2;
  /** 0 when no HTTP response came back. */
  response_status_code: number;
  response: string;
  response_duration_ms: number;
  trigger_type: 0 | 1;
  error: string | null;
  created_at: number;
}

/** One row (migration 0011): a value sealed with the encryption key, to detect a start with another key. */
export interface EncryptionKeyCheckTable {
  id: Generated<number>;
  sealed: string;
  created_at: number;
}

export interface OrganizationsTable {
  id: string;
  name: string;
  slug: string;
  /** The logo (images.id), or null. */
  image_id: string | null;
  /** 0 means unlimited. */
  max_allowed_memberships: number;
  admin_delete_enabled: Generated<boolean>;
  public_metadata: JsonColumn<JsonObject>;
  private_metadata: JsonColumn<JsonObject>;
  /** The creator's user id; kept after the user is deleted, as Clerk does. */
  created_by: string | null;
  /** Kept by a trigger on organization_memberships (migration 0022). */
  members_count: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface OrganizationMembershipsTable {
  id: string;
  organization_id: string;
  user_id: string;
  role: string;
  public_metadata: JsonColumn<JsonObject>;
  private_metadata: JsonColumn<JsonObject>;
  /** When the member last made this organization active (Frontend API touch). */
  last_active_at: Generated<number | null>;
  created_at: number;
  updated_at: number;
}

/**
 * As stored; a pending invitation past expires_at reads as expired (and is stored so once a new invitation
 * to the same address replaces it).
 */
export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface OrganizationInvitationsTable {
  id: string;
  organization_id: string;
  email_address: string;
  role: string;
  status: InvitationStatus;
  inviter_user_id: string | null;
  /** The user who accepted it. */
  accepted_user_id: Generated<string | null>;
  public_metadata: JsonColumn<JsonObject>;
  private_metadata: JsonColumn<JsonObject>;
  redirect_url: string | null;
  /** The invitation link (it holds the ticket), sealed with the instance's encryption key; null without redirect_url. */
  url_sealed: string | null;
  /** SHA-256 (hex) of the ticket: what accepting looks the invitation up by. */
  ticket_hash: string;
  expires_at: number;
  created_at: number;
  updated_at: number;
}

export type EnrollmentMode = 'manual_invitation' | 'automatic_invitation' | 'automatic_suggestion';

export interface OrganizationDomainsTable {
  id: string;
  organization_id: string;
  name: string;
  enrollment_mode: EnrollmentMode;
  affiliation_email_address: string | null;
  verified: boolean;
  created_at: number;
  updated_at: number;
}

export interface InvitationsTable {
  id: string;
  email_address: string;
  public_metadata: JsonColumn<JsonObject>;
  redirect_url: string | null;
  status: InvitationStatus;
  accepted_user_id: Generated<string | null>;
  /** The invitation link, sealed; null without redirect_url. */
  url_sealed: string | null;
  ticket_hash: string;
  expires_at: number;
  created_at: number;
  updated_at: number;
}

/** An uploaded, normalised image (migration 0024): a user's profile image or an organization's logo. */
export interface ImagesTable {
  id: string;
  user_id: string | null;
  organization_id: string | null;
  content_type: string;
  width: number;
  height: number;
  byte_size: number;
  /** Hex SHA-256 of `data`: the ETag. */
  sha256: string;
  data: Buffer;
  created_at: number;
}

/** Migration 0026: appended deltas of whole-table (and per-status) row counts; db/row-counts.ts sums them. */
export interface RowCountsTable {
  name: string;
  delta: number;
}

/** Migration 0013: one search document per user for `query` (users/search/ owns it). */
export interface UserSearchTable {
  user_id: string;
  document: string;
  /** The user's created_at (migration 0031): a page in that order sorts the matches without reading users. */
  created_at: number;
}

export interface Database {
  encryption_key_check: EncryptionKeyCheckTable;
  events: EventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  clients: ClientsTable;
  sessions: SessionsTable;
  signing_keys: SigningKeysTable;
  instance_settings: InstanceSettingsTable;
  secret_keys: SecretKeysTable;
  users: UsersTable;
  email_addresses: EmailAddressesTable;
  phone_numbers: PhoneNumbersTable;
  web3_wallets: Web3WalletsTable;
  sign_ins: SignInsTable;
  sign_ups: SignUpsTable;
  verification_codes: VerificationCodesTable;
  rate_limits: RateLimitsTable;
  email_outbox: EmailOutboxTable;
  organizations: OrganizationsTable;
  organization_memberships: OrganizationMembershipsTable;
  organization_invitations: OrganizationInvitationsTable;
  organization_domains: OrganizationDomainsTable;
  invitations: InvitationsTable;
  images: ImagesTable;
  row_counts: RowCountsTable;
  user_search: UserSearchTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type UserPatch = Updateable<UsersTable>;
export type EmailAddressRow = Selectable<EmailAddressesTable>;
export type PhoneNumberRow = Selectable<PhoneNumbersTable>;
export type Web3WalletRow = Selectable<Web3WalletsTable>;
export type SessionRow = Selectable<SessionsTable>;
export type SigningKeyRow = Selectable<SigningKeysTable>;
export type SecretKeyRow = Selectable<SecretKeysTable>;
export type ClientRow = Selectable<ClientsTable>;
export type SignInRow = Selectable<SignInsTable>;
export type SignUpRow = Selectable<SignUpsTable>;
export type OrganizationRow = Selectable<OrganizationsTable>;
export type OrganizationMembershipRow = Selectable<OrganizationMembershipsTable>;
export type OrganizationInvitationRow = Selectable<OrganizationInvitationsTable>;
export type OrganizationDomainRow = Selectable<OrganizationDomainsTable>;
export type InvitationRow = Selectable<InvitationsTable>;
export type ImageRow = Selectable<ImagesTable>;
