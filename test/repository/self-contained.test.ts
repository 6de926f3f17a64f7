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

/** Whether `version` (x.y.z) satisfies an npm `engines` range made of >=, >, <=, <, ^, ~ and x-ranges. */
function satisfies(version: string, range: string): boolean {
  const v = version.split('.').map(Number);
  const compare = (a: number[], b: number[]) => {
    for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .replace(/([<>=^~]+)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean)
      .every((comparator) => {
        const [, op = '', text = ''] = /^([<>=^~]*)v?(.*)$/.exec(comparator) ?? [];
        const parts = text.split('.').filter((p) => p !== '' && !/^[x*]$/i.test(p)).map(Number);
        const bound = [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
        const c = compare(v, bound);
        switch (op) {
          case '>=':
            return c >= 0;
          case '>':
            return c > 0;
          case '<=':
            return c <= 0;
          case '<':
            return c < 0;
          case '^':
            return c >= 0 && v[0] === bound[0];
          case '~':
            return c >= 0 && v[0] === bound[0] && v[1] === bound[1];
          default:
            // "20", "20.x", "1.2.3": every part given must match.
            return parts.every((p, i) => v[i] === p);
        }
      }),
  );
}

test('every runtime dependency installs on the minimum Node in package.json engines (README, "Requirements")', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const minimum = /^>=(\d+\.\d+(?:\.\d+)?)$/.exec(pkg.engines.node)?.[1];
  assert.ok(minimum, `engines.node is a plain minimum: ${pkg.engines.node}`);
  const version = minimum.split('.').length === 2 ? `${minimum}.0` : minimum;
  assert.equal(satisfies('22.1.0', '>=22'), true);
  assert.equal(satisfies('20.9.0', '^14.21.3 || >=16'), true);
  assert.equal(satisfies('20.9.0', '>= 22'), false);
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  const refused: string[] = [];
  for (const [name, entry] of Object.entries(lock.packages as Record<string, { dev?: boolean; engines?: { node?: string } }>)) {
    const range = entry.engines?.node;
    if (name !== '' && !entry.dev && range && !satisfies(version, range)) refused.push(`${name} (${range})`);
  }
  assert.deepEqual(refused, [], `runtime dependencies that refuse Node ${version}`);
});
