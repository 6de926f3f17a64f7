import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { buildTestApp, call, engine } from '../helper.js';
import { importFile, tempDir, userByExternalId, writeLines } from './support.js';
import { vectors } from '../passwords/hashers/helpers.js';

// Every vector of test/fixtures/password-digests.json goes in through the import path (one file, one
// run, digests parsed by prepareNewUser exactly as POST /v1/users parses them), and then the original
// password verifies through POST /v1/users/{id}/verify_password, and the wrong one does not.

test(`gatehouse import: every password hasher (${engine})`, async (t) => {
  const ctx = await buildTestApp(t);
  const dir = await tempDir(t);
  const file = await writeLines(
    path.join(dir, 'digests.jsonl'),
    vectors.map((v, i) => ({
      external_id: `vector-${i}`,
      email_address: [`vector${i}@example.com`],
      password_digest: v.digest,
      password_hasher: v.hasher,
    })),
  );
  const summary = await importFile(ctx, file);
  assert.equal(summary.rejected, 0, `rejected: see ${summary.rejectsPath}`);
  assert.equal(summary.inserted, vectors.length);
  assert.ok(new Set(vectors.map((v) => v.hasher)).size >= 17, 'the vectors cover the hashers');

  for (const [i, v] of vectors.entries()) {
    await t.test(`${v.hasher} #${i}: imported, then verify_password accepts the password and refuses the wrong one`, async () => {
      const user = await userByExternalId(ctx, `vector-${i}`);
      assert.equal(user.password_enabled, true);
      const wrong = await call(ctx, 'POST', `/v1/users/${user.id}/verify_password`, { password: v.wrong_password });
      assert.equal(wrong.status, 422, JSON.stringify(wrong.body));
      assert.equal(wrong.body.errors[0].code, 'incorrect_password');
      const right = await call(ctx, 'POST', `/v1/users/${user.id}/verify_password`, { password: v.password });
      assert.equal(right.status, 200, JSON.stringify(right.body));
      assert.deepEqual(right.body, { verified: true });
    });
  }
});
