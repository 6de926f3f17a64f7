import { sql, type Kysely } from 'kysely';

// The TOTP time step a user last verified with: a code from that step or an earlier one is a replay.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users add column totp_last_used_step bigint`.execute(db);
}
