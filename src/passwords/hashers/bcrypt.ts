import { verify as bcryptVerify } from '@node-rs/bcrypt';
import { checkLength } from './format.js';
import { DigestFormatError, type Hasher } from './hasher.js';
import { BCRYPT_MAX_COST } from './limits.js';

const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/** Parses a modular-crypt bcrypt string and enforces the cost limit; returns the cost. */
export function parseBcrypt(digest: string): number {
  checkLength(digest, 'bcrypt');
  const m = BCRYPT.exec(digest);
  if (!m) throw new DigestFormatError('not a bcrypt digest');
  const cost = Number(m[1]);
  if (cost > BCRYPT_MAX_COST) throw new DigestFormatError(`bcrypt cost ${cost} exceeds the limit ${BCRYPT_MAX_COST}`);
  if (cost < 4) throw new DigestFormatError('bcrypt cost is below 4');
  return cost;
}

export const bcrypt = {
  name: 'bcrypt',
  parse(digest: string) {
    parseBcrypt(digest);
  },
  /** @node-rs/bcrypt verifies on libuv's thread pool; it compares in constant time. */
  async verify(digest: string, password: string) {
    parseBcrypt(digest);
    return bcryptVerify(password, digest);
  },
} satisfies Hasher;
