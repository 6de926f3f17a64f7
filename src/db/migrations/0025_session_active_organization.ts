import { sql, type Kysely } from 'kysely';

// The organization a session has active (Clerk's last_active_organization_id): its session tokens carry
// that organization's claims while the user is still a member of it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table sessions add column last_active_organization_id text`.execute(db);
}
