/**
 * Offline stand-in for Clerk's Have I Been Pwned check (`form_password_pwned`).
 *
 * Why offline: a self-hosted server must work without outbound network access, must not make every sign-up
 * wait on (or fail with) a third-party API, and should not reveal even a hash prefix of users' passwords to
 * anyone. The cost is coverage: the list below holds ~49 000 of the most common passwords from public breach
 * corpora (zxcvbn's `passwords-common`, ranked by frequency), not HIBP's hundreds of millions. It catches the
 * passwords attackers try first, which is what matters against online guessing.
 */
import { dictionary } from '@zxcvbn-ts/language-common';

let breached: Set<string> | undefined;

/**
 * Built on first use and kept: ~49 000 short strings, a few MB. (The package already decompresses the list
 * when it is imported; the Set is the part we can defer.)
 */
function breachedSet(): Set<string> {
  breached ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return breached;
}

/** Case-insensitive: `Password` and `PASSWORD` are as guessable as `password`, and crackers try them all. */
export function isCommonBreachedPassword(password: string): boolean {
  return breachedSet().has(password.toLowerCase());
}
