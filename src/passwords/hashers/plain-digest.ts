import { createHash } from 'node:crypto';
import { equalBytes } from './compare.js';
import { checkLength, decodeHex } from './format.js';
import { DigestFormatError, type Hasher } from './hasher.js';

// md5, sha256 and their salted forms: one MD5/SHA-256 over a few hundred bytes costs microseconds,
// so these run inline on the event loop. Hex is accepted in either case; bytes are compared.

type Algorithm = 'md5' | 'sha256';
const HEX_LENGTH: Record<Algorithm, number> = { md5: 32, sha256: 64 };

/** `<hex hash>` = H(password). */
export function unsaltedHexHasher(name: string, algorithm: Algorithm): Hasher {
  const parse = (digest: string): Buffer => {
    checkLength(digest, name);
    if (digest.length !== HEX_LENGTH[algorithm]) throw new DigestFormatError(`${name} digest must be ${HEX_LENGTH[algorithm]} hex characters`);
    return decodeHex(digest, `${name} digest`);
  };
  return {
    name,
    parse(digest) {
      parse(digest);
    },
    async verify(digest, password) {
      const expected = parse(digest);
      return equalBytes(createHash(algorithm).update(password, 'utf8').digest(), expected);
    },
  };
}

/**
 * `<salt>$<hex hash>` = H(salt ‖ password), the salt being its UTF-8 text. The hash is the last
 * field and has a fixed length, so a salt may itself contain `$`.
 */
export function saltedHexHasher(name: string, algorithm: Algorithm): Hasher {
  const parse = (digest: string): { salt: string; hash: Buffer } => {
    checkLength(digest, name);
    const split = digest.lastIndexOf('$');
    const salt = digest.slice(0, split);
    const hex = digest.slice(split + 1);
    if (split <= 0 || hex.length !== HEX_LENGTH[algorithm]) {
      throw new DigestFormatError(`${name} digest must be salt$<${HEX_LENGTH[algorithm]} hex characters>`);
    }
    return { salt, hash: decodeHex(hex, `${name} hash`) };
  };
  return {
    name,
    parse(digest) {
      parse(digest);
    },
    async verify(digest, password) {
      const { salt, hash } = parse(digest);
      return equalBytes(createHash(algorithm).update(salt, 'utf8').update(password, 'utf8').digest(), hash);
    },
  };
}
