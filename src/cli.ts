#!/usr/bin/env node
import { ConfigError } from './config.js';
import { exportCommand, importCommand } from './import/cli.js';
import { signingKeysCommand } from './keys/cli.js';
import { secretKeysCommand } from './secret-keys/cli.js';

// `gatehouse <command>`: operations that run against the configured database (DATABASE_URL, or the
// embedded one in GATEHOUSE_DATA_DIR, which only one process may open: stop the server first).

const USAGE = `Usage: gatehouse <command>   (from a checkout: npx gatehouse <command>)

Commands:
  import <file>         Create users from a Clerk, Auth0, Firebase or Supabase export, or Gatehouse's own
                        JSON lines or CSV, with the rules of POST /v1/users (gatehouse import --help).
  export                Write every user, secrets included, in the import format or as Clerk's CSV
                        export (gatehouse export --help).

  Backend API secret keys (sk_live_…, sk_test_…: what clients send in "Authorization: Bearer"):
  keys list             List them: id, source (env, cli, dev), name, last four characters, created, revoked.
  keys create           Create one and print it once (--name <name>, --test for an sk_test_ key).
  keys revoke <id>      Revoke one: every running server refuses it within 2 seconds.

  Session-token signing key (RS256, published at /v1/jwks; not a secret key):
  signing-keys rotate   Add a new signing key. The old key signs no more tokens but stays in the JWKS
                        until every token it signed has expired.
  keys rotate           The same as signing-keys rotate (its older name, kept for existing scripts).
`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  import: importCommand,
  export: exportCommand,
  // `keys rotate` predates the secret-key commands and rotates the signing key; it stays as an alias.
  keys: (args) => (args[0] === 'rotate' ? signingKeysCommand(args) : secretKeysCommand(args)),
  'signing-keys': signingKeysCommand,
};

async function main(argv: string[]): Promise<number> {
  // Everything this process creates (PGlite's files, exports' rejects) is private to its owner (db/data-dir.ts).
  process.umask(0o077);
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
