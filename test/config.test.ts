import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.js';
import { databaseTarget } from '../src/deps.js';

const GOOD_KEY = 'sk_test_abcdefghijklmnop0123';

/** Runs loadConfig and returns the ConfigError it must throw. */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail(`loadConfig(${JSON.stringify(env)}) should have thrown`);
}

test('loadConfig({}) → defaults: port 3000, 127.0.0.1, embedded PGlite in ./.gatehouse, no key, info', () => {
  const config = loadConfig({});
  assert.deepEqual(config, {
    port: 3000,
    host: '127.0.0.1',
    databaseUrl: undefined,
    dataDir: path.resolve('.gatehouse'),
    secretKey: undefined,
    encryptionKey: undefined,
    issuer: 'http://127.0.0.1:3001',
    bcryptPepper: undefined,
    hibpOnline: false,
    hibpUrl: 'https://api.pwnedpasswords.com/range/',
    frontendPort: 3001,
    frontendUrl: 'http://127.0.0.1:3001',
    frontendOrigins: [],
    rateLimits: true,
    trustProxy: undefined,
    smtpUrl: undefined,
    emailFrom: 'Gatehouse <notifications@localhost>',
    webhooks: { retrySchedule: [5, 300, 1800, 7200, 18000, 36000, 36000], timeout: 15, attemptRetentionDays: 30, blockPrivateNetworks: false },
    logLevel: 'info',
  });
  assert.deepEqual(databaseTarget(config), { kind: 'pglite', dataDir: path.join(path.resolve('.gatehouse'), 'pgdata') });
});

