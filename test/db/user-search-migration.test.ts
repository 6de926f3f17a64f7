import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Migrator, sql } from 'kysely';
import { migrateToLatest } from '../../src/db/migrate.js';
import { migrations } from '../../src/db/migrations/index.js';
import { openTestDatabase } from '../helper.js';

// Migration 0013 on a database that already has users: every user gets its search document (with its
// emails, phones and wallets), the trigram index is built, lower(id)'s old trigram index is gone, and
// the new table has statistics straight away, sized by 1,000 histogram buckets (migration 0028) so that a
// rare term is not mistaken for 1 % of users. Migration 0031 then gives each document its user's
// created_at.

test('migration 0013 → documents for the users already there, and statistics', async (t) => {
  const { db } = await openTestDatabase(t);
  t.after(() => db.destroy());
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0013_user_search'));
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => before },
    allowUnorderedMigrations: true,
    migrationTableSchema: rows[0]!.schema,
  });
  const { error } = await migrator.migrateToLatest();
  assert.equal(error, undefined);

  const now = Date.now();
  await sql`insert into users (id, username, first_name, last_name, created_at, updated_at) values
    ('user_A1', 'Ada_L', 'Ada', 'Lovelace', ${now}, ${now}), ('user_B2', null, null, null, ${now - 86_400_000}, ${now})`.execute(db);
  await sql`insert into email_addresses (id, user_id, email_address, verified, created_at, updated_at) values
    ('idn_e1', 'user_A1', 'Ada@Example.com', true, ${now}, ${now}), ('idn_e2', 'user_A1', 'second@example.org', true, ${now}, ${now})`.execute(db);
  await sql`insert into phone_numbers (id, user_id, phone_number, verified, created_at, updated_at) values
    ('idn_p1', 'user_B2', '+15005550100', true, ${now}, ${now})`.execute(db);

  await migrateToLatest(db);
  const docs = await db.selectFrom('user_search').selectAll().orderBy('user_id').execute();
  const sep = '\x1f';
  assert.deepEqual(docs, [
    { user_id: 'user_A1', document: ['user_a1', 'ada_l', 'ada lovelace', 'ada@example.com', 'second@example.org'].join(sep), created_at: now },
    { user_id: 'user_B2', document: ['user_b2', '', ' ', '+15005550100'].join(sep), created_at: now - 86_400_000 },
  ]);
  const indexes = await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema()
    and indexname in ('user_search_document_trgm', 'users_id_trgm')`.execute(db);
  assert.deepEqual(indexes.rows.map((r) => r.name), ['user_search_document_trgm']);
  const stats = await sql<{ n: number }>`select reltuples::float8 as n from pg_class where oid = 'user_search'::regclass`.execute(db);
  assert.equal(Number(stats.rows[0]!.n), 2);
  const target = await sql<{ n: number }>`select attstattarget as n from pg_attribute
    where attrelid = 'user_search'::regclass and attname = 'document'`.execute(db);
  assert.equal(Number(target.rows[0]!.n), 1000);
});

// Migration 0029 splits the document's format (user_search_compose) from gathering a user's values
// (user_search_document): documents written by 0013's definition are what the new one computes, for
// values of every kind, cased and uncased, Greek final sigma and dotted capitals included.
test('migration 0029 → the same documents as 0013 wrote', async (t) => {
  const { db } = await openTestDatabase(t);
  t.after(() => db.destroy());
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0029_user_search_compose'));
  const migrator = new Migrator({ db, provider: { getMigrations: async () => before }, allowUnorderedMigrations: true, migrationTableSchema: rows[0]!.schema });
  assert.equal((await migrator.migrateToLatest()).error, undefined);

  const now = Date.now();
  await sql`insert into users (id, username, first_name, last_name, created_at, updated_at) values
    ('user_Σ1', 'ΟΔΟΣ_İx', 'ΣΟΦΙΑ', 'Ünal', ${now}, ${now}), ('user_N2', null, null, 'Solo', ${now}, ${now}),
    ('user_W3', 'w', 'Wallet', null, ${now}, ${now})`.execute(db);
  await sql`insert into email_addresses (id, user_id, email_address, verified, created_at, updated_at) values
    ('idn_e2', 'user_Σ1', 'ΟΔΟΣ@Example.GR', true, ${now}, ${now}), ('idn_e1', 'user_Σ1', 'İSTANBUL@Example.com', true, ${now}, ${now}),
    ('idn_e3', 'user_N2', 'Solo@x.io', true, ${now}, ${now})`.execute(db);
  await sql`insert into phone_numbers (id, user_id, phone_number, verified, created_at, updated_at) values
    ('idn_p1', 'user_Σ1', '+15005550100', true, ${now}, ${now}), ('idn_p0', 'user_Σ1', '+447700900123', true, ${now}, ${now})`.execute(db);
  await sql`insert into web3_wallets (id, user_id, web3_wallet, verified, created_at, updated_at) values
    ('idn_w1', 'user_W3', '0xABCdef0123456789abcdef0123456789ABCDEF01', true, ${now}, ${now})`.execute(db);
  await sql`insert into user_search (user_id, document) select id, user_search_document(id, username, first_name, last_name) from users`.execute(db);

  await migrateToLatest(db);
  const differ = await sql<{ user_id: string }>`select s.user_id from user_search s join users u on u.id = s.user_id
    where s.document is distinct from user_search_document(u.id, u.username, u.first_name, u.last_name)`.execute(db);
  assert.deepEqual(differ.rows, []);
  const sigma = await db.selectFrom('user_search').select('document').where('user_id', '=', 'user_Σ1').executeTakeFirstOrThrow();
  assert.ok(sigma.document.includes('\x1f+447700900123\x1f+15005550100'), 'phones in id order, as stored');
});
