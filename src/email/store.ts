import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { EmailOutboxTable } from '../db/schema.js';

// The email outbox (migration 0007). Workers claim due rows with FOR UPDATE SKIP LOCKED and a lease
// (locked_until), send them outside any transaction, then delete them or schedule a retry: several
// processes never claim the same email, and one that dies mid-send lets it go when the lease ends.

export type OutboxEmail = Selectable<EmailOutboxTable>;

/** Woken on commit of a transaction that queued an email (db/database.ts#listen). */
export const EMAIL_CHANNEL = 'gatehouse_email';

/** Queues one email in the caller's transaction, and wakes the workers when that transaction commits. */
export async function insertQueuedEmail(db: Executor, email: Insertable<EmailOutboxTable>): Promise<void> {
  await db.insertInto('email_outbox').values(email).execute();
  await sql`select pg_notify(${EMAIL_CHANNEL}, '')`.execute(db);
}

/** Up to `limit` queued emails due at `now`, leased to the caller until `now + leaseMs`. */
export async function claimDueEmails(db: Executor, now: number, leaseMs: number, limit: number): Promise<OutboxEmail[]> {
  const result = await sql<OutboxEmail>`
    update email_outbox set locked_until = ${now + leaseMs}, attempts = attempts + 1
    where id in (
      select id from email_outbox
      where status = 'queued' and next_attempt_at <= ${now} and (locked_until is null or locked_until <= ${now})
      order by next_attempt_at
      limit ${limit}
      for update skip locked)
    returning *`.execute(db);
  return result.rows;
}

export async function deleteEmailById(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('email_outbox').where('id', '=', id).execute();
}

/** After a failed attempt: try again at `nextAttemptAt`, or give up (`null`: status failed). */
export async function updateEmailAfterFailure(db: Executor, id: string, nextAttemptAt: number | null, error: string): Promise<void> {
  await db
    .updateTable('email_outbox')
    .set(nextAttemptAt === null
      ? { status: 'failed', locked_until: null, last_error: error }
      : { next_attempt_at: nextAttemptAt, locked_until: null, last_error: error })
    .where('id', '=', id)
    .execute();
}

/** Queued and failed emails (tests and operators). */
export async function findOutboxEmails(db: Executor): Promise<OutboxEmail[]> {
  return db.selectFrom('email_outbox').selectAll().orderBy('created_at').orderBy('id').execute();
}
