// The baseline of benchmark 2: a bare Fastify handler that runs the very SQL statement GET /v1/users/{id}
// runs (compiled from src/users/store.ts#selectFullUsers, and prepared, as Gatehouse prepares it), on a
// node-postgres pool of the same size, and sends the row as it comes. No secret-key check, no validation, no response schema, no Clerk
// serialization, no Kysely at run time. Started by bench/users-get.ts; PORT and DATABASE_URL from the env.
import Fastify from 'fastify';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../src/db/schema.js';
import { selectFullUsers } from '../src/users/store.js';

const INT8_OID = 20;

async function main() {
  const pool = new pg.Pool({
    connectionString: process.env.DATABASE_URL,
    max: 10, // as src/db/database.ts
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // Kysely only compiles here (no query goes through it).
  const compiler = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const { sql } = selectFullUsers(compiler).where('users.id', '=', 'placeholder').compile();

  const app = Fastify({ routerOptions: { maxParamLength: 256 } });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get<{ Params: { user_id: string } }>('/v1/users/:user_id', async (request, reply) => {
    const { rows } = await pool.query({ name: 'find_full_user_by_id', text: sql, values: [request.params.user_id] });
    if (rows.length === 0) return reply.status(404).send({ errors: [] });
    return rows[0];
  });
  await app.listen({ port: Number(process.env.PORT ?? 3001), host: '127.0.0.1' });
  const stop = async () => {
    await app.close();
    await pool.end();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
