import path from 'node:path';
import type { Config } from './config.js';
import { restrictPermissions } from './db/data-dir.js';
import { migrateToLatest } from './db/migrate.js';
import { openDatabase, type Db, type DatabaseTarget } from './db/database.js';
import { ensureSigningKey } from './keys/service.js';
import { loadInstance, type Instance } from './instance/service.js';
import { loadSettingsCache, type SettingsCache } from './instance/settings.js';
import { configureHashers } from './passwords/hashers/index.js';
import { configureEmail, emailSettingsFrom } from './email/settings.js';
import { createHibpCheck, type HibpCheck } from './passwords/hibp.js';
import { systemClock, type Clock } from './lib/clock.js';
import { createSecretBox, type SecretBox } from './lib/secret-box.js';
import { checkEncryptionKey, loadEncryptionKey } from './encryption-key/service.js';
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

export interface CreateDepsOptions {
  /** An already opened database (tests); otherwise opened from the config. */
  db?: Db;
  clock?: Clock;
  encryptionKey?: Buffer;
  /** Where start-up warnings go (the generated encryption key on PostgreSQL); standard error by default. */
  warn?: (message: string) => void;
}

export async function createDeps(config: Config, options: CreateDepsOptions = {}): Promise<Deps> {
  if (!options.db) await restrictPermissions(config.dataDir); // files of older versions, made world-readable
  // Before the database opens: a start refused for its key touches nothing.
  const key = options.encryptionKey ?? (await loadEncryptionKey(config, options.warn ?? ((m) => process.stderr.write(`${m}\n`))));
  const db = options.db ?? (await openDatabase(databaseTarget(config)));
  const secretBox = createSecretBox(key);
  const clock = options.clock ?? systemClock;
  let loaded;
  try {
    await migrateToLatest(db);
    await checkEncryptionKey(db, secretBox, clock.now()); // a wrong key refuses to start, naming GATEHOUSE_ENCRYPTION_KEY
    loaded = await Promise.all([loadInstance(db), loadKeyRing(db, { envKey: config.secretKey }), loadSettingsCache(db)]);
    await ensureSigningKey({ db, clock, secretBox });
  } catch (error) {
    if (!options.db) await db.destroy(); // a refused start releases the data dir at once
    throw error;
  }
  const [instance, keys, settings] = loaded;
  configureHashers({ bcryptPepper: config.bcryptPepper });
  configureEmail(emailSettingsFrom(config));
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
