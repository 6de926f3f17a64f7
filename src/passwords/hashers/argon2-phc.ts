import { checkHashLength, checkLength, decodeBase64 } from './format.js';
import { DigestFormatError } from './hasher.js';
import { ARGON2_MAX_MEMORY_KIB, ARGON2_MAX_PARALLELISM, ARGON2_MAX_TIME_COST, MIN_HASH_BYTES } from './limits.js';

/** RFC 9106 §3.1: the salt is at least 8 bytes. */
const ARGON2_MIN_SALT_BYTES = 8;

const PHC = /^\$(argon2id|argon2i)\$v=(16|19)\$([a-z]=\d{1,10},[a-z]=\d{1,10},[a-z]=\d{1,10})\$([A-Za-z0-9+/]{8,})\$([A-Za-z0-9+/]{16,})$/;

/**
 * The cost parameters m, t and p, each once. The PHC string format fixes no order: the reference
 * implementation writes m,t,p, node-argon2 (the npm `argon2` package) writes m,p,t, and both verify alike.
 */
function costParameters(text: string, variant: string): { m: number; t: number; p: number } {
  const values = new Map(text.split(',').map((pair) => [pair[0]!, Number(pair.slice(2))]));
  const [m, t, p] = [values.get('m'), values.get('t'), values.get('p')];
  if (values.size !== 3 || m === undefined || t === undefined || p === undefined || p > 999) throw new DigestFormatError(`not a ${variant} PHC string`);
  return { m, t, p };
}

/** Parses an argon2 PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) and enforces the cost limits. */
export function parseArgon2(digest: string, variant: 'argon2i' | 'argon2id') {
  checkLength(digest, variant);
  const match = PHC.exec(digest);
  if (!match || match[1] !== variant) throw new DigestFormatError(`not a ${variant} PHC string`);
  const { m: memory, t: time, p: lanes } = costParameters(match[3]!, variant);
  if (memory > ARGON2_MAX_MEMORY_KIB || time > ARGON2_MAX_TIME_COST || lanes > ARGON2_MAX_PARALLELISM) {
    throw new DigestFormatError(`${variant} cost parameters exceed the limits`);
  }
  if (time < 1 || lanes < 1 || memory < 8 * lanes) throw new DigestFormatError(`${variant} cost parameters are invalid`);
  // The native verifier throws on non-canonical base64; reject it here, at import, instead.
  checkHashLength(decodeBase64(match[4] ?? '', `${variant} salt`), `${variant} salt`, ARGON2_MIN_SALT_BYTES);
  checkHashLength(decodeBase64(match[5] ?? '', `${variant} hash`), `${variant} hash`, MIN_HASH_BYTES);
  return { memory, time, lanes };
}