test('loadConfig: the Frontend API listener, its public URL (the default `iss`), allowed origins, rate limits', () => {
  const config = loadConfig({
    GATEHOUSE_FRONTEND_PORT: '4001',
    GATEHOUSE_FRONTEND_URL: 'https://clerk.example.com/',
    GATEHOUSE_FRONTEND_ORIGINS: ' https://app.example.com , http://localhost:5173',
    GATEHOUSE_RATE_LIMITS: 'off',
  });
  assert.equal(config.frontendPort, 4001);
  assert.equal(config.frontendUrl, 'https://clerk.example.com', 'a trailing slash is dropped');
  assert.equal(config.issuer, 'https://clerk.example.com', 'tokens are issued by the Frontend API, as Clerk does');
  assert.deepEqual(config.frontendOrigins, ['https://app.example.com', 'http://localhost:5173']);
  assert.equal(config.rateLimits, false);
  assert.equal(loadConfig({ GATEHOUSE_TRUST_PROXY: '1' }).trustProxy, 1);
  assert.deepEqual(loadConfig({ GATEHOUSE_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy, ['10.0.0.0/8', '127.0.0.1']);
  assert.equal(loadConfig({ GATEHOUSE_FRONTEND_PORT: '4001' }).frontendUrl, 'http://127.0.0.1:4001');
  assert.equal(loadConfig({ HOST: '::1' }).frontendUrl, 'http://[::1]:3001');
  assert.equal(loadConfig({ GATEHOUSE_FRONTEND_URL: 'https://app.example.com/__clerk' }).frontendUrl, 'https://app.example.com/__clerk');
  assert.equal(loadConfig({ GATEHOUSE_ISSUER: 'https://issuer.example.com', GATEHOUSE_FRONTEND_URL: 'https://clerk.example.com' }).issuer, 'https://issuer.example.com');
});

test('loadConfig: bad Frontend API settings are refused, each named', () => {
  for (const [key, value] of [
    ['GATEHOUSE_FRONTEND_PORT', '80.5'],
    ['GATEHOUSE_FRONTEND_PORT', '70000'],
    ['GATEHOUSE_FRONTEND_URL', 'clerk.example.com'],
    ['GATEHOUSE_FRONTEND_URL', 'https://clerk.example.com/?x=1'],
    ['GATEHOUSE_FRONTEND_ORIGINS', 'https://app.example.com/path'],
    ['GATEHOUSE_FRONTEND_ORIGINS', 'app.example.com'],
    ['GATEHOUSE_RATE_LIMITS', 'maybe'],
    ['GATEHOUSE_TRUST_PROXY', 'yes please'],
  ] as const) {
    const error = configError({ [key]: value });
    assert.match(error.message, new RegExp(`${key}=`), `${key}=${value}`);
  }
});

test('loadConfig reads only the env it is given, not process.env', () => {
  const saved = process.env.PORT;
  process.env.PORT = '4999';
  try {
    assert.equal(loadConfig({}).port, 3000);
    assert.equal(loadConfig().port, 4999);
  } finally {
    if (saved === undefined) delete process.env.PORT;
    else process.env.PORT = saved;
  }
});

test('loadConfig: empty strings count as unset and take the default', () => {
  const config = loadConfig({ PORT: '', HOST: '', DATABASE_URL: '', LOG_LEVEL: '', GATEHOUSE_SECRET_KEY: '' });
  assert.equal(config.port, 3000);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.logLevel, 'info');
  assert.equal(config.secretKey, undefined);
});

test('loadConfig: PORT is parsed as an integer from 0 to 65535', () => {
  assert.equal(loadConfig({ PORT: '8080' }).port, 8080);
  assert.equal(loadConfig({ PORT: '0' }).port, 0);
  assert.equal(loadConfig({ PORT: '65535' }).port, 65535);
  for (const bad of ['abc', '65536', '-1', '80.5', '1e3', '0x10', '8080abc']) {
    const error = configError({ PORT: bad });
    assert.ok(error.message.includes(`PORT=${JSON.stringify(bad)}`), `PORT=${bad} is quoted as given: ${error.message}`);
    assert.match(error.message, /0 to 65535/);
  }
});

test('loadConfig: HOST is taken as given', () => {
  assert.equal(loadConfig({ HOST: '0.0.0.0' }).host, '0.0.0.0');
  assert.equal(loadConfig({ HOST: '::' }).host, '::');
});

test('loadConfig: DATABASE_URL postgres:// or postgresql:// switches to PostgreSQL', () => {
  for (const url of ['postgres://u:p@db:5432/gatehouse', 'postgresql://db/gatehouse?sslmode=require']) {
    const config = loadConfig({ DATABASE_URL: url });
    assert.equal(config.databaseUrl, url);
    assert.deepEqual(databaseTarget(config), { kind: 'postgres', url });
  }
});

test('loadConfig: DATABASE_URL mysql:// → ConfigError naming DATABASE_URL and what is expected', () => {
  const error = configError({ DATABASE_URL: 'mysql://root:hunter2@localhost/app' });
  assert.match(error.message, /DATABASE_URL/);
  assert.doesNotMatch(error.message, /hunter2/, 'a URL may carry a password: the value is not echoed');
  assert.match(error.message, /postgres:\/\//, 'the message says what would work');
  for (const bad of ['sqlite:///tmp/x.db', 'localhost:5432', 'xpostgres://db']) {
    assert.match(configError({ DATABASE_URL: bad }).message, /DATABASE_URL/, bad);
  }
});

test('loadConfig: GATEHOUSE_HIBP_ONLINE and GATEHOUSE_HIBP_URL; GATEHOUSE_BCRYPT_PEPPER is never echoed', () => {
  const config = loadConfig({ GATEHOUSE_HIBP_ONLINE: 'true', GATEHOUSE_HIBP_URL: 'http://127.0.0.1:9/range/', GATEHOUSE_BCRYPT_PEPPER: 'pep' });
  assert.equal(config.hibpOnline, true);
  assert.equal(config.hibpUrl, 'http://127.0.0.1:9/range/');
  assert.equal(config.bcryptPepper, 'pep');
  const error = configError({ GATEHOUSE_HIBP_ONLINE: 'maybe', GATEHOUSE_HIBP_URL: 'ftp://x' });
  assert.match(error.message, /GATEHOUSE_HIBP_ONLINE/);
  assert.match(error.message, /GATEHOUSE_HIBP_URL/);
  const secret = configError({ GATEHOUSE_SECRET_KEY: 'sk_test_short' });
  assert.doesNotMatch(secret.message, /sk_test_short/, 'a mistyped secret key is not echoed');
});

test('loadConfig: GATEHOUSE_DATA_DIR is resolved to an absolute path', () => {
  assert.equal(loadConfig({ GATEHOUSE_DATA_DIR: '/var/lib/gatehouse' }).dataDir, '/var/lib/gatehouse');
  const relative = loadConfig({ GATEHOUSE_DATA_DIR: 'data/gh' }).dataDir;
  assert.ok(path.isAbsolute(relative));
  assert.equal(relative, path.resolve('data/gh'));
});

test('loadConfig: GATEHOUSE_SECRET_KEY must be sk_test_/sk_live_ with at least 16 more characters', () => {
  assert.equal(loadConfig({ GATEHOUSE_SECRET_KEY: GOOD_KEY }).secretKey, GOOD_KEY);
  const live = 'sk_live_ABCDEFGHIJ-klmnop_qr';
  assert.equal(loadConfig({ GATEHOUSE_SECRET_KEY: live }).secretKey, live);
  for (const bad of ['pk_test_abcdefghijklmnop0123', 'sk_test_short', 'sk_prod_abcdefghijklmnop0123', 'sk_test_abcdefghijklmnop 0123', 'abcdefghijklmnopqrstuvwxyz']) {
    const error = configError({ GATEHOUSE_SECRET_KEY: bad });
    assert.match(error.message, /GATEHOUSE_SECRET_KEY/, bad);
    assert.match(error.message, /sk_test_/);
  }
});

test('loadConfig: LOG_LEVEL accepts the pino levels and rejects others', () => {
  for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const) {
    assert.equal(loadConfig({ LOG_LEVEL: level }).logLevel, level);
  }
  for (const bad of ['verbose', 'INFO', 'warning']) {
    const error = configError({ LOG_LEVEL: bad });
    assert.match(error.message, /LOG_LEVEL/, bad);
    assert.match(error.message, /debug/);
  }
});

test('loadConfig: every bad value is reported in one ConfigError, one line each', () => {
  const error = configError({
    PORT: 'http',
    DATABASE_URL: 'mysql://x',
    LOG_LEVEL: 'loud',
    GATEHOUSE_SECRET_KEY: 'nope',
    HOST: 'localhost',
  });
  assert.equal(error.name, 'ConfigError');
  for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'GATEHOUSE_SECRET_KEY']) {
    assert.match(error.message, new RegExp(`^\\s*${name}=`, 'm'), `${name} is reported`);
  }
  assert.doesNotMatch(error.message, /HOST=/, 'a good value is not reported');
  const lines = error.message.split('\n').filter((l) => l.includes('is invalid'));
  assert.equal(lines.length, 4, error.message);
});

