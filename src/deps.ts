import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from './config.js';
import { migrateToLatest } from './db/migrate.js';
import { openDatabase, type Db, type DatabaseTarget } from './db/database.js';
import { loadInstance, type Instance } from './instance/service.js';
import { systemClock, type Clock } from './lib/clock.js';
import { createSecretBox, deriveKey, type SecretBox } from './lib/secret-box.js';
import { loadKeyRing, type KeyRing } from './secret-keys/service.js';

/** Lockout rules until they become instance settings: Clerk's defaults for new instances. */
export interface LockoutPolicy {
  /** Failed verifications before a lockout; null turns lockout off. */
  maxAttempts: number | null;
  /** Seconds a lock lasts; null locks until an admin unlocks. */
  durationSeconds: number | null;
}

/** Everything a service may need, built once in createDeps: the composition root. */
export interface Deps {
  db: Db;
  config: Config;
  clock: Clock;
  keys: KeyRing;
  instance: Instance;
  /** Seals secrets at rest (TOTP secrets). */
  secretBox: SecretBox;
  lockout: LockoutPolicy;
}

export function databaseTarget(config: Config): DatabaseTarget {
  return config.databaseUrl
    ? { kind: 'postgres', url: config.databaseUrl }
    : { kind: 'pglite', dataDir: path.join(config.dataDir, 'pgdata') };
}

/**
 * The key that seals secrets at rest: GATEHOUSE_ENCRYPTION_KEY, or one generated on first start and
 * kept in `<dataDir>/encryption-key` (mode 0600) for development.
 */
async function loadEncryptionKey(config: Config): Promise<Buffer> {
  if (config.encryptionKey) return deriveKey(config.encryptionKey);
  const file = path.join(config.dataDir, 'encryption-key');
  let material = (await fs.readFile(file, 'utf8').catch(() => '')).trim();
  if (!material) {
    material = randomBytes(32).toString('hex');
    await fs.mkdir(config.dataDir, { recursive: true });
    await fs.writeFile(file, `${material}\n`, { mode: 0o600 });
  }
  return deriveKey(material);
}

export interface CreateDepsOptions {
  /** An already opened database (tests); otherwise opened from the config. */
  db?: Db;
  clock?: Clock;
  encryptionKey?: Buffer;
}

export async function createDeps(config: Config, options: CreateDepsOptions = {}): Promise<Deps> {
  const db = options.db ?? (await openDatabase(databaseTarget(config)));
  await migrateToLatest(db);
  const [instance, keys, key] = await Promise.all([
    loadInstance(db),
    loadKeyRing(db),
    options.encryptionKey ?? loadEncryptionKey(config),
  ]);
  return {
    db,
    config,
    clock: options.clock ?? systemClock,
    keys,
    instance,
    secretBox: createSecretBox(key),
    lockout: { maxAttempts: 10, durationSeconds: 3600 },
  };
}
