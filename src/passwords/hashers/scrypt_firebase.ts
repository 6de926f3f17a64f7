import { createCipheriv } from 'node:crypto';
import { equalBytes } from './compare.js';
import { checkHashLength, checkLength, decodeBase64, parseCount } from './format.js';
import { DigestFormatError, type Hasher } from './hasher.js';
import { MIN_HASH_BYTES } from './limits.js';
import { checkScryptCost, scryptBytes, type ScryptCost } from './scrypt.js';

// Clerk's layout: `<b64 hash>$<b64 salt>$<b64 signer key>$<b64 salt separator>$<rounds>$<mem_cost>`.
// The last four are Firebase's project-wide settings, carried in every digest. Firebase's scheme
// (firebase/scrypt): key = scrypt(password, salt ‖ separator, N = 2^mem_cost, r = rounds, p = 1)[:32],
// hash = AES-256-CTR(key, IV = 16 zero bytes) of the signer key, so hash and signer key have one length.

interface FirebaseDigest {
  hash: Buffer;
  salt: Buffer;
  signerKey: Buffer;
  cost: ScryptCost;
}

function parse(digest: string): FirebaseDigest {
  checkLength(digest, 'scrypt_firebase');
  const fields = digest.split('$');
  if (fields.length !== 6) throw new DigestFormatError('scrypt_firebase digest needs 6 `$`-separated fields');
  const [hash = '', salt = '', signerKey = '', separator = '', rounds = '', memCost = ''] = fields;
  // 2^30 bounds the exponent before we compute it; checkScryptCost then applies the real memory limit.
  const cost = { N: 2 ** parseCount(memCost, 'scrypt_firebase mem_cost', 30), r: parseCount(rounds, 'scrypt_firebase rounds', 1024), p: 1 };
  checkScryptCost('scrypt_firebase', cost);
  const parsed = {
    hash: decodeBase64(hash, 'scrypt_firebase hash'),
    salt: Buffer.concat([decodeBase64(salt, 'scrypt_firebase salt'), decodeBase64(separator, 'scrypt_firebase salt separator')]),
    signerKey: decodeBase64(signerKey, 'scrypt_firebase signer key'),
    cost,
  };
  checkHashLength(parsed.hash, 'scrypt_firebase hash', MIN_HASH_BYTES);
  if (parsed.hash.length !== parsed.signerKey.length) throw new DigestFormatError('scrypt_firebase hash and signer key differ in length');
  return parsed;
}

export const scrypt_firebase = {
  name: 'scrypt_firebase',
  parse(digest: string) {
    parse(digest);
  },
  async verify(digest: string, password: string) {
    const { hash, salt, signerKey, cost } = parse(digest);
    const key = await scryptBytes(password, salt, 32, cost);
    // One AES pass over ≤ 1 KiB: microseconds, fine inline.
    const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
    return equalBytes(Buffer.concat([cipher.update(signerKey), cipher.final()]), hash);
  },
} satisfies Hasher;
