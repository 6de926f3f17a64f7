import { sql, type Kysely } from 'kysely';

// Emails waiting for SMTP (src/email/). A row is written in the transaction of the change that sends the
// email, next to its email.created event, so an email exists exactly when its change committed; the
// delivery worker sends it afterwards and deletes it. Only written when SMTP_URL is configured.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table email_outbox (
      id text primary key,
      from_address text not null,
      to_address text not null,
      subject text not null,
      body_plain text not null,
      body_html text not null,
      status text not null,
      attempts integer not null default 0,
      next_attempt_at bigint not null,
      locked_until bigint,
      last_error text,
      created_at bigint not null
    )`.execute(db);
  // What the worker asks for: queued emails that are due.
  await sql`create index email_outbox_due_idx on email_outbox (next_attempt_at) where status = 'queued'`.execute(db);

  // The stub that recorded notify_primary_email_address_changed until emails could be sent: the users
  // service now sends the email itself. Rows in it were never sent and never will be.
  await sql`drop table pending_notifications`.execute(db);
}
