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
  created_at: number;
  revoked_at: number | null;
}

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

/** The webhook outbox (migration 0006): one row per event, its payload the whole webhook body. */
export interface EventsTable {
  id: string;
  type: string;
  payload: JsonColumn<JsonObject>;
  created_at: number;
}

export interface Database {
  events: EventsTable;
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
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type UserPatch = Updateable<UsersTable>;
export type EmailAddressRow = Selectable<EmailAddressesTable>;
export type PhoneNumberRow = Selectable<PhoneNumbersTable>;
export type Web3WalletRow = Selectable<Web3WalletsTable>;
export type SessionRow = Selectable<SessionsTable>;
export type SigningKeyRow = Selectable<SigningKeysTable>;
export type ClientRow = Selectable<ClientsTable>;
export type SignInRow = Selectable<SignInsTable>;
export type SignUpRow = Selectable<SignUpsTable>;
