import { sql, type Kysely } from 'kysely';

// Where each Backend API secret key came from, so that each kind can end the way it should (README,
// "Security"): `env` (GATEHOUSE_SECRET_KEY at some start; retired when the environment changes), `cli`
// (`gatehouse keys create`; valid until `gatehouse keys revoke`) and `dev` (the generated development key;
// retired once a GATEHOUSE_SECRET_KEY is set). Until now a stored key was the environment's or the dev key:
// they become `env`, and the dev key is relabelled `dev` at its next start (secret-keys/service.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table secret_keys add column source text not null default 'env'`.execute(db);
  await sql`alter table secret_keys alter column source drop default`.execute(db);
  await sql`alter table secret_keys add constraint secret_keys_source_check check (source in ('env', 'cli', 'dev'))`.execute(db);
  // A name for `gatehouse keys list`, and the key's last four characters so that a person can tell keys apart.
  await sql`alter table secret_keys add column name text`.execute(db);
  await sql`alter table secret_keys add column last4 text`.execute(db);
}
