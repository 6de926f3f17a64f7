import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Executor } from '../db/database.js';
import type { SecretKeyRow } from '../db/schema.js';
import { sha256Hex } from '../lib/constant-time.js';
import { newId } from '../lib/ids.js';
import {
  findActiveKeyHashes,
  findKeyByHash,
  findKeys,
  insertKey,
  revokeKeyById,
  revokeKeysOfSource,
  upsertActiveKey,
} from './store.js';

// The Backend API secret keys a process accepts are exactly (README, "Security"):
// - the key in its GATEHOUSE_SECRET_KEY (held in memory: a key that was only ever the environment's stops
//   working when the environment changes, whatever the table says);
// - keys created with `gatehouse keys create` and not revoked;
// - when GATEHOUSE_SECRET_KEY is unset, the generated development key (retired for good as soon as a
//   process starts with a GATEHOUSE_SECRET_KEY).
// The table records every key's source, so that `gatehouse keys list` can show them and each kind ends as it should.

/**
 * The accepted secret keys, held in memory as SHA-256 hashes so that authenticating a request costs no
 * database query. `reload` re-reads the table; `poll` does so every few seconds, so that a key revoked by
 * `gatehouse keys revoke` stops working in every process sharing the database.
 */
export interface KeyRing {
  isValid(key: string): boolean;
  reload(): Promise<void>;
  /** Reloads every `intervalMs` until the returned function is called. */
  poll(intervalMs?: number): () => void;
}

/** How often a server re-reads the key table: revocation reaches every process within this. */
export const KEY_RING_POLL_MS = 2_000;