test('loadConfig: SMTP_URL is smtp:// or smtps:// and never echoed; GATEHOUSE_EMAIL_FROM is an address, optionally named', () => {
  const config = loadConfig({ SMTP_URL: 'smtps://user:pw@smtp.example.com:465', GATEHOUSE_EMAIL_FROM: 'Acme <notifications@acme.com>' });
  assert.equal(config.smtpUrl, 'smtps://user:pw@smtp.example.com:465');
  assert.equal(config.emailFrom, 'Acme <notifications@acme.com>');
  assert.equal(loadConfig({ GATEHOUSE_EMAIL_FROM: 'bare@acme.com' }).emailFrom, 'bare@acme.com');
  const error = configError({ SMTP_URL: 'http://user:s3cret@smtp.example.com' });
  assert.match(error.message, /SMTP_URL=\(value hidden\)/);
  assert.doesNotMatch(error.message, /s3cret/);
  assert.match(configError({ GATEHOUSE_EMAIL_FROM: 'not an address' }).message, /GATEHOUSE_EMAIL_FROM/);
  assert.match(configError({ GATEHOUSE_EMAIL_FROM: 'Acme <a@b.c' }).message, /GATEHOUSE_EMAIL_FROM/);
});

test('loadConfig: webhook settings (retry schedule in seconds, timeout, retention, private networks)', () => {
  const config = loadConfig({
    GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: '1, 2,3',
    GATEHOUSE_WEBHOOK_TIMEOUT: '3',
    GATEHOUSE_WEBHOOK_ATTEMPT_RETENTION_DAYS: '7',
    GATEHOUSE_WEBHOOK_BLOCK_PRIVATE_NETWORKS: 'true',
  });
  assert.deepEqual(config.webhooks, { retrySchedule: [1, 2, 3], timeout: 3, attemptRetentionDays: 7, blockPrivateNetworks: true });
  for (const bad of [' , ', '5,,6', '-1', '1.5', 'five']) {
    assert.match(configError({ GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: bad }).message, /GATEHOUSE_WEBHOOK_RETRY_SCHEDULE/, bad);
  }
  assert.match(configError({ GATEHOUSE_WEBHOOK_TIMEOUT: '0' }).message, /GATEHOUSE_WEBHOOK_TIMEOUT/);
});
