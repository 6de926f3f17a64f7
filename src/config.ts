import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** Everything Gatehouse reads from the environment, in one schema. The only file that reads process.env. */
const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  GATEHOUSE_DATA_DIR: Type.String({ minLength: 1, default: '.gatehouse' }),
  GATEHOUSE_SECRET_KEY: Type.Optional(Type.String({ pattern: '^sk_(test|live)_[A-Za-z0-9_-]{16,}$' })),
  GATEHOUSE_ENCRYPTION_KEY: Type.Optional(Type.String({ minLength: 32 })),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
});

const HINTS: Record<string, string> = {
  PORT: 'an integer from 0 to 65535',
  HOST: 'a host name or IP address to listen on',
  DATABASE_URL: 'a postgres:// or postgresql:// URL (leave it unset for the embedded database)',
  GATEHOUSE_DATA_DIR: 'a directory path',
  GATEHOUSE_SECRET_KEY: 'sk_test_… or sk_live_… followed by at least 16 letters, digits, _ or -',
  GATEHOUSE_ENCRYPTION_KEY: 'at least 32 characters (64 hex digits or base64 of 32 random bytes is best)',
  LOG_LEVEL: 'one of fatal, error, warn, info, debug, trace, silent',
};

export interface Config {
  port: number;
  host: string;
  /** `undefined` means the embedded PGlite database in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  secretKey: string | undefined;
  encryptionKey: string | undefined;
  logLevel: Static<typeof EnvSchema>['LOG_LEVEL'];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = Value.Default(EnvSchema, Value.Convert(EnvSchema, raw));
  const problems = [...Value.Errors(EnvSchema, parsed)].map((e) => {
    const key = e.path.slice(1);
    return `  ${key}=${JSON.stringify(raw[key] ?? '')} is invalid: expected ${HINTS[key] ?? e.message}`;
  });
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${[...new Set(problems)].join('\n')}`);
  }
  const env2 = parsed as Static<typeof EnvSchema>;
  return {
    port: env2.PORT,
    host: env2.HOST,
    databaseUrl: env2.DATABASE_URL,
    dataDir: path.resolve(env2.GATEHOUSE_DATA_DIR),
    secretKey: env2.GATEHOUSE_SECRET_KEY,
    encryptionKey: env2.GATEHOUSE_ENCRYPTION_KEY,
    logLevel: env2.LOG_LEVEL,
  };
}
