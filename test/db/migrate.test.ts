import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { migrations } from '../../src/db/migrations/index.js';
import { TEST_DATABASE_URL, createTestSchema } from '../helper.js';

// Migrating on a PostgreSQL server that other apps (or other test files) share: schemas dropped by
// someone else while Gatehouse migrates its own must not fail the start. PGlite has one user: nothing
// to race with there.

test('migrations succeed while other schemas are created and dropped on the same server', { skip: !TEST_DATABASE_URL && 'PostgreSQL only' }, async (t) => {
  const churn = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await churn.connect();
  let running = true;
  const churning = (async () => {
    while (running) {
      const name = `churn_${randomBytes(4).toString('hex')}`;
      // Separate statements: each schema is visible to others, with a table, for a moment.
      await churn.query(`create schema ${name}`);
      await churn.query(`create table ${name}.t (id int, label text, at bigint)`);
      await churn.query(`drop schema ${name} cascade`);
    }
  })();
  try {
    for (let i = 0; i < 12; i++) {
      const schema = await createTestSchema(t, TEST_DATABASE_URL!);
      const db = await openDatabase({ kind: 'postgres', url: TEST_DATABASE_URL!, schema: `${schema},public` });
      try {
        await migrateToLatest(db);
        const applied = await db.selectFrom('kysely_migration' as never).select('name' as never).execute();
        assert.equal(applied.length, Object.keys(migrations).length);
      } finally {
        await db.destroy();
      }
    }
  } finally {
    running = false;
    await churning;
    await churn.end();
  }
});
