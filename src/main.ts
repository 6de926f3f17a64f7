import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createDeps } from './deps.js';
import { startEmailDelivery } from './email/delivery.js';
import { buildFrontendApp } from './frontend/app.js';
import { publishableKey, publishableKeyUsable } from './frontend/publishable-key.js';
import { logger } from './logger.js';
import { ensureDevSecretKey, registerSecretKey } from './secret-keys/service.js';

/** Process entry: config, database, migrations, listen; close with grace on SIGTERM/SIGINT. */
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`gatehouse: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = logger(config.logLevel);
  const deps = await createDeps(config);
  const now = deps.clock.now();
  const devKey = config.secretKey ? undefined : await ensureDevSecretKey(deps.db, config.dataDir, now);
  if (config.secretKey) await registerSecretKey(deps.db, config.secretKey, now);
  await deps.keys.reload();

  const app = await buildApp(deps, { loggerInstance: log, requestTimeout: 30_000 });
  const address = await app.listen({ port: config.port, host: config.host });
  // The Frontend API (browsers, clerk-js) on its own port: this one is public, the Backend API's is not.
  const frontend = await buildFrontendApp(deps, { loggerInstance: log, requestTimeout: 30_000 });
  const frontendAddress = await frontend.listen({ port: config.frontendPort, host: config.host });
  // Background work in this process: sending what committed transactions queued.
  const emails = config.smtpUrl ? await startEmailDelivery({ db: deps.db, clock: deps.clock, smtpUrl: config.smtpUrl }, log) : undefined;

  const base = address.replace('[::1]', 'localhost');
  const database = config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`;
  const key = devKey ?? '<your GATEHOUSE_SECRET_KEY>';
  // Printed as plain text for a person, once; the development key is a local-only secret.
  process.stdout.write(
    [
      '',
      `Gatehouse is listening on ${base} (${database}).`,
      `Frontend API (clerk-js): ${frontendAddress.replace('[::1]', 'localhost')}, public URL ${config.frontendUrl}.`,
      devKey ? `Development secret key: ${devKey}` : 'Secret key: the one in GATEHOUSE_SECRET_KEY.',
      `Publishable key: ${publishableKey(config)}`,
      ...(publishableKeyUsable(config)
        ? []
        : [`  (its host has no dot, which @clerk/backend refuses: set GATEHOUSE_FRONTEND_URL to e.g. http://127.0.0.1:${config.frontendPort})`]),
      ...(config.frontendOrigins.length === 0
        ? ['  No GATEHOUSE_FRONTEND_ORIGINS: only pages on the Frontend API\'s own origin may use it from a browser.']
        : []),
      '',
      'Try it:',
      `  curl -s ${base}/v1/users -H "Authorization: Bearer ${key}"`,
      `  curl -s -X POST ${base}/v1/users -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" \\`,
      `       -d '{"email_address":["ada@example.com"],"password":"Kettle-Orbit-Lantern-42"}'`,
      '',
      `Or with @clerk/backend: createClerkClient({ secretKey: '${key}', apiUrl: '${base}' })`,
      '',
    ].join('\n'),
  );

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    // app.close stops accepting, waits for in-flight requests, then runs onClose (database).
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    try {
      await Promise.all([app.close(), frontend.close()]);
      await emails?.stop();
      await deps.db.destroy();
      clearTimeout(force);
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(`gatehouse: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
