import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import type { Executor } from '../db/database.js';
import { deriveKey, SecretBoxError, type SecretBox } from '../lib/secret-box.js';
import { findAnySealedSecret, findEncryptionKeyCheck, insertEncryptionKeyCheckIfAbsent } from './store.js';

/** A start that must not go on with this key: the message says what to set. */
export class EncryptionKeyError extends Error {
  override readonly name = 'EncryptionKeyError';
}

const CHECK_PLAINTEXT = 'gatehouse encryption key check v1';

/**
 * The key that seals secrets at rest: GATEHOUSE_ENCRYPTION_KEY, or one generated on first start and kept in
 * `<dataDir>/encryption-key` (mode 0600) for development. On PostgreSQL the database outlives the data
 * dir (a new container starts with an empty one), so there a generated key is refused with a live secret
 * key, and `warn` is told where it was written otherwise.
 */
export async function loadEncryptionKey(config: Config, warn: (message: string) => void): Promise<Buffer> {
  if (config.encryptionKey) return deriveKey(config.encryptionKey);
  const file = path.join(config.dataDir, 'encryption-key');
  if (config.databaseUrl && config.secretKey?.startsWith('sk_live_')) {
    throw new EncryptionKeyError(
      'GATEHOUSE_ENCRYPTION_KEY must be set when DATABASE_URL is used with a live secret key (sk_live_…). ' +
        `Without it the key that seals TOTP secrets and signing keys would be generated into ${file}, on this ` +
        'machine only, and a new data dir would make them unreadable. Set GATEHOUSE_ENCRYPTION_KEY to 32 random ' +
        'bytes (openssl rand -hex 32), the same on every server.',
    );
  }
  let material = (await fs.readFile(file, 'utf8').catch(() => '')).trim();
  if (!material) {
    material = randomBytes(32).toString('hex');
    await fs.mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    await fs.writeFile(file, `${material}\n`, { mode: 0o600 });
  }
  if (config.databaseUrl) {
    warn(
      [
        'WARNING: GATEHOUSE_ENCRYPTION_KEY is not set. TOTP secrets and signing keys stored in PostgreSQL are',
        `sealed with a key generated into ${file}. Keep that file, or better, put its content in`,
        'GATEHOUSE_ENCRYPTION_KEY on every server: without it they cannot be read, and Gatehouse refuses to start.',
      ].join('\n'),
    );
  }
  return deriveKey(material);
}

/**
 * Refuses (EncryptionKeyError naming GATEHOUSE_ENCRYPTION_KEY) a key that does not open what the database
 * stores. The first start with the check in place stores a value sealed with the key, after making sure
 * the key opens a secret sealed before (a database from an earlier version).
 */
export async function checkEncryptionKey(db: Executor, secretBox: SecretBox, nowMs: number): Promise<void> {
  const check = await findEncryptionKeyCheck(db);
  const sample = check ?? (await findAnySealedSecret(db));
  if (sample !== undefined && !opens(secretBox, sample, check === undefined ? undefined : CHECK_PLAINTEXT)) {
    throw new EncryptionKeyError(
      'GATEHOUSE_ENCRYPTION_KEY does not open the secrets stored in this database (TOTP secrets, signing keys): ' +
        'it is not the key they were sealed with. Start with the key used before (without GATEHOUSE_ENCRYPTION_KEY, ' +
        'that is the one generated into the data dir\'s encryption-key file).',
    );
  }
  if (check === undefined) await insertEncryptionKeyCheckIfAbsent(db, secretBox.seal(CHECK_PLAINTEXT), nowMs);
}

function opens(secretBox: SecretBox, sealed: string, expected: string | undefined): boolean {
  try {
    const plaintext = secretBox.open(sealed);
    return expected === undefined || plaintext === expected;
  } catch (error) {
    if (error instanceof SecretBoxError) return false;
    throw error;
  }
}
