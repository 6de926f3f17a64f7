import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DigestFormatError, type Hasher } from '../../../src/passwords/hashers/hasher.js';

export interface Vector {
  hasher: string;
  digest: string;
  password: string;
  wrong_password: string;
  generator: string;
  note?: string;
}

// The vectors live in the repository (test/fixtures/PASSWORD-DIGESTS.md says where each one came from).
export const vectors: Vector[] = JSON.parse(
  readFileSync(new URL('../../fixtures/password-digests.json', import.meta.url), 'utf8'),
);

/** The same digest with one character of its hash part changed to a different value of the same alphabet. */
export function mutate(digest: string, at = digest.length - 3): string {
  let i = at;
  while (i > 0 && !/[0-9A-Za-z]/.test(digest.charAt(i))) i--;
  const c = digest.charAt(i);
  const replacement = /[0-9a-fA-F]/.test(c)
    ? ((parseInt(c, 16) + 1) % 16).toString(16)
    : c === 'z' || c === 'Z'
      ? String.fromCharCode(c.charCodeAt(0) - 1)
      : String.fromCharCode(c.charCodeAt(0) + 1);
  return digest.slice(0, i) + replacement + digest.slice(i + 1);
}

/** A changed digest must either be refused by parse() or fail verify(). */
export async function assertRejected(hasher: Hasher, digest: string, password: string): Promise<void> {
  try {
    hasher.parse(digest);
  } catch (error) {
    assert.ok(error instanceof DigestFormatError, `parse threw ${String(error)}`);
    return;
  }
  assert.equal(await hasher.verify(digest, password), false, `verify accepted ${digest}`);
}

/** parse() must refuse the digest because a cost (or size) limit is exceeded, not for its layout. */
export function assertOverLimit(hasher: Hasher, digest: string): void {
  assert.throws(
    () => hasher.parse(digest),
    (error: unknown) => error instanceof DigestFormatError && /exceed/.test(error.message),
    `${hasher.name} accepted ${digest.slice(0, 80)}`,
  );
}
