import { sql, type Kysely } from 'kysely';

// Timestamps are bigint Unix milliseconds, as Clerk's JSON has them. Identifiers are unique without
// regard to case through unique indexes on lower(...), so concurrent requests cannot both win.
// Substring search (`query`, `*_query`) goes through pg_trgm GIN indexes, not sequential scans.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);

  await sql`
    create table instance_settings (
      key text primary key,
      value jsonb not null
    )`.execute(db);

  await sql`
    create table secret_keys (
      id text primary key,
      key_hash text not null unique,
      created_at bigint not null,
      revoked_at bigint
    )`.execute(db);

  await sql`
    create table users (
      id text primary key,
      external_id text,
      username text,
      first_name text,
      last_name text,
      password_digest text,
      password_hasher text,
      totp_secret text,
      backup_codes jsonb,
      public_metadata jsonb not null default '{}',
      private_metadata jsonb not null default '{}',
      unsafe_metadata jsonb not null default '{}',
      primary_email_address_id text,
      primary_phone_number_id text,
      primary_web3_wallet_id text,
      profile_image_id text,
      banned boolean not null default false,
      locked_at bigint,
      lockout_expires_at bigint,
      failed_verification_attempts integer not null default 0,
      delete_self_enabled boolean not null default true,
      create_organization_enabled boolean not null default true,
      create_organizations_limit integer,
      legal_accepted_at bigint,
      last_sign_in_at bigint,
      last_active_at bigint,
      mfa_enabled_at bigint,
      mfa_disabled_at bigint,
      created_at bigint not null,
      updated_at bigint not null
    )`.execute(db);
  await sql`create unique index users_external_id_key on users (external_id)`.execute(db);
  await sql`create unique index users_username_key on users (lower(username))`.execute(db);
  await sql`create index users_created_at_idx on users (created_at, id)`.execute(db);
  await sql`create index users_updated_at_idx on users (updated_at, id)`.execute(db);
  await sql`create index users_last_active_at_idx on users (last_active_at, id)`.execute(db);
  await sql`create index users_last_sign_in_at_idx on users (last_sign_in_at, id)`.execute(db);
  await sql`create index users_first_name_idx on users (first_name, id)`.execute(db);
  await sql`create index users_last_name_idx on users (last_name, id)`.execute(db);
  await sql`create index users_username_order_idx on users (username, id)`.execute(db);
  await sql`create index users_id_trgm on users using gin (lower(id) gin_trgm_ops)`.execute(db);
  await sql`create index users_username_trgm on users using gin (lower(username) gin_trgm_ops)`.execute(db);
  await sql`
    create index users_name_trgm on users
    using gin (lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) gin_trgm_ops)`.execute(db);

  await sql`
    create table email_addresses (
      id text primary key,
      user_id text not null references users (id) on delete cascade,
      email_address text not null,
      verified boolean not null,
      reserved boolean not null default false,
      created_at bigint not null,
      updated_at bigint not null
    )`.execute(db);
  await sql`create unique index email_addresses_email_key on email_addresses (lower(email_address))`.execute(db);
  await sql`create index email_addresses_user_id_idx on email_addresses (user_id)`.execute(db);
  await sql`create index email_addresses_trgm on email_addresses using gin (lower(email_address) gin_trgm_ops)`.execute(db);

  await sql`
    create table phone_numbers (
      id text primary key,
      user_id text not null references users (id) on delete cascade,
      phone_number text not null,
      verified boolean not null,
      reserved boolean not null default false,
      reserved_for_second_factor boolean not null default false,
      default_second_factor boolean not null default false,
      created_at bigint not null,
      updated_at bigint not null
    )`.execute(db);
  await sql`create unique index phone_numbers_phone_key on phone_numbers (phone_number)`.execute(db);
  await sql`create index phone_numbers_user_id_idx on phone_numbers (user_id)`.execute(db);
  await sql`create index phone_numbers_trgm on phone_numbers using gin (phone_number gin_trgm_ops)`.execute(db);

  await sql`
    create table web3_wallets (
      id text primary key,
      user_id text not null references users (id) on delete cascade,
      web3_wallet text not null,
      verified boolean not null,
      created_at bigint not null,
      updated_at bigint not null
    )`.execute(db);
  await sql`create unique index web3_wallets_wallet_key on web3_wallets (lower(web3_wallet))`.execute(db);
  await sql`create index web3_wallets_user_id_idx on web3_wallets (user_id)`.execute(db);
  await sql`create index web3_wallets_trgm on web3_wallets using gin (lower(web3_wallet) gin_trgm_ops)`.execute(db);

  // Notifications Gatehouse owes a user (e.g. notify_primary_email_address_changed); a later
  // notifications feature delivers them.
  await sql`
    create table pending_notifications (
      id text primary key,
      user_id text not null references users (id) on delete cascade,
      kind text not null,
      payload jsonb not null,
      created_at bigint not null
    )`.execute(db);
}
