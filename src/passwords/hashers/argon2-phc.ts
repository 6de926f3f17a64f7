import { checkHashLength, checkLength, decodeBase64 } from './format.js';
import { DigestFormatError } from './hasher.js';
import { ARGON2_MAX_MEMORY_KIB, ARGON2_MAX_PARALLELISM, ARGON2_MAX_TIME_COST, MIN_HASH_BYTES } from './limits.js';

/** RFC 9106 §3.1: the salt is at least 8 bytes. */
const ARGON2_MIN_SALT_BYTES = 8;

const PHC = /^\$(argon2id|argon2i)\$v=(16|19)\$m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,3})\$([A-Za-z0-9+/]{8,})\$([A-Za-z0-9+/]{16,})$/;

/** Parses an argon2 PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) and enforces the cost limits. */
export function parseArgon2(digest: string, variant: 'argon2i' | 'argon2id') {
  checkLength(digest, variant);
  const m = PHC.exec(digest);
  if (!m || m[1] !== variant) throw new DigestFormatError(`not a ${variant} PHC string`);
  const memory = Number(m[3]);
  const time = Number(m[4]);
  const lanes = Number(m[5]);
  if (memory > ARGON2_MAX_MEMORY_KIB || time > ARGON2_MAX_TIME_COST || lanes > ARGON2_MAX_PARALLELISM) {
    throw new DigestFormatError(`${variant} cost parameters exceed the limits`);
  }
  if (time < 1 || lanes < 1 || memory < 8 * lanes) throw new DigestFormatError(`${variant} cost parameters are invalid`);
  // The native verifier throws on non-canonical base64; reject it here, at import, instead.
  checkHashLength(decodeBase64(m[6] ?? '', `${variant} salt`), `${variant} salt`, ARGON2_MIN_SALT_BYTES);
  checkHashLength(decodeBase64(m[7] ?? '', `${variant} hash`), `${variant} hash`, MIN_HASH_BYTES);
  return { memory, time, lanes };
}
