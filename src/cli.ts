#!/usr/bin/env node
import { ConfigError, loadConfig } from './config.js';
import { createDeps } from './deps.js';
import { exportCommand, importCommand } from './import/cli.js';
import { rotateSigningKey } from './keys/service.js';

// `gatehouse <command>`: operations that run against the configured database (DATABASE_URL, or the
// embedded one in GATEHOUSE_DATA_DIR, which only one process may open: stop the server first).

const USAGE = `Usage: gatehouse <command>

Commands:
  import <file>  Create users from a JSON Lines, CSV, Auth0 or Firebase export, with the rules of
                 POST /v1/users (gatehouse import --help for the options).
  export         Write every user, secrets included, in the import format (gatehouse export --help).
  keys rotate    Add a new session-token signing key. The old key signs no more tokens but stays in
                 the JWKS until every token it signed has expired.
`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  import: importCommand,
  export: exportCommand,
  async keys(args) {
    if (args[0] !== 'rotate') {
      process.stderr.write(USAGE);
      return 2;
    }
    const deps = await createDeps(loadConfig());
    try {
      const kid = await rotateSigningKey(deps);
      process.stdout.write(`New signing key ${kid}. Running servers sign with it from their next token.\n`);
      return 0;
    } finally {
      await deps.db.destroy();
    }
  },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(USAGE);
    return name === undefined || name === '--help' || name === '-h' ? 0 : 2;
  }
  return command(args);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`gatehouse: ${message}\n`);
    process.exit(1);
  },
);
