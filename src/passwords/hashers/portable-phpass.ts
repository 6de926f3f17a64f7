import { equalText } from './compare.js';
import { checkLength } from './format.js';
import { phpassChecksum } from './hash-loops.js';
import { DigestFormatError, type Hasher } from './hasher.js';
import { PHPASS_MAX_LOG2_ROUNDS } from './limits.js';

// Portable phpass (openwall), used by `phpass` and `md5_phpass`: `$P$` (WordPress) or `$H$` (phpBB,
// same scheme) + a rounds character + 8 salt characters + 22 checksum characters, all from ITOA64.
// The rounds character's index is log2 of the MD5 round count; the checksum is the final MD5 in
// phpass's own little-endian base64.

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const PHPASS = /^\$[PH]\$([./0-9A-Za-z])([./0-9A-Za-z]{8})([./0-9A-Za-z]{22})$/;
/** phpass's crypt_private refuses fewer than 2^7 rounds. */
const MIN_LOG2_ROUNDS = 7;

function parse(name: string, digest: string): { log2: number; salt: string; checksum: string } {
  checkLength(digest, name);
  const m = PHPASS.exec(digest);
  if (!m) throw new DigestFormatError(`not a ${name} digest ($P$ or $H$ + 31 characters)`);
  const [, rounds = '', salt = '', checksum = ''] = m;
  const log2 = ITOA64.indexOf(rounds);
  if (log2 > PHPASS_MAX_LOG2_ROUNDS) throw new DigestFormatError(`${name} log2 rounds ${log2} exceeds the limit ${PHPASS_MAX_LOG2_ROUNDS}`);
  if (log2 < MIN_LOG2_ROUNDS) throw new DigestFormatError(`${name} log2 rounds ${log2} is below ${MIN_LOG2_ROUNDS}`);
  return { log2, salt, checksum };
}

/** phpass's encode64: 6 bits at a time, least significant first. 16 bytes give 22 characters. */
export function encode64(input: Uint8Array): string {
  let out = '';
  for (let i = 0; i < input.length; i += 3) {
    const value = (input[i] ?? 0) | ((input[i + 1] ?? 0) << 8) | ((input[i + 2] ?? 0) << 16);
    const chars = Math.min(4, Math.ceil(((input.length - i) * 8) / 6)); // a short last group emits fewer characters
    for (let c = 0; c < chars; c++) out += ITOA64.charAt((value >> (6 * c)) & 0x3f);
  }
  return out;
}

export function portablePhpassHasher(name: string): Hasher {
  return {
    name,
    parse(digest) {
      parse(name, digest);
    },
    /** The MD5 loop runs on the hash-loop worker pool; the encoded checksums are compared in constant time. */
    async verify(digest, password) {
      const { log2, salt, checksum } = parse(name, digest);
      return equalText(encode64(await phpassChecksum(password, salt, 2 ** log2)), checksum);
    },
  };
}
