import { equalBytes } from './compare.js';
import { checkHashLength, checkLength, decodeHex, parseCount } from './format.js';
import { DigestFormatError, type Hasher } from './hasher.js';
import { MIN_HASH_BYTES } from './limits.js';
import { checkScryptCost, scryptBytes, type ScryptCost } from './scrypt.js';

// Werkzeug's generate_password_hash output: `scrypt:<N>:<r>:<p>$<salt>$<hex hash>`. The salt
// string's UTF-8 bytes are the salt and the hash is hex (64 bytes). Clerk's docs write a leading `$`
// and call the hash base64, but real exports look like the above; we also take the leading `$`.
const WERKZEUG = /^\$?scrypt:(\d{1,10}):(\d{1,10}):(\d{1,10})\$([^$]+)\$([0-9a-fA-F]+)$/;

function parse(digest: string): { cost: ScryptCost; salt: Buffer; hash: Buffer } {
  checkLength(digest, 'scrypt_werkzeug');
  const m = WERKZEUG.exec(digest);
  if (!m) throw new DigestFormatError('not a Werkzeug scrypt digest');
  const [, n = '', r = '', p = '', salt = '', hex = ''] = m;
  const cost = { N: parseCount(n, 'scrypt_werkzeug N', Number.MAX_SAFE_INTEGER), r: Number(r), p: Number(p) };
  checkScryptCost('scrypt_werkzeug', cost);
  const hash = decodeHex(hex, 'scrypt_werkzeug hash');
  checkHashLength(hash, 'scrypt_werkzeug hash', MIN_HASH_BYTES);
  return { cost, salt: Buffer.from(salt, 'utf8'), hash };
}

export const scrypt_werkzeug = {
  name: 'scrypt_werkzeug',
  parse(digest: string) {
    parse(digest);
  },
  async verify(digest: string, password: string) {
    const { cost, salt, hash } = parse(digest);
    return equalBytes(await scryptBytes(password, salt, hash.length, cost), hash);
  },
} satisfies Hasher;
