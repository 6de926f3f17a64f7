import assert from 'node:assert/strict';
import { isClerkAPIResponseError, type ClerkAPIResponseError } from '@clerk/backend/errors';

/** Runs `fn`, which must reject with a ClerkAPIResponseError, and returns it. */
export async function apiError(fn: () => Promise<unknown>): Promise<ClerkAPIResponseError> {
  try {
    await fn();
  } catch (error) {
    assert.ok(isClerkAPIResponseError(error), `expected a ClerkAPIResponseError, got ${String(error)}`);
    return error;
  }
  assert.fail('the call should have thrown');
}
