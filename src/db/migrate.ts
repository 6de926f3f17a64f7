import { Migrator, sql, type DatabaseIntrospector, type Kysely } from 'kysely';
import { migrations } from './migrations/index.js';

/** Applies every pending migration; throws with the failing migration's name on error. */
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  // Pin the bookkeeping table to the current schema: otherwise Kysely finds a kysely_migration table
  // in any schema on the search path and may believe another schema's migrations are ours.
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  const migrator = new Migrator({
    db: withOwnSchemaIntrospection(db),
    provider: { getMigrations: async () => migrations },
    // Each helper of the project numbers its migrations in its own range, and ranges land in main in any
    // order: a database that already ran 0022 must still run a 0008 merged after it. The migrations are
    // independent of each other's order, so a missing one simply runs.
    allowUnorderedMigrations: true,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${String((error as Error).message ?? error)}`, { cause: error });
  }
}

/**
 * `db` for the migrator, whose introspection sees the current schema only. Kysely's own lists every table
 * of every schema to find its bookkeeping tables, and PostgreSQL fails that listing ("schema … does not
 * exist") when anyone drops a schema during it: another app's on a shared server, a finished test's.
 */
function withOwnSchemaIntrospection(db: Kysely<any>): Kysely<any> {
  const introspection: DatabaseIntrospector = {
    async getSchemas() {
      const { rows } = await sql<{ name: string }>`select current_schema() as name`.execute(db);
      return rows;
    },
    async getTables() {
      const { rows } = await sql<{ name: string; schema: string }>`
        select tablename as name, schemaname as schema from pg_catalog.pg_tables where schemaname = current_schema()`.execute(db);
      // The migrator reads only names and schemas.
      return rows.map((row) => ({ ...row, isView: false, columns: [] }));
    },
    async getMetadata(options) {
      return { tables: await this.getTables(options) };
    },
  };
  // Everything else is the real instance (methods bound to it: Kysely keeps its state in private fields).
  return new Proxy(db, {
    get(target, property) {
      if (property === 'introspection') return introspection;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
