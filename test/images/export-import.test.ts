import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { runExport } from '../../src/import/export.js';
import { buildTestApp, call, createTestUser, engine } from '../helper.js';
import { importFile, readRejects, tempDir, writeLines } from '../import/support.js';
import { fetchImage, png, upload } from './support.js';

// Profile images travel in `gatehouse export` (the `gatehouse.profile_image` key: id and bytes) and come back
// with `gatehouse import`: the same id (so the same image_url), normalised again on the way in.

test(`profile images through export and import (${engine})`, async (t) => {
  const source = await buildTestApp(t);
  const copy = await buildTestApp(t);
  const dir = await tempDir(t);

  const pictured = await createTestUser(source, { external_id: 'img-yes' });
  const withImage = (await upload(source, 'POST', `/v1/users/${pictured.id}/profile_image`, await png(30, 20))).body;
  await createTestUser(source, { external_id: 'img-no' });

  const file = path.join(dir, 'export.jsonl');
  await runExport(source.deps, file);
  const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  const line = lines.find((l) => l.external_id === 'img-yes');
  assert.equal(line.gatehouse.profile_image.id, withImage.image_url.split('/').pop());
  assert.ok((await sharp(Buffer.from(line.gatehouse.profile_image.data, 'base64')).metadata()).format === 'png');
  assert.equal(lines.find((l) => l.external_id === 'img-no').gatehouse.profile_image, undefined);

  const summary = await importFile(copy, file, { rejectsPath: path.join(dir, 'rejects.jsonl') });
  assert.deepEqual([summary.inserted, summary.rejected], [2, 0]);
  const after = (await call(copy, 'GET', `/v1/users/${pictured.id}`)).body;
  assert.equal(after.has_image, true);
  assert.equal(after.image_url, withImage.image_url, 'the same id, so the same URL');
  const image = await fetchImage(copy, after.image_url);
  assert.equal(image.status, 200);
  assert.equal(image.headers['content-type'], 'image/png');
  assert.deepEqual([(await sharp(image.body).metadata()).width, (await sharp(image.body).metadata()).height], [30, 20]);

  await t.test('an image that is not one rejects its line, naming gatehouse.profile_image', async () => {
    const bad = await writeLines(path.join(dir, 'bad.jsonl'), [
      { email_address: ['bad-image@example.com'], gatehouse: { profile_image: { id: 'img_2badimage000000000000000000', data: Buffer.from('<svg/>').toString('base64') } } },
    ]);
    const rejectsPath = path.join(dir, 'bad-rejects.jsonl');
    const result = await importFile(copy, bad, { rejectsPath });
    assert.equal(result.rejected, 1);
    const [reject] = await readRejects(rejectsPath);
    assert.equal(reject!.errors[0]!.param_name, 'gatehouse.profile_image');
    assert.match(reject!.errors[0]!.long_message, /not currently supported/);
  });
});
