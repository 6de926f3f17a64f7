import { randomFillSync } from 'node:crypto';

// KSUID (github.com/segmentio/ksuid): 4 bytes of seconds since 2014-05-13 + 16 random bytes, base62 in
// 27 characters. Clerk's ids have the same shape (`user_2rvWkk90azWI2o3PH4LDuCMDPPh`) and sort by time.
const KSUID_EPOCH_S = 1_400_000_000;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const LENGTH = 27;

// The bulk import makes ~3 ids per user, millions in a run: random bytes come from a pool refilled
// 4 KiB at a time, and base62 is long division over 32-bit words instead of BigInt (~1 µs, not ~13).
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;
const BASE62_CODES = Buffer.from(BASE62, 'latin1');
const digits = Buffer.alloc(LENGTH);

export function ksuid(nowMs: number = Date.now()): string {
  if (poolOffset + 16 > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  // Five big-endian 32-bit words: the timestamp, then 16 random bytes.
  let w0 = Math.max(0, Math.floor(nowMs / 1000) - KSUID_EPOCH_S) >>> 0;
  let w1 = pool.readUInt32BE(poolOffset);
  let w2 = pool.readUInt32BE(poolOffset + 4);
  let w3 = pool.readUInt32BE(poolOffset + 8);
  let w4 = pool.readUInt32BE(poolOffset + 12);
  poolOffset += 16;
  // 27 digits: divide the 160-bit number by 62 each time. Each step's dividend is remainder·2^32 +
  // word < 62·2^32 < 2^38, exact in a double.
  for (let digit = 0; digit < LENGTH; digit++) {
    let v = w0;
    w0 = Math.floor(v / 62);
    v = (v - w0 * 62) * 0x1_0000_0000 + w1;
    w1 = Math.floor(v / 62);
    v = (v - w1 * 62) * 0x1_0000_0000 + w2;
    w2 = Math.floor(v / 62);
    v = (v - w2 * 62) * 0x1_0000_0000 + w3;
    w3 = Math.floor(v / 62);
    v = (v - w3 * 62) * 0x1_0000_0000 + w4;
    w4 = Math.floor(v / 62);
    digits[LENGTH - 1 - digit] = BASE62_CODES[v - w4 * 62]!;
  }
  return digits.toString('latin1');
}

/**
 * Clerk's id prefixes: `user_`, `idn_` (email, phone and wallet identifications), `sess_`, `ins_`, `ema_`
 * (emails)… `evt_`: outbox events. Svix's: `app_`, `ep_` (endpoints), `msg_`, `atmpt_` (attempts), `qtask_`.
 */
export type IdPrefix = 'user' | 'idn' | 'ins' | 'sk' | 'sess' | 'client' | 'jwk' | 'evt' | 'ema' | 'app' | 'ep' | 'msg' | 'atmpt' | 'qtask' | 'sia' | 'sua';

export function newId(prefix: IdPrefix, nowMs?: number): string {
  return `${prefix}_${ksuid(nowMs)}`;
}

/** A JSON-schema pattern for the ids newId(prefix) makes: the prefix, `_`, 27 base62 characters. */
export function idPattern(prefix: IdPrefix): string {
  return `^${prefix}_[0-9A-Za-z]{${LENGTH}}$`;
}
