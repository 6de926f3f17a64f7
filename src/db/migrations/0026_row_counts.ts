import { sql, type Kysely } from 'kysely';

// Exact row counts without counting rows: the unfiltered `total_count` of the organization, membership and
// invitation lists. Counting 100,000 rows on every page is a scan of the table (or of an index as big);
// here each write statement appends its delta (statement-level triggers with transition tables), and a
// count is the sum of its deltas (db/row-counts.ts), folded into one row now and then.
//
// An append-only log rather than one counter row per table: a counter row would serialise every write
// to the table behind its lock, and two transactions updating two counters in opposite orders (creating
// an organization: organizations then memberships; deleting one: its memberships, then it) could deadlock.
// Inserts take no row locks. Names are the table, or `table:status` for invitations by stored status.
const COUNTED = ['organizations', 'organization_memberships', 'organization_invitations', 'invitations'] as const;
const BY_STATUS = ['organization_invitations', 'invitations'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table row_counts (name text not null, delta bigint not null)`.execute(db);
  await sql`create index row_counts_name_idx on row_counts (name)`.execute(db);

  await sql`
    create function row_counts_inserted() returns trigger language plpgsql as $$
    begin
      insert into row_counts select tg_argv[0], count(*) from inserted having count(*) > 0;
      if tg_nargs > 1 then
        insert into row_counts select tg_argv[0] || ':' || status, count(*) from inserted group by status;
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create function row_counts_deleted() returns trigger language plpgsql as $$
    begin
      insert into row_counts select tg_argv[0], -count(*) from deleted having count(*) > 0;
      if tg_nargs > 1 then
        insert into row_counts select tg_argv[0] || ':' || status, -count(*) from deleted group by status;
      end if;
      return null;
    end $$`.execute(db);
  // A status change moves a row from one status's count to another's.
  await sql`
    create function row_counts_status_changed() returns trigger language plpgsql as $$
    begin
      insert into row_counts
        select name, sum(delta) from (
          select tg_argv[0] || ':' || status as name, count(*) as delta from after_rows group by status
          union all
          select tg_argv[0] || ':' || status, -count(*) from before_rows group by status
        ) d group by name having sum(delta) <> 0;
      return null;
    end $$`.execute(db);

  for (const table of COUNTED) {
    const byStatus = (BY_STATUS as readonly string[]).includes(table);
    const args = byStatus ? sql`${sql.lit(table)}, 'status'` : sql`${sql.lit(table)}`;
    await sql`
      create trigger ${sql.raw(`${table}_counted_insert`)} after insert on ${sql.table(table)}
      referencing new table as inserted for each statement execute function row_counts_inserted(${args})`.execute(db);
    await sql`
      create trigger ${sql.raw(`${table}_counted_delete`)} after delete on ${sql.table(table)}
      referencing old table as deleted for each statement execute function row_counts_deleted(${args})`.execute(db);
    if (byStatus) {
      await sql`
        create trigger ${sql.raw(`${table}_counted_update`)} after update on ${sql.table(table)}
        referencing old table as before_rows new table as after_rows for each statement
        execute function row_counts_status_changed(${sql.lit(table)})`.execute(db);
    }
    // The rows already there (the tables are new in this release, but a database may have used them).
    await sql`insert into row_counts select ${table}, count(*) from ${sql.table(table)}`.execute(db);
    if (byStatus) await sql`insert into row_counts select ${table} || ':' || status, count(*) from ${sql.table(table)} group by status`.execute(db);
  }
}
