import { sql, type Kysely } from 'kysely';

// The Frontend API (src/frontend/): browsers and native apps hold a client; sign-in and sign-up attempts
// live on it until they complete, and the sessions they create belong to it.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A client is identified by a random token (the `__client` cookie, a native app's Authorization
  // header, or a development browser's `__clerk_db_jwt`); only its SHA-256 is stored. Clients that the
  // Backend API made for POST /v1/sessions have none.
  await sql`
    alter table clients
      add column token_hash text,
      add column last_active_session_id text`.execute(db);
  await sql`create unique index clients_token_hash_key on clients (token_hash) where token_hash is not null`.execute(db);

  // When the second factor was verified (the second number of `fva` / factor_verification_age), and the
  // request that created the session (what /v1/me/sessions/active shows as its latest activity).
  await sql`
    alter table sessions
      add column second_factor_verified_at bigint,
      add column client_ip text,
      add column user_agent text`.execute(db);

  // A TOTP secret being enrolled through POST /v1/me/totp: it becomes the user's totp_secret only once
  // a code from it is verified. Sealed like totp_secret.
  await sql`alter table users add column totp_pending_secret text`.execute(db);

  // first_factor / second_factor: the verification as Clerk shows it ({strategy, status, attempts,
  // expire_at, …}); one-time codes themselves live in verification_codes, sealed.
  await sql`
    create table sign_ins (
      id text primary key,
      client_id text not null references clients (id) on delete cascade,
      status text not null,
      identifier text,
      user_id text references users (id) on delete cascade,
      first_factor jsonb,
      second_factor jsonb,
      created_session_id text,
      abandon_at bigint not null,
      created_at bigint not null,
      updated_at bigint not null
    )`.execute(db);
  await sql`create index sign_ins_client_id_idx on sign_ins (client_id, created_at)`.execute(db);

  // The password is hashed when it is given (policy checked then), so the plain text is never stored;
  // the user is created from these fields through the same service as POST /v1/users.
  await sql`
    create table sign_ups (
      id text primary key,
      client_id text not null references clients (id) on delete cascade,
      status text not null,
      email_address text,
      phone_number text,
      username text,
      first_name text,
      last_name text,
      password_digest text,
      password_hasher text,
      unsafe_metadata jsonb not null default '{}',
      legal_accepted_at bigint,
      email_verification jsonb,
      created_user_id text,
      created_session_id text,
      abandon_at bigint not null,
      created_at bigint not null,
      updated_at bigint not null
    )`.execute(db);
  await sql`create index sign_ups_client_id_idx on sign_ups (client_id, created_at)`.execute(db);
}
