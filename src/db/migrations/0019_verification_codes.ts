import { sql, type Kysely } from 'kysely';

// One-time codes sent by email (sign-up verification, email-code sign-in, password reset, verifying an
// address added through /v1/me). One row per thing being verified (`key`), replaced when a new code is
// prepared and deleted once it is used. The code is sealed with the instance's encryption key.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table verification_codes (
      key text primary key,
      code_sealed text not null,
      attempts integer not null default 0,
      expire_at bigint not null,
      created_at bigint not null
    )`.execute(db);
}
