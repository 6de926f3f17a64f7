import { randomBytes } from 'node:crypto';

// KSUID (github.com/segmentio/ksuid): 4 bytes of seconds since 2014-05-13 + 16 random bytes, base62 in
// 27 characters. Clerk's ids have the same shape (`user_2rvWkk90azWI2o3PH4LDuCMDPPh`) and sort by time.
const KSUID_EPOCH_S = 1_400_000_000;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const LENGTH = 27;

export function ksuid(nowMs: number = Date.now()): string {
  const bytes = Buffer.alloc(20);
  bytes.writeUInt32BE(Math.max(0, Math.floor(nowMs / 1000) - KSUID_EPOCH_S), 0);
  randomBytes(16).copy(bytes, 4);
  let n = BigInt('0x' + bytes.toString('hex'));
  let out = '';
  while (n > 0n) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out.padStart(LENGTH, '0');
}

/** Clerk's id prefixes: `user_`, `idn_` (email, phone and wallet identifications), `sess_`, `ins_`… */
export type IdPrefix = 'user' | 'idn' | 'ins' | 'sk' | 'sess' | 'client' | 'ntf' | 'jwk';

export function newId(prefix: IdPrefix, nowMs?: number): string {
  return `${prefix}_${ksuid(nowMs)}`;
}
