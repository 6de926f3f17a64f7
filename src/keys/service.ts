import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { Executor } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { signJwtRs256 } from '../lib/jwt.js';
import type { SecretBox } from '../lib/secret-box.js';
import { extendMaxTokenExpiry, findPublishedKeys, findSigningKey, insertSigningKey, retireKeysExcept } from './store.js';

type KeyDeps = { db: Executor; clock: Clock; secretBox: SecretBox };

/** RSA-2048 with e=65537: what @clerk/backend's networkless verifyToken({ jwtKey }) can parse. */
async function generateRsaKey(deps: KeyDeps) {
  const { publicKey, privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048, publicExponent: 65537 });
  const now = deps.clock.now();
  return {
    id: newId('jwk', now),
    algorithm: 'RS256' as const,
    public_key_pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    private_key_sealed: deps.secretBox.seal(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    max_token_expires_at: null,
    created_at: now,
    retired_at: null,
  };
}

/** Creates the first signing key on first start; does nothing when one exists. */
export async function ensureSigningKey(deps: KeyDeps): Promise<void> {
  if (await findSigningKey(deps.db)) return;
  await insertSigningKey(deps.db, await generateRsaKey(deps));
}

/**
 * Adds a new signing key and retires the others: they sign no more tokens, but stay in the JWKS until
 * every token they signed has expired, so no valid token stops verifying. Returns the new key id.
 */
export async function rotateSigningKey(deps: KeyDeps): Promise<string> {
  const key = await generateRsaKey(deps);
  await inTransaction(deps.db, async (db) => {
    await insertSigningKey(db, key);
    await retireKeysExcept(db, key.id, deps.clock.now());
  });
  return key.id;
}

/** The public JWK of an RSA key, as Clerk's /v1/jwks lists it. */
function toJwk(id: string, publicKeyPem: string) {
  const jwk = createPublicKey(publicKeyPem).export({ format: 'jwk' }) as { n: string; e: string };
  return { use: 'sig', kty: 'RSA', kid: id, alg: 'RS256', n: jwk.n, e: jwk.e };
}

/**
 * A retired key stays published this long after its last token's exp: verifiers accept a token a few
 * seconds past exp (clock skew; @clerk/backend allows 5 s), and must still find its key then.
 */
export const RETIRED_KEY_GRACE_MS = 60_000;

export async function getJwks(deps: KeyDeps) {
  const keys = await findPublishedKeys(deps.db, deps.clock.now() - RETIRED_KEY_GRACE_MS);
  return { keys: keys.map((k) => toJwk(k.id, k.public_key_pem)) };
}

/** The PEM public key of the current signing key (what verifyToken's `jwtKey` option takes). */
export async function getSigningPublicKeyPem(deps: KeyDeps): Promise<string> {
  const key = await findSigningKey(deps.db);
  if (!key) throw new Error('no signing key: ensureSigningKey was not called');
  return key.public_key_pem;
}

// Unsealing and parsing a private key costs ~1 ms; keep the parsed key per id.
const privateKeys = new Map<string, KeyObject>();

/**
 * Signs `claims` with the current signing key and records the token's expiry on the key, so that a
 * rotation keeps the key published for as long as the token lives.
 */
export async function signToken(deps: KeyDeps, claims: Record<string, unknown> & { exp: number }): Promise<string> {
  const key = await findSigningKey(deps.db);
  if (!key) throw new Error('no signing key: ensureSigningKey was not called');
  let privateKey = privateKeys.get(key.id);
  if (!privateKey) {
    privateKey = createPrivateKey(deps.secretBox.open(key.private_key_sealed));
    privateKeys.set(key.id, privateKey);
  }
  await extendMaxTokenExpiry(deps.db, key.id, claims.exp * 1000);
  return signJwtRs256(claims, privateKey, key.id);
}
