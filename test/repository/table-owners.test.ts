import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// One owner per table (docs/architecture.md): only the owning store writes a table, other features call
// the owner. This reads every statement in src/ that names its table (SQL text or Kysely's builders) and
// checks it is in the owner's files. Statements whose table is a variable (identifications/store.ts's
// kinds, an import's staging copies) are not seen here; their owners are named in the architecture doc.

const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Table → the files or folders (under src/) that may write it. */
const OWNERS: Record<string, string[]> = {
  users: ['users/store.ts', 'users/bulk/', 'users/columns/'],
  user_search: ['users/search/'],
  email_addresses: ['identifications/'],
  phone_numbers: ['identifications/'],
  web3_wallets: ['identifications/'],
  images: ['images/'],
  sessions: ['sessions/'],
  clients: ['clients/'],
  signing_keys: ['keys/'],
  secret_keys: ['secret-keys/'],
  encryption_key_check: ['encryption-key/'],
  instance_settings: ['instance/'],
  organizations: ['organizations/store.ts'],
  organization_memberships: ['organizations/members/'],
  organization_invitations: ['organizations/invitations/'],
  organization_domains: ['organizations/domains/'],
  invitations: ['invitations/'],
  email_outbox: ['email/'],
  events: ['webhooks/store.ts'],
  webhook_endpoints: ['webhooks/endpoints/'],
  webhook_deliveries: ['webhooks/delivery/'],
  webhook_attempts: ['webhooks/delivery/'],
  sign_ins: ['frontend/sign-in/'],
  sign_ups: ['frontend/sign-up/'],
  verification_codes: ['frontend/codes/'],
  rate_limits: ['frontend/rate-limits/'],
  row_counts: ['db/row-counts.ts'],
};

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (entry.name.endsWith('.ts')) yield full;
  }
}

/** The tables of db/schema.ts's Database interface. */
function schemaTables(): string[] {
  const schema = readFileSync(path.join(root, 'src/db/schema.ts'), 'utf8');
  const body = /export interface Database \{([^}]*)\}/.exec(schema)![1]!;
  return [...body.matchAll(/^\s*([a-z_0-9]+):/gm)].map((m) => m[1]!);
}

/** Comments out: prose says "update the users" without writing anything. */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '').replace(/\s\/\/ .*$/gm, '');

const WRITES = [
  /\b(?:insert\s+into|update|delete\s+from)\s+([a-z_0-9]+)\b/gi,
  /\.(?:insertInto|updateTable|deleteFrom|mergeInto)\(\s*'([a-z_0-9]+)'/g,
];

/** Every (file under src/, table) a statement writes, migrations aside (they create what the owners write). */
function writes(tables: Set<string>): { file: string; table: string }[] {
  const found: { file: string; table: string }[] = [];
  for (const file of sourceFiles(path.join(root, 'src'))) {
    const relative = path.relative(path.join(root, 'src'), file).split(path.sep).join('/');
    if (relative.startsWith('db/migrations/')) continue;
    const text = code(readFileSync(file, 'utf8'));
    for (const pattern of WRITES) {
      for (const m of text.matchAll(pattern)) if (tables.has(m[1]!)) found.push({ file: relative, table: m[1]! });
    }
  }
  return found;
}

test('every table of db/schema.ts has an owner, and only its owner writes it', () => {
  const tables = schemaTables();
  assert.ok(tables.length >= 25, `read ${tables.length} tables from db/schema.ts`);
  assert.deepEqual(tables.filter((t) => !(t in OWNERS)), [], 'tables without an owner in this test (and docs/architecture.md)');
  const all = writes(new Set(tables));
  // The scan sees the writes it should: each owner's own statements are found.
  for (const table of ['users', 'phone_numbers', 'images', 'user_search', 'sessions']) {
    assert.ok(all.some((w) => w.table === table), `no write to ${table} found: the scan is broken`);
  }
  const strays = all.filter((w) => !OWNERS[w.table]!.some((owner) => (owner.endsWith('/') ? w.file.startsWith(owner) : w.file === owner)));
  assert.deepEqual([...new Set(strays.map((w) => `${w.file} writes ${w.table}`))], []);
});
