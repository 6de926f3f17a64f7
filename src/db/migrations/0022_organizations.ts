import { sql, type Kysely } from 'kysely';

// Organizations (src/organizations/): the organizations, their memberships, their invitations and their
// verified domains. Every list the Backend API serves walks an index in its order (bench/organizations-*.ts
// checks the plans at 100,000 organizations).
export async function up(db: Kysely<unknown>): Promise<void> {
  // created_by has no foreign key: Clerk keeps it after the creator is deleted. members_count is kept by
  // a trigger (below) so that order_by=members_count walks an index like any other order.
  await sql`
    create table organizations (
      id text primary key,
      name text not null,
      slug text not null,
      image_id text,
      max_allowed_memberships integer not null,
      admin_delete_enabled boolean not null default true,
      public_metadata jsonb not null default '{}',
      private_metadata jsonb not null default '{}',
      created_by text,
      members_count integer not null default 0,
      created_at bigint not null,
      updated_at bigint not null
    )`.execute(db);
  await sql`create unique index organizations_slug_key on organizations (slug)`.execute(db);
  await sql`create index organizations_created_at_idx on organizations (created_at, id)`.execute(db);
  await sql`create index organizations_name_idx on organizations (name, id)`.execute(db);
  await sql`create index organizations_members_count_idx on organizations (members_count, id)`.execute(db);
  // create_organizations_limit counts a user's organizations.
  await sql`create index organizations_created_by_idx on organizations (created_by)`.execute(db);
  // `query` matches part of the name or the slug.
  await sql`create index organizations_name_trgm on organizations using gin (lower(name) gin_trgm_ops)`.execute(db);
  await sql`create index organizations_slug_trgm on organizations using gin (slug gin_trgm_ops)`.execute(db);

  // last_active_at: when the member last made the organization active (Frontend API `touch`); with
  // created_at it picks the active organization of the user's next session.
  await sql`
    create table organization_memberships (
      id text primary key,
      organization_id text not null references organizations (id) on delete cascade,
      user_id text not null references users (id) on delete cascade,
      role text not null,
      public_metadata jsonb not null default '{}',
      private_metadata jsonb not null default '{}',
      last_active_at bigint,
      created_at bigint not null,
      updated_at bigint not null
    )`.execute(db);
  await sql`create unique index organization_memberships_member_key on organization_memberships (organization_id, user_id)`.execute(db);
  await sql`create index organization_memberships_org_created_idx on organization_memberships (organization_id, created_at, id)`.execute(db);
  await sql`create index organization_memberships_user_created_idx on organization_memberships (user_id, created_at, id)`.execute(db);
  await sql`create index organization_memberships_created_idx on organization_memberships (created_at, id)`.execute(db);

  await sql`
    create function organizations_members_count() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        update organizations set members_count = members_count + 1 where id = new.organization_id;
        return new;
      end if;
      update organizations set members_count = members_count - 1 where id = old.organization_id;
      return old;
    end $$`.execute(db);
  await sql`
    create trigger organization_memberships_count after insert or delete on organization_memberships
    for each row execute function organizations_members_count()`.execute(db);

  // status is pending, accepted or revoked; a pending invitation past expires_at reads as expired. The
  // link carries a ticket (a secret): the link is kept sealed, so that it can be shown again, and the
  // ticket as a SHA-256 hash, so that accepting finds the invitation by it.
  await sql`
    create table organization_invitations (
      id text primary key,
      organization_id text not null references organizations (id) on delete cascade,
      email_address text not null,
      role text not null,
      status text not null,
      inviter_user_id text,
      accepted_user_id text,
      public_metadata jsonb not null default '{}',
      private_metadata jsonb not null default '{}',
      redirect_url text,
      url_sealed text,
      ticket_hash text not null,
      expires_at bigint not null,
      created_at bigint not null,
      updated_at bigint not null
    )`.execute(db);
  // One pending invitation per address and organization (organization_invitation_not_unique).
  await sql`
    create unique index organization_invitations_pending_key on organization_invitations (organization_id, lower(email_address))
    where status = 'pending'`.execute(db);
  await sql`create index organization_invitations_org_created_idx on organization_invitations (organization_id, created_at, id)`.execute(db);
  await sql`create index organization_invitations_created_idx on organization_invitations (created_at, id)`.execute(db);
  // The instance-wide list by status (and its count, index-only: a pending one also needs its expiry).
  await sql`
    create index organization_invitations_status_idx on organization_invitations (status, created_at, id) include (expires_at)`.execute(db);
  // A user's invitations (by their addresses), and the instance-wide list's `query` (part of the address).
  await sql`create index organization_invitations_email_idx on organization_invitations (lower(email_address), created_at)`.execute(db);
  await sql`create index organization_invitations_email_trgm on organization_invitations using gin (lower(email_address) gin_trgm_ops)`.execute(db);
  await sql`create unique index organization_invitations_ticket_key on organization_invitations (ticket_hash)`.execute(db);

  await sql`
    create table organization_domains (
      id text primary key,
      organization_id text not null references organizations (id) on delete cascade,
      name text not null,
      enrollment_mode text not null,
      affiliation_email_address text,
      verified boolean not null,
      created_at bigint not null,
      updated_at bigint not null
    )`.execute(db);
  // A domain belongs to one organization (organization_domain_already_exists).
  await sql`create unique index organization_domains_name_key on organization_domains (name)`.execute(db);
  await sql`create index organization_domains_org_created_idx on organization_domains (organization_id, created_at, id)`.execute(db);
}
