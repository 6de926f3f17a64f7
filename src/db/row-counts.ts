import { sql } from 'kysely';
import type { Executor } from './database.js';

// Exact counts of whole tables (and of invitations by stored status) from the delta log that migration
// 0026's triggers append to: `organizations`, `organization_memberships`, `organization_invitations`,
// `invitations`, and `organization_invitations:<status>`, `invitations:<status>`.

/** Deltas a name may gather before a read folds them into one row. */
const FOLD_AFTER = 256;

export async function countRows(db: Executor, name: string): Promise<number> {
  const { rows } = await sql<{ n: string | number; deltas: string | number }>`
    select coalesce(sum(delta), 0) as n, count(*) as deltas from row_counts where name = ${name}`.execute(db);
  const row = rows[0]!;
  if (Number(row.deltas) > FOLD_AFTER) await foldRowCounts(db, name);
  return Number(row.n);
}

/**
 * Replaces a name's deltas by their sum, in one statement: deltas appended meanwhile by other transactions
 * are not in its snapshot and stay; a concurrent fold waits for this one and then finds nothing to fold.
 */
export async function foldRowCounts(db: Executor, name: string): Promise<void> {
  await sql`
    with folded as (delete from row_counts where name = ${name} returning delta)
    insert into row_counts select ${name}, sum(delta) from folded having count(*) > 0`.execute(db);
}
