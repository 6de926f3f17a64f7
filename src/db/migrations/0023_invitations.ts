import { sql, type Kysely } from 'kysely';

// Instance invitations (src/invitations/, /v1/invitations): an email address invited to sign up. status is
// pending, accepted or revoked; a pending invitation past expires_at reads as expired. The invitation link
// carries a ticket (a secret): the link is kept sealed, so that it can be shown again, and the ticket as a
// SHA-256 hash, so that signing up with it finds the invitation.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table invitations (
      id text primary key,
      email_address text not null,
      public_metadata jsonb not null default '{}',
      redirect_url text,
      status text not null,
      accepted_user_id text,
      url_sealed text,
      ticket_hash text not null,
      expires_at bigint not null,
      created_at bigint not null,
      updated_at bigint not null
    )`.execute(db);
  // One pending invitation per address (duplicate_record), whatever its case.
  await sql`create unique index invitations_pending_key on invitations (lower(email_address)) where status = 'pending'`.execute(db);
  await sql`create unique index invitations_ticket_key on invitations (ticket_hash)`.execute(db);
  await sql`create index invitations_created_at_idx on invitations (created_at, id)`.execute(db);
  // Lists by status (and their counts, index-only: a pending one also needs its expiry).
  await sql`create index invitations_status_idx on invitations (status, created_at, id) include (expires_at)`.execute(db);
  await sql`create index invitations_email_trgm on invitations using gin (lower(email_address) gin_trgm_ops)`.execute(db);
}
