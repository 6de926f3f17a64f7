import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProgressView } from '../../src/import/progress.js';
import type { ImportProgress } from '../../src/import/run.js';

// The progress bar of a long import: the fraction done never shrinks and the time left never grows,
// whatever the estimates do (a slow batch, a burst of rejects, the second file of an Auth0 merge).

const at = (elapsedS: number, bytesDone: number, done: number): ImportProgress => ({
  read: done, inserted: done, updated: 0, skipped: 0, rejected: 0,
  bytesRead: bytesDone, bytesDone, totalBytes: 1000, elapsedMs: elapsedS * 1000,
});

test('progress view: fraction never goes backwards, ETA never goes up, and reaches 0 at the end', () => {
  const view = createProgressView();
  // Fast, then a long stall (the estimate balloons), then a step backwards in bytes, then the end.
  const samples = [at(1, 100, 100), at(2, 200, 200), at(10, 210, 210), at(30, 220, 220), at(31, 150, 150), at(32, 600, 600), at(40, 1000, 1000)];
  let previous = { fraction: 0, eta: Infinity };
  for (const sample of samples) {
    const shown = view(sample);
    assert.ok(shown.fraction >= previous.fraction, `fraction ${shown.fraction} after ${previous.fraction}`);
    assert.ok(shown.eta <= previous.eta, `ETA ${shown.eta} after ${previous.eta}`);
    previous = shown;
  }
  assert.equal(previous.fraction, 1);
  assert.equal(previous.eta, 0);
  // During the stall the raw estimate rose to (30 / 0.22) × 0.78 ≈ 106 s; the view showed at most 9 s.
  const stalled = createProgressView();
  stalled(at(1, 100, 100));
  assert.ok(stalled(at(2, 200, 200)).eta <= 8 + 1e-9);
  assert.ok(stalled(at(30, 220, 220)).eta >= 1, 'never below a second while unfinished');
});
