import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import { equalBytes } from './compare.js';
import { checkHashLength, parseCount } from './format.js';
import { DigestFormatError, type Hasher } from './hasher.js';
import { MIN_HASH_BYTES, PBKDF2_MAX_ITERATIONS, PBKDF2_MAX_KEY_BYTES } from './limits.js';

// The five pbkdf2_* hashers differ only in how their digest spells the salt and hash; each file
// parses its layout into Pbkdf2Params and this module does the limits and the verifying.

const pbkdf2Async = promisify(pbkdf2);

export interface Pbkdf2Params {
  digest: 'sha1' | 'sha256' | 'sha512';
  iterations: number;
  salt: Buffer;
  /** The stored derived key; its length is the dkLen to derive. */
  hash: Buffer;
}

export function parseIterations(text: string, name: string): number {
  return parseCount(text, `${name} iterations`, PBKDF2_MAX_ITERATIONS);
}

/** Builds a verify-only hasher from a layout parser; the parser only reads fields, limits are checked here. */
export function pbkdf2Hasher(name: string, parseLayout: (digest: string) => Pbkdf2Params): Hasher {
  const parse = (digest: string): Pbkdf2Params => {
    const params = parseLayout(digest);
    if (params.salt.length === 0) throw new DigestFormatError(`${name}: empty salt`);
    checkHashLength(params.hash, `${name} hash`, MIN_HASH_BYTES, PBKDF2_MAX_KEY_BYTES);
    return params;
  };
  return {
    name,
    parse(digest) {
      parse(digest);
    },
    /** node:crypto's async pbkdf2 runs on libuv's thread pool, not on the event loop. */
    async verify(digest, password) {
      const { digest: algorithm, iterations, salt, hash } = parse(digest);
      const derived = await pbkdf2Async(Buffer.from(password, 'utf8'), salt, iterations, hash.length, algorithm);
      return equalBytes(derived, hash);
    },
  };
}
