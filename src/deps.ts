import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from './config.js';
import { migrateToLatest } from './db/migrate.js';
import { openDatabase, type Db, type DatabaseTarget } from './db/database.js';
import { ensureSigningKey } from './keys/service.js';
import { loadInstance, type Instance } from './instance/service.js';
import { loadSettingsCache, type SettingsCache } from './instance/settings.js';
import { configureHashers } from './passwords/hashers/index.js';
import { configureEmail, emailSettingsFrom } from './email/settings.js';
import { createHibpCheck, type HibpCheck } from './passwords/hibp.js';
import { systemClock, type Clock } from './lib/clock.js';
import { createSecretBox, deriveKey, type SecretBox } from './lib/secret-box.js';
import { loadKeyRing, type KeyRing } from './secret-keys/service.js';

/** Everything a service may need, built once in createDeps: the composition root. */
export interface Deps {
  db: Db;
  config: Config;
  clock: Clock;
  keys: KeyRing;
  instance: Instance;
  /** Seals secrets at rest (TOTP secrets). */
  secretBox: SecretBox;
  /** Password policy and lockout rules as this process last read them (see instance/settings.ts). */
  settings: SettingsCache;
  /** The online breached-password check, when GATEHOUSE_HIBP_ONLINE is on. */
  hibp: HibpCheck | undefined;
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
  const [instance, keys, settings, key] = await Promise.all([
    loadInstance(db),
    loadKeyRing(db),
    loadSettingsCache(db),
    options.encryptionKey ?? loadEncryptionKey(config),
  ]);
  configureHashers({ bcryptPepper: config.bcryptPepper });
  configureEmail(emailSettingsFrom(config));
  const secretBox = createSecretBox(key);
  const clock = options.clock ?? systemClock;
  await ensureSigningKey({ db, clock, secretBox });
  return {
    db,
    config,
    clock,
    keys,
    instance,
    secretBox,
    settings,
    hibp: config.hibpOnline ? createHibpCheck(config.hibpUrl) : undefined,
  };
}
