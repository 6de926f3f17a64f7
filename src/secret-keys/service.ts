import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Executor } from '../db/database.js';
import { sha256Hex } from '../lib/constant-time.js';
import { newId } from '../lib/ids.js';
import { findActiveKeyHashes, insertKeyHashIfAbsent } from './store.js';

/**
 * The accepted secret keys, held in memory as SHA-256 hashes so that authenticating a request costs no
 * database query. `reload` re-reads them (after a key is added or revoked).
 */
export interface KeyRing {
  isValid(key: string): boolean;
  reload(): Promise<void>;
}

export async function loadKeyRing(db: Executor): Promise<KeyRing> {
  let hashes: Buffer[] = [];
  const ring: KeyRing = {
    isValid(key) {
      const candidate = Buffer.from(sha256Hex(key), 'hex');
      // Compare against every hash, without stopping early: the time does not tell which one matched.
      let ok = false;
      for (const hash of hashes) ok = timingSafeEqual(candidate, hash) || ok;
      return ok;
    },
    async reload() {
      hashes = (await findActiveKeyHashes(db)).map((h) => Buffer.from(h, 'hex'));
    },
  };
  await ring.reload();
  return ring;
}

/** Accepts `key` from now on. Only its hash is stored. */
export async function registerSecretKey(db: Executor, key: string, nowMs: number): Promise<void> {
  await insertKeyHashIfAbsent(db, { id: newId('sk', nowMs), key_hash: sha256Hex(key), created_at: nowMs });
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
 * The development key: generated on first start, kept in `<dataDir>/dev-secret-key` (mode 0600) so
 * that later starts can show it again. The database only ever holds its hash.
 */
export async function ensureDevSecretKey(db: Executor, dataDir: string, nowMs: number): Promise<string> {
  const file = path.join(dataDir, 'dev-secret-key');
  let key = (await fs.readFile(file, 'utf8').catch(() => '')).trim();
  if (!key) {
    key = generateSecretKey('test');
    await fs.mkdir(dataDir, { recursive: true });
    await fs.writeFile(file, `${key}\n`, { mode: 0o600 });
  }
  await registerSecretKey(db, key, nowMs);
  return key;
}
