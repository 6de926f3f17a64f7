import { sql, type Kysely } from 'kysely';

// A sign-up started with an invitation ticket (strategy=ticket): the SHA-256 of the ticket, as the
// invitations store it, so that completing the sign-up can find (and accept) the invitation again. The
// ticket itself is never stored.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table sign_ups add column ticket_hash text`.execute(db);
}
