import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// `npm test` must pass on a fresh clone: nothing in src/ or test/ may point outside the repository.
const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else yield full;
  }
}

test('no file in src/ or test/ refers to the sibling shared folder or an absolute work path', () => {
  // Built from parts so that this file does not match itself.
  const outside = new RegExp(['\\.\\./', 'shared', '|', '/work', '/(main|shared|wt)\\b'].join(''));
  const offenders: string[] = [];
  for (const folder of ['src', 'test']) {
    for (const file of files(path.join(root, folder))) {
      const text = readFileSync(file, 'utf8');
      text.split('\n').forEach((line, i) => {
        if (outside.test(line)) offenders.push(`${path.relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
    }
  }
  assert.deepEqual(offenders, []);
});

test('the password-digest vectors the hasher tests read are in test/fixtures', () => {
  const vectors = JSON.parse(readFileSync(path.join(root, 'test/fixtures/password-digests.json'), 'utf8'));
  assert.ok(Array.isArray(vectors) && vectors.length > 20);
});
