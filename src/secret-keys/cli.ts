import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { createDeps } from '../deps.js';
import { createSecretKey, KEY_RING_POLL_MS, listSecretKeys, revokeSecretKey, SecretKeyRevokeError } from './service.js';

// `gatehouse keys list | create | revoke` (src/cli.ts): the Backend API secret keys.

export const SECRET_KEYS_USAGE = `Usage: gatehouse keys list | create [--name <name>] [--test] | revoke <id>

Backend API secret keys (the sk_live_…/sk_test_… keys in "Authorization: Bearer …"). A server accepts
exactly: its own GATEHOUSE_SECRET_KEY, the keys created here and not revoked, and, only while
GATEHOUSE_SECRET_KEY is unset, the generated development key.

  list                        every key: id, source (env, cli, dev), name, last four characters, created,
                              revoked. Never the keys themselves (only their SHA-256 is stored).
  create [--name <name>]      a new sk_live_ key (sk_test_ with --test), printed once: store it now.
  revoke <id>                 the key stops working on every running server within ${KEY_RING_POLL_MS / 1000} seconds.

For the session-token signing key (JWTs, /v1/jwks) see: gatehouse signing-keys rotate.
`;

const date = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z'));

export async function secretKeysCommand(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action === '--help' || action === '-h') {
    process.stdout.write(SECRET_KEYS_USAGE);
    return 0;
  }
  if (action !== 'list' && action !== 'create' && action !== 'revoke') {
    const what = action === undefined ? 'which keys command?' : `unknown command "${action}"`;
    process.stderr.write(`gatehouse keys: ${what}\n\n${SECRET_KEYS_USAGE}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: { name: { type: 'string' }, test: { type: 'boolean' } } });
  } catch (error) {
    process.stderr.write(`gatehouse keys: ${(error as Error).message}\n\n${SECRET_KEYS_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if ((action === 'revoke' ? positionals.length !== 1 : positionals.length !== 0) || (action !== 'create' && (values.name !== undefined || values.test))) {
    process.stderr.write(SECRET_KEYS_USAGE);
    return 2;
  }
  const deps = await createDeps(loadConfig());
  try {
    const now = deps.clock.now();
    if (action === 'create') {
      const { id, key } = await createSecretKey(deps.db, { kind: values.test ? 'test' : 'live', name: values.name ?? null }, now);
      process.stderr.write(`Created secret key ${id}. It is shown once, here; only its SHA-256 is stored.\n`);
      process.stdout.write(`${key}\n`);
      return 0;
    }
    if (action === 'revoke') {
      try {
        const row = await revokeSecretKey(deps.db, positionals[0]!, now);
        process.stdout.write(`Revoked ${row.id} (…${row.last4 ?? '????'}). Running servers refuse it within ${KEY_RING_POLL_MS / 1000} seconds.\n`);
        return 0;
      } catch (error) {
        if (!(error instanceof SecretKeyRevokeError)) throw error;
        process.stderr.write(`gatehouse keys revoke: ${error.message}\n`);
        return 1;
      }
    }
    const rows = await listSecretKeys(deps.db);
    const table = [['ID', 'SOURCE', 'NAME', 'KEY', 'CREATED', 'REVOKED']];
    for (const row of rows) {
      table.push([row.id, row.source, row.name ?? '', row.last4 ? `…${row.last4}` : '', date(row.created_at), date(row.revoked_at)]);
    }
    const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
    process.stdout.write(table.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n');
    return 0;
  } finally {
    await deps.db.destroy();
  }
}
