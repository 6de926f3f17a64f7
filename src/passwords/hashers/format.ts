import { DigestFormatError } from './hasher.js';
import { DIGEST_MAX_LENGTH } from './limits.js';

// Strict readers for the pieces of a digest. Node's own decoders are lenient (Buffer.from skips bad
// characters and ignores a base64 string's unused low bits), which would let a digest with a changed
// character still "decode"; these reject anything that is not the canonical encoding.

/** Rejects an empty or oversized digest before any regex or split runs on it. */
export function checkLength(digest: string, name: string): void {
  if (typeof digest !== 'string' || digest.length === 0) throw new DigestFormatError(`${name}: empty digest`);
  if (digest.length > DIGEST_MAX_LENGTH) {
    throw new DigestFormatError(`${name}: digest length ${digest.length} exceeds the limit ${DIGEST_MAX_LENGTH}`);
  }
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/;

export function isHex(text: string): boolean {
  return HEX.test(text);
}

export function decodeHex(text: string, what: string): Buffer {
  if (!HEX.test(text)) throw new DigestFormatError(`${what} is not hex`);
  return Buffer.from(text, 'hex');
}

/** Standard-alphabet base64, with or without `=` padding, in canonical form. */
export function decodeBase64(text: string, what: string): Buffer {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw new DigestFormatError(`${what} is not base64`);
  const bytes = Buffer.from(text, 'base64');
  const canonical = bytes.toString('base64');
  if (text !== canonical && text !== canonical.replace(/=+$/, '')) throw new DigestFormatError(`${what} is not canonical base64`);
  return bytes;
}

/** A decimal count in [min, max]; `max` is a named limit, so going over it says "exceeds". */
export function parseCount(text: string, what: string, max: number, min = 1): number {
  if (!/^\d{1,12}$/.test(text)) throw new DigestFormatError(`${what} is not a number`);
  const value = Number(text);
  if (value > max) throw new DigestFormatError(`${what} ${value} exceeds the limit ${max}`);
  if (value < min) throw new DigestFormatError(`${what} ${value} is below ${min}`);
  return value;
}

/** The hash must be long enough that a random password cannot match it by chance. */
export function checkHashLength(hash: Uint8Array, what: string, min: number, max = Infinity): void {
  if (hash.length > max) throw new DigestFormatError(`${what} length ${hash.length} exceeds the limit ${max} bytes`);
  if (hash.length < min) throw new DigestFormatError(`${what} is ${hash.length} bytes, below ${min}`);
}
