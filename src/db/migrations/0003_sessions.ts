import { sql, type Kysely } from 'kysely';

// Sessions, the clients they belong to, and the instance's JWT signing keys.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table clients (
      id text primary key,
      created_at bigint not null,
      updated_at bigint not null
    )`.execute(db);

  // Deleting a user removes its sessions (Clerk: the user's sessions go with it).
  await sql`
    create table sessions (
      id text primary key,
      user_id text not null references users (id) on delete cascade,
      client_id text not null references clients (id) on delete cascade,
      status text not null,
      last_active_at bigint not null,
      expire_at bigint not null,
      abandon_at bigint not null,
      created_at bigint not null,
      updated_at bigint not null
    )`.execute(db);
  await sql`create index sessions_user_id_idx on sessions (user_id, created_at)`.execute(db);
  await sql`create index sessions_client_id_idx on sessions (client_id, created_at)`.execute(db);
  await sql`create index sessions_active_idx on sessions (user_id) where status = 'active'`.execute(db);

  // RSA keys that sign session tokens. A retired key signs no more, but stays in the JWKS until the
  // last token it signed (max_token_expires_at) has expired.
  await sql`
    create table signing_keys (
      id text primary key,
      algorithm text not null,
      public_key_pem text not null,
      private_key_sealed text not null,
      max_token_expires_at bigint,
      created_at bigint not null,
      retired_at bigint
    )`.execute(db);
}
