/**
 * RFC 4648 §6 base32 (the "A–Z 2–7" alphabet), the encoding of TOTP secrets in authenticator apps and in
 * `otpauth://` URIs, and the format Clerk expects for `totp_secret`.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * ASCII code → 5-bit value, or -1. Lower-case letters map like upper-case ones (decoding is case-insensitive).
 * Built once so decoding is one table lookup per character.
 */
const LOOKUP: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) {
    table[ALPHABET.charCodeAt(i)] = i;
    table[ALPHABET.toLowerCase().charCodeAt(i)] = i;
  }
  return table;
})();

/**
 * A base32 group is 8 characters for 5 bytes. A final partial group can only have 2, 4, 5 or 7 characters;
 * 1, 3 or 6 characters cannot come out of any encoder, so they mean a truncated or mistyped secret.
 */
const VALID_REMAINDERS = new Set([0, 2, 4, 5, 7]);

export class InvalidBase32Error extends Error {
  override readonly name = 'InvalidBase32Error';
}

/**
 * Encodes bytes as upper-case base32. `padding: false` drops the trailing `=`, which is how secrets appear
 * in `otpauth://` URIs and how most authenticator apps display them.
 */
export function base32Encode(data: Uint8Array, options: { padding?: boolean } = {}): string {
  const padding = options.padding ?? true;
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of data) {
    buffer = ((buffer << 8) | byte) & 0xffff; // at most 12 live bits, so 16 are enough
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >>> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  if (padding) while (out.length % 8 !== 0) out += '=';
  return out;
}

/**
 * Decodes base32 leniently where people copy secrets by hand, strictly everywhere else:
 * - case-insensitive, and spaces/tabs/newlines are ignored (apps show secrets in groups of four);
 * - `=` padding may be left out; if present it must be the correct amount and only at the end;
 * - any other character, or an impossible length, throws `InvalidBase32Error`.
 * Leftover bits of the last character are ignored rather than rejected (RFC 4648 §3.5 allows either):
 * some issuers generate secrets as random base32 characters rather than by encoding bytes, and Go's
 * encoding/base32 (Clerk's backend is written in Go) accepts them as well.
 */
export function base32Decode(text: string): Buffer {
  const compact = text.replace(/[ \t\r\n]/g, '');
  const firstPad = compact.indexOf('=');
  const data = firstPad === -1 ? compact : compact.slice(0, firstPad);
  const pad = compact.length - data.length;

  if (pad > 0 && (!/^=+$/.test(compact.slice(firstPad)) || pad >= 8 || compact.length % 8 !== 0)) {
    throw new InvalidBase32Error('base32 padding is malformed');
  }
  if (!VALID_REMAINDERS.has(data.length % 8)) {
    throw new InvalidBase32Error('base32 input has an impossible length');
  }

  const out = Buffer.alloc(Math.floor((data.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (let i = 0; i < data.length; i++) {
    const value = LOOKUP[data.charCodeAt(i)] ?? -1; // out of range (non-ASCII) reads undefined
    if (value < 0) throw new InvalidBase32Error(`invalid base32 character at position ${i}`);
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (buffer >>> bits) & 0xff;
    }
  }
  return out;
}
