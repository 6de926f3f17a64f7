import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** Clerk's sender is `notifications@…`; set GATEHOUSE_EMAIL_FROM to an address your SMTP server may send from. */
export const DEFAULT_EMAIL_FROM = 'Gatehouse <notifications@localhost>';
/** Svix's retry schedule (docs.svix.com/retries): after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
const SVIX_RETRY_SCHEDULE = '5,300,1800,7200,18000,36000,36000';

/** Everything Gatehouse reads from the environment, in one schema. The only file that reads process.env. */
const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  GATEHOUSE_DATA_DIR: Type.String({ minLength: 1, default: '.gatehouse' }),
  GATEHOUSE_SECRET_KEY: Type.Optional(Type.String({ pattern: '^sk_(test|live)_[A-Za-z0-9_-]{16,}$' })),
  GATEHOUSE_ENCRYPTION_KEY: Type.Optional(Type.String({ minLength: 32 })),
  GATEHOUSE_ISSUER: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$' })),
  GATEHOUSE_BCRYPT_PEPPER: Type.Optional(Type.String({ minLength: 1 })),
  GATEHOUSE_HIBP_ONLINE: Type.Boolean({ default: false }),
  GATEHOUSE_HIBP_URL: Type.String({ pattern: '^https?://', default: 'https://api.pwnedpasswords.com/range/' }),
  GATEHOUSE_FRONTEND_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3001 }),
  GATEHOUSE_FRONTEND_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*)?$' })),
  GATEHOUSE_FRONTEND_ORIGINS: Type.Optional(Type.String({ pattern: '^\\s*https?://[^\\s,/]+\\s*(,\\s*https?://[^\\s,/]+\\s*)*$' })),
  GATEHOUSE_RATE_LIMITS: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  GATEHOUSE_TRUST_PROXY: Type.Optional(Type.String({ pattern: '^\\s*(\\d{1,2}|[0-9a-fA-F.:/]+(\\s*,\\s*[0-9a-fA-F.:/]+)*)\\s*$' })),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://[^\\s]+$' })),
  GATEHOUSE_EMAIL_FROM: Type.String({ maxLength: 320, pattern: '^([^<>@]*<[^<>\\s@]+@[^<>\\s@]+>|[^<>\\s@]+@[^<>\\s@]+)$', default: DEFAULT_EMAIL_FROM }),
  GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: Type.String({ pattern: '^\\s*\\d+(\\s*,\\s*\\d+)*\\s*$', default: SVIX_RETRY_SCHEDULE }),
  GATEHOUSE_WEBHOOK_TIMEOUT: Type.Integer({ minimum: 1, maximum: 300, default: 15 }),
  GATEHOUSE_WEBHOOK_ATTEMPT_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 30 }),
  GATEHOUSE_WEBHOOK_BLOCK_PRIVATE_NETWORKS: Type.Boolean({ default: false }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
});

// A database or SMTP URL may carry a password.
const SECRET_VARIABLES = new Set(['GATEHOUSE_SECRET_KEY', 'GATEHOUSE_ENCRYPTION_KEY', 'GATEHOUSE_BCRYPT_PEPPER', 'DATABASE_URL', 'SMTP_URL']);

const HINTS: Record<string, string> = {
  PORT: 'an integer from 0 to 65535',
  HOST: 'a host name or IP address to listen on',
  DATABASE_URL: 'a postgres:// or postgresql:// URL (leave it unset for the embedded database)',
  GATEHOUSE_DATA_DIR: 'a directory path',
  GATEHOUSE_SECRET_KEY: 'sk_test_… or sk_live_… followed by at least 16 letters, digits, _ or -',
  GATEHOUSE_ENCRYPTION_KEY: 'at least 32 characters (64 hex digits or base64 of 32 random bytes is best)',
  GATEHOUSE_BCRYPT_PEPPER: 'a non-empty string',
  GATEHOUSE_ISSUER: 'an http:// or https:// URL (the `iss` of session tokens)',
  GATEHOUSE_HIBP_ONLINE: 'true or false',
  GATEHOUSE_HIBP_URL: 'an http:// or https:// URL of a Have I Been Pwned range API',
  GATEHOUSE_FRONTEND_PORT: 'an integer from 0 to 65535',
  GATEHOUSE_FRONTEND_URL: 'an http:// or https:// URL without query or fragment (the public URL of the Frontend API)',
  GATEHOUSE_FRONTEND_ORIGINS: 'a comma-separated list of origins such as https://app.example.com,http://localhost:5173',
  GATEHOUSE_RATE_LIMITS: 'on or off',
  GATEHOUSE_TRUST_PROXY: 'the number of proxies in front of the Frontend API, or their addresses/CIDRs, comma-separated',
  SMTP_URL: 'an smtp:// or smtps:// URL, e.g. smtps://user:password@smtp.example.com:465',
  GATEHOUSE_EMAIL_FROM: 'an email address, optionally with a name: Acme <notifications@acme.com>',
  GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: 'seconds between attempts, comma-separated, e.g. 5,300,1800',
  GATEHOUSE_WEBHOOK_TIMEOUT: 'whole seconds from 1 to 300',
  GATEHOUSE_WEBHOOK_ATTEMPT_RETENTION_DAYS: 'whole days from 1 to 3650',
  GATEHOUSE_WEBHOOK_BLOCK_PRIVATE_NETWORKS: 'true or false',
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
  /** The `iss` claim of session tokens (Clerk puts its Frontend API URL there). */
  issuer: string;
  /** Devise's pepper for bcrypt_peppered digests that do not carry their own. */
  bcryptPepper: string | undefined;
  /** Also ask the online Have I Been Pwned range API (off by default: it sends a hash prefix out). */
  hibpOnline: boolean;
  hibpUrl: string;
  /** The Frontend API's own listener (src/frontend/): public, unlike the Backend API's port. */
  frontendPort: number;
  /** The public URL of the Frontend API (no trailing slash); the publishable key encodes its host. */
  frontendUrl: string;
  /** Origins whose browsers may call the Frontend API with credentials (exact match, no trailing slash). */
  frontendOrigins: string[];
  /** Clerk's per-IP Frontend API rate limits; `false` only for tests and benchmarks. */
  rateLimits: boolean;
  /**
   * Which X-Forwarded-For hops the Frontend API believes (Fastify's trustProxy): a hop count, or proxy
   * addresses. Unset: the socket's address is the client's, as it must be when nothing sits in front.
   */
  trustProxy: number | string[] | undefined;
  /** Where emails go out (nodemailer); unset: emails exist only as email.created events. */
  smtpUrl: string | undefined;
  /** The From of every email: `address` or `Name <address>`. */
  emailFrom: string;
  webhooks: WebhookConfig;
  logLevel: Static<typeof EnvSchema>['LOG_LEVEL'];
}

