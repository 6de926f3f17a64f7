import { sql, type Kysely } from 'kysely';

// Uploaded images (src/images/): user profile images and organization logos, normalised and stored in the
// database so that either engine works with nothing else to run. An image belongs to exactly one user or
// organization and goes with it. Served publicly by id; the id changes with every upload, so a URL's
// bytes never change and caches may keep them for good.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table images (
      id text primary key,
      user_id text references users (id) on delete cascade,
      organization_id text references organizations (id) on delete cascade,
      content_type text not null,
      width integer not null,
      height integer not null,
      byte_size integer not null,
      sha256 text not null,
      data bytea not null,
      created_at bigint not null,
      check (num_nonnulls(user_id, organization_id) = 1)
    )`.execute(db);
  await sql`create index images_user_idx on images (user_id, created_at) where user_id is not null`.execute(db);
  await sql`create index images_organization_idx on images (organization_id, created_at) where organization_id is not null`.execute(db);
}
