/**
 * The contract every password hasher fulfils. Legacy hashers only parse and verify; the default
 * algorithm (argon2id) also hashes. Implementations do no I/O besides hashing and never block the
 * event loop: they use async node:crypto, a native async library, or the worker pool.
 */
export interface Hasher {
  /** The Clerk `password_hasher` wire name. */
  readonly name: string;
  /** Checks an imported digest's layout and cost limits; throws DigestFormatError when it is unusable. */
  parse(digest: string): void;
  /** True when `password` (hashed as its UTF-8 bytes) produces `digest`. Compares in constant time. */
  verify(digest: string, password: string): Promise<boolean>;
}

/** An imported digest that cannot be used: bad layout, or cost parameters above our limits. */
export class DigestFormatError extends Error {
  override readonly name = 'DigestFormatError';
}