export interface WebhookConfig {
  /** Seconds to wait before each retry; its length is the number of retries. */
  retrySchedule: number[];
  /** Seconds a receiver has to answer one delivery. */
  timeout: number;
  /** Days attempts (and finished deliveries) are kept. */
  attemptRetentionDays: number;
  /** Refuse endpoints that are, or resolve to, loopback, private, link-local or otherwise internal addresses. */
  blockPrivateNetworks: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function trustProxy(value: string | undefined): number | string[] | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed.split(',').map((a) => a.trim());
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = Value.Default(EnvSchema, Value.Convert(EnvSchema, raw)) as Record<string, unknown>;
  // Value.Convert truncates '80.5' to 80 and reads '1e3' as 1 and '0x10' as 16: a port is plain digits.
  for (const key of ['PORT', 'GATEHOUSE_FRONTEND_PORT']) {
    const value = env[key];
    if (typeof value === 'string' && value !== '' && !/^\d+$/.test(value)) parsed[key] = value;
  }
  const problems = [...Value.Errors(EnvSchema, parsed)].map((e) => {
    const key = e.path.slice(1);
    // Secrets are never echoed, not even a mistyped one: this message goes to logs.
    const shown = SECRET_VARIABLES.has(key) ? '(value hidden)' : JSON.stringify(env[key] ?? '');
    return `  ${key}=${shown} is invalid: expected ${HINTS[key] ?? e.message}`;
  });
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${[...new Set(problems)].join('\n')}`);
  }
  const env2 = parsed as Static<typeof EnvSchema>;
  const hostInUrl = env2.HOST.includes(':') ? `[${env2.HOST}]` : env2.HOST;
  const frontendUrl = (env2.GATEHOUSE_FRONTEND_URL ?? `http://${hostInUrl}:${env2.GATEHOUSE_FRONTEND_PORT}`).replace(/\/$/, '');
  return {
    port: env2.PORT,
    host: env2.HOST,
    databaseUrl: env2.DATABASE_URL,
    dataDir: path.resolve(env2.GATEHOUSE_DATA_DIR),
    secretKey: env2.GATEHOUSE_SECRET_KEY,
    encryptionKey: env2.GATEHOUSE_ENCRYPTION_KEY,
    // Clerk's `iss` is its Frontend API URL.
    issuer: env2.GATEHOUSE_ISSUER ?? frontendUrl,
    bcryptPepper: env2.GATEHOUSE_BCRYPT_PEPPER,
    hibpOnline: env2.GATEHOUSE_HIBP_ONLINE,
    hibpUrl: env2.GATEHOUSE_HIBP_URL,
    frontendPort: env2.GATEHOUSE_FRONTEND_PORT,
    frontendUrl,
    frontendOrigins: (env2.GATEHOUSE_FRONTEND_ORIGINS ?? '').split(',').map((o) => o.trim()).filter((o) => o !== ''),
    rateLimits: env2.GATEHOUSE_RATE_LIMITS === 'on',
    trustProxy: trustProxy(env2.GATEHOUSE_TRUST_PROXY),
    smtpUrl: env2.SMTP_URL,
    emailFrom: env2.GATEHOUSE_EMAIL_FROM,
    webhooks: {
      retrySchedule: env2.GATEHOUSE_WEBHOOK_RETRY_SCHEDULE.split(',').map((s) => Number(s.trim())),
      timeout: env2.GATEHOUSE_WEBHOOK_TIMEOUT,
      attemptRetentionDays: env2.GATEHOUSE_WEBHOOK_ATTEMPT_RETENTION_DAYS,
      blockPrivateNetworks: env2.GATEHOUSE_WEBHOOK_BLOCK_PRIVATE_NETWORKS,
    },
    logLevel: env2.LOG_LEVEL,
  };
}
