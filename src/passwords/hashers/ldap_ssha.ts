import { createHash } from 'node:crypto';
import { equalBytes } from './compare.js';
import { checkLength, decodeBase64 } from './format.js';
import { DigestFormatError, type Hasher } from './hasher.js';

// Clerk documents no layout; this is RFC 2307 / OpenLDAP's `{SSHA}` + base64(SHA1(password ‖ salt) ‖ salt).
// The salt is every byte after the 20-byte SHA-1 (4 from slappasswd, 4–16 from passlib). The scheme
// name is case-insensitive, as in OpenLDAP. One SHA-1 is cheap, so it runs inline.
const SHA1_BYTES = 20;
const MIN_SALT_BYTES = 4; // slappasswd's and passlib's minimum; less would be close to unsalted {SHA}

function parse(digest: string): { hash: Buffer; salt: Buffer } {
  checkLength(digest, 'ldap_ssha');
  if (digest.slice(0, 6).toUpperCase() !== '{SSHA}') throw new DigestFormatError('ldap_ssha digest must start with {SSHA}');
  const bytes = decodeBase64(digest.slice(6), 'ldap_ssha payload');
  if (bytes.length < SHA1_BYTES + MIN_SALT_BYTES) throw new DigestFormatError('ldap_ssha payload is too short');
  return { hash: bytes.subarray(0, SHA1_BYTES), salt: bytes.subarray(SHA1_BYTES) };
}

export const ldap_ssha = {
  name: 'ldap_ssha',
  parse(digest: string) {
    parse(digest);
  },
  async verify(digest: string, password: string) {
    const { hash, salt } = parse(digest);
    return equalBytes(createHash('sha1').update(password, 'utf8').update(salt).digest(), hash);
  },
} satisfies Hasher;
