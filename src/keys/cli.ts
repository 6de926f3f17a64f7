import { loadConfig } from '../config.js';
import { createDeps } from '../deps.js';
import { rotateSigningKey } from './service.js';

// `gatehouse signing-keys rotate` (src/cli.ts; `gatehouse keys rotate` is its older name): the key that signs
// session tokens, not the Backend API secret keys (those are `gatehouse keys list | create | revoke`).

export const SIGNING_KEYS_USAGE = `Usage: gatehouse signing-keys rotate

Adds a new session-token signing key (the RS256 key behind /v1/jwks). The old key signs no more tokens
but stays in the JWKS until every token it signed has expired. "gatehouse keys rotate" does the same.
`;

export async function signingKeysCommand(args: string[]): Promise<number> {
  if (args[0] === '--help' || args[0] === '-h') {
    process.stdout.write(SIGNING_KEYS_USAGE);
    return 0;
  }
  if (args.length !== 1 || args[0] !== 'rotate') {
    process.stderr.write(SIGNING_KEYS_USAGE);
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
}