export async function loadKeyRing(db: Executor, options: { envKey?: string | undefined } = {}): Promise<KeyRing> {
  const envHash = options.envKey ? Buffer.from(sha256Hex(options.envKey), 'hex') : undefined;
  // With GATEHOUSE_SECRET_KEY set, the development key is not accepted even before its row is revoked.
  const sources = envHash ? (['cli'] as const) : (['cli', 'dev'] as const);
  let hashes: Buffer[] = envHash ? [envHash] : [];
  const ring: KeyRing = {
    isValid(key) {
      const candidate = Buffer.from(sha256Hex(key), 'hex');
      // Compare against every hash, without stopping early: the time does not tell which one matched.
      let ok = false;
      for (const hash of hashes) ok = timingSafeEqual(candidate, hash) || ok;
      return ok;
    },
    async reload() {
      const stored = (await findActiveKeyHashes(db, [...sources])).map((h) => Buffer.from(h, 'hex'));
      hashes = envHash ? [envHash, ...stored] : stored;
    },
    poll(intervalMs = KEY_RING_POLL_MS) {
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        // A failed reload keeps the last known set; the next tick tries again.
        ring.reload().catch(() => undefined).finally(() => (running = false));
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
  await ring.reload();
  return ring;
}

const last4 = (key: string) => key.slice(-4);

/** Accepts `key` from now on as a CLI key (tests register their key this way). Only its hash is stored. */
export async function registerSecretKey(db: Executor, key: string, nowMs: number, name: string | null = null): Promise<void> {
  if (await findKeyByHash(db, sha256Hex(key))) return;
  await insertKey(db, { id: newId('sk', nowMs), key_hash: sha256Hex(key), source: 'cli', name, last4: last4(key), created_at: nowMs });
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function generateSecretKey(kind: 'test' | 'live' = 'test'): string {
  // 256 random bits, rejection-sampled so every character is equally likely.
  let body = '';
  while (body.length < 43) {
    for (const byte of randomBytes(64)) if (byte < 248 && body.length < 43) body += BASE62[byte % 62];
  }
  return `sk_${kind}_${body}`;
}

/**
 * At server start: makes the table agree with this process's environment. With GATEHOUSE_SECRET_KEY set,
 * it is recorded as the `env` key, every other `env` key is revoked (the environment changed) and so is
 * every development key. Without it, the development key is made ready (see ensureDevSecretKey) and every
 * `env` key is revoked. Returns the development key when there is one to show.
 */
export async function reconcileSecretKeys(
  db: Executor,
  options: { envKey: string | undefined; dataDir: string },
  nowMs: number,
): Promise<{ devKey: string | undefined }> {
  if (options.envKey) {
    const keyHash = sha256Hex(options.envKey);
    await upsertActiveKey(db, { id: newId('sk', nowMs), key_hash: keyHash, source: 'env', last4: last4(options.envKey), created_at: nowMs });
    await revokeKeysOfSource(db, 'env', keyHash, nowMs);
    await revokeKeysOfSource(db, 'dev', null, nowMs);
    return { devKey: undefined };
  }
  const devKey = await ensureDevSecretKey(db, options.dataDir, nowMs);
  await revokeKeysOfSource(db, 'env', null, nowMs);
  return { devKey };
}

/**
 * The development key: generated on first start, kept in `<dataDir>/dev-secret-key` (mode 0600) so
 * that later starts can show it again. The database only ever holds its hash. A key in that file that
 * was revoked (a GATEHOUSE_SECRET_KEY was set since, or `gatehouse keys revoke`) is not brought back: a
 * new one replaces it.
 */
export async function ensureDevSecretKey(db: Executor, dataDir: string, nowMs: number): Promise<string> {
  const file = path.join(dataDir, 'dev-secret-key');
  let key = (await fs.readFile(file, 'utf8').catch(() => '')).trim();
  const existing = key ? await findKeyByHash(db, sha256Hex(key)) : undefined;
  if (!key || (existing && existing.revoked_at !== null)) {
    key = generateSecretKey('test');
    await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
    await fs.writeFile(file, `${key}\n`, { mode: 0o600 });
  }
  await upsertActiveKey(db, { id: newId('sk', nowMs), key_hash: sha256Hex(key), source: 'dev', last4: last4(key), created_at: nowMs });
  return key;
}

/** `gatehouse keys create`: a new key, shown once; only its hash is stored. */
export async function createSecretKey(
  db: Executor,
  options: { kind: 'test' | 'live'; name: string | null },
  nowMs: number,
): Promise<{ id: string; key: string }> {
  const key = generateSecretKey(options.kind);
  const id = newId('sk', nowMs);
  await insertKey(db, { id, key_hash: sha256Hex(key), source: 'cli', name: options.name, last4: last4(key), created_at: nowMs });
  return { id, key };
}

/** `gatehouse keys list`: every key ever recorded, oldest first (hashes left out). */
export async function listSecretKeys(db: Executor): Promise<Omit<SecretKeyRow, 'key_hash'>[]> {
  return (await findKeys(db)).map(({ key_hash: _hash, ...rest }) => rest);
}

export class SecretKeyRevokeError extends Error {
  override readonly name = 'SecretKeyRevokeError';
}

/**
 * `gatehouse keys revoke <id>`: the key stops working in every process within KEY_RING_POLL_MS. The
 * environment's key cannot be revoked here: a process accepts its own GATEHOUSE_SECRET_KEY whatever the
 * table says, so the way to retire it is to change the environment.
 */
export async function revokeSecretKey(db: Executor, id: string, nowMs: number): Promise<Omit<SecretKeyRow, 'key_hash'>> {
  const existing = (await findKeys(db)).find((k) => k.id === id);
  if (!existing) throw new SecretKeyRevokeError(`no secret key with id ${id} (gatehouse keys list shows them)`);
  if (existing.source === 'env') {
    throw new SecretKeyRevokeError(
      `${id} is a GATEHOUSE_SECRET_KEY: servers accept the key in their own environment whatever the database says. ` +
        'Set a new GATEHOUSE_SECRET_KEY and restart them; the old one is then revoked.',
    );
  }
  const row = await revokeKeyById(db, id, nowMs);
  const { key_hash: _hash, ...rest } = row!;
  return rest;
}
