import { sql, type Kysely } from 'kysely';

// A value sealed with the instance's encryption key when the database was first used with it, so that a
// start with another key (a changed GATEHOUSE_ENCRYPTION_KEY, or a lost generated key file) is refused at
// once instead of failing on the first verify_totp (src/encryption-key/).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table encryption_key_check (
      id smallint primary key default 1 check (id = 1),
      sealed text not null,
      created_at bigint not null
    )`.execute(db);
}
