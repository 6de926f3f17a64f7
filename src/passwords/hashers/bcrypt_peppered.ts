import { verify as bcryptVerify } from '@node-rs/bcrypt';
import { parseBcrypt } from './bcrypt.js';
import { checkLength } from './format.js';
import { DigestFormatError, type Hasher } from './hasher.js';

// bcrypt_peppered is Devise's (Ruby on Rails) scheme: plain bcrypt over `password ‖ pepper`
// (Devise's `"#{password}#{pepper}"`), not an HMAC. Clerk documents it that way and gives the layout
// `$<version>$<cost>$<salt & hash>$<pepper>`: the pepper travels in the digest, after a `$`.
// A plain 60-character bcrypt string (a raw Devise export) is also accepted; its pepper then comes
// from configuration (GATEHOUSE_BCRYPT_PEPPER, handed to configureHashers in index.ts).
// bcrypt reads only the first 72 bytes of password ‖ pepper, as Devise's bcrypt-ruby does, so a
// long password can push the pepper out of the input; matching the source means keeping that.
const BCRYPT_LENGTH = 60;

/** `pepper` is read at every call, so the registry can be configured after it is built. */
export function createBcryptPeppered(pepper: () => string | undefined) {
  const parse = (digest: string): { bcrypt: string; pepper: string } => {
    checkLength(digest, 'bcrypt_peppered');
    const bcrypt = digest.slice(0, BCRYPT_LENGTH);
    parseBcrypt(bcrypt);
    const rest = digest.slice(BCRYPT_LENGTH);
    if (rest === '') {
      const configured = pepper();
      if (!configured) throw new DigestFormatError('bcrypt_peppered needs GATEHOUSE_BCRYPT_PEPPER');
      return { bcrypt, pepper: configured };
    }
    if (!rest.startsWith('$') || rest.length === 1) throw new DigestFormatError('bcrypt_peppered: expected $<pepper> after the bcrypt string');
    return { bcrypt, pepper: rest.slice(1) };
  };
  return {
    name: 'bcrypt_peppered',
    parse(digest: string) {
      parse(digest);
    },
    /** @node-rs/bcrypt verifies on libuv's thread pool and compares in constant time. */
    async verify(digest: string, password: string) {
      const { bcrypt, pepper } = parse(digest);
      return bcryptVerify(password + pepper, bcrypt);
    },
  } satisfies Hasher;
}
