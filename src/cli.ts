#!/usr/bin/env node
import { ConfigError, loadConfig } from './config.js';
import { createDeps } from './deps.js';
import { exportCommand, importCommand } from './import/cli.js';
import { rotateSigningKey } from './keys/service.js';

// `gatehouse <command>`: operations that run against the configured database (DATABASE_URL, or the
// embedded one in GATEHOUSE_DATA_DIR, which only one process may open: stop the server first).

const USAGE = `Usage: gatehouse <command>   (from a checkout: npx gatehouse <command>)

Commands:
  import <file>  Create users from a Clerk, Auth0, Firebase or Supabase export, or Gatehouse's own JSON
                 lines or CSV, with the rules of POST /v1/users (gatehouse import --help for the options).
  export         Write every user, secrets included, in the import format or as Clerk's CSV export
                 (gatehouse export --help).
  keys rotate    Add a new session-token signing key. The old key signs no more tokens but stays in
                 the JWKS until every token it signed has expired.
`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  import: importCommand,
  export: exportCommand,
  async keys(args) {
    if (args[0] === '--help' || args[0] === '-h') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (args[0] !== 'rotate') {
      process.stderr.write(`gatehouse keys: ${args[0] === undefined ? 'which keys command?' : `unknown command "${args[0]}"`}\n\n${USAGE}`);
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
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`gatehouse: unknown command "${name}"\n\n${USAGE}`);
    return 2;
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
