import { Migrator, sql, type Kysely } from 'kysely';
import { migrations } from './migrations/index.js';

/** Applies every pending migration; throws with the failing migration's name on error. */
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  // Pin the bookkeeping table to the current schema: otherwise Kysely finds a kysely_migration table
  // in any schema on the search path and may believe another schema's migrations are ours.
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // Each helper of the project numbers its migrations in its own range, and ranges land in main in any
    // order: a database that already ran 0022 must still run a 0008 merged after it. The migrations are
    // independent of each other's order, so a missing one simply runs.
    allowUnorderedMigrations: true,
    ...(rows[0]?.schema ? { migrationTableSchema: rows[0].schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${String((error as Error).message ?? error)}`, { cause: error });
  }
}
