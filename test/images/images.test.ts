import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { assertError, buildTestApp, call, createTestUser, engine } from '../helper.js';
import { eventsOf } from '../organizations/support.js';
import { animatedGif, fetchImage, jpegWithExif, png, pngDeclaring, upload, webp } from './support.js';

// Profile images and logos (POST/DELETE /v1/users/{id}/profile_image, PUT/DELETE
// /v1/organizations/{id}/logo): recognised from their bytes, normalised with sharp (orientation applied,
// bounded, metadata gone), stored in the database, served publicly with an ETag and a long cache life.

test(`profile images and logos (${engine})`, async (t) => {
  const ctx = await buildTestApp(t);
  const base = ctx.deps.config.publicUrl;

  await t.test('POST /v1/users/{id}/profile_image (PNG) → the user with has_image and a Gatehouse URL; user.updated', async () => {
    const user = await createTestUser(ctx, { first_name: 'Pic' });
    let res: any;
    const events = await eventsOf(ctx, async () => {
      res = await upload(ctx, 'POST', `/v1/users/${user.id}/profile_image`, await png());
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.has_image, true);
    assert.match(res.body.image_url, new RegExp(`^${base}/images/img_[0-9A-Za-z]{27}$`));
    assert.equal(res.body.profile_image_url, res.body.image_url);
    assert.deepEqual(events.map((e) => e.type), ['user.updated']);
    assert.equal((events[0]!.payload as any).data.image_url, res.body.image_url);
    assert.deepEqual((await call(ctx, 'GET', `/v1/users/${user.id}`)).body.image_url, res.body.image_url);

    const image = await fetchImage(ctx, res.body.image_url);
    assert.equal(image.status, 200);
    assert.equal(image.headers['content-type'], 'image/png');
    assert.equal(image.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(image.headers['x-content-type-options'], 'nosniff');
    const etag = String(image.headers.etag);
    assert.match(etag, /^"[0-9a-f]{64}"$/);
    const meta = await sharp(image.body).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 40, 20]);
    const again = await fetchImage(ctx, res.body.image_url, { 'if-none-match': etag });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
  });

  await t.test('JPEG: EXIF orientation applied, then every piece of metadata dropped', async () => {
    const user = await createTestUser(ctx);
    const original = await jpegWithExif(40, 20);
    assert.ok((await sharp(original).metadata()).exif, 'the test file does carry EXIF');
    const res = await upload(ctx, 'POST', `/v1/users/${user.id}/profile_image`, original);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const image = await fetchImage(ctx, res.body.image_url);
    assert.equal(image.headers['content-type'], 'image/jpeg');
    const meta = await sharp(image.body).metadata();
    assert.equal(meta.exif, undefined, 'no EXIF (GPS, camera) left');
    assert.equal(meta.icc, undefined);
    assert.deepEqual([meta.width, meta.height], [20, 40], 'rotated by its orientation');
    assert.ok(!image.body.includes(Buffer.from('SecretCam')));
  });

  await t.test('WebP stays WebP; an animated GIF stays animated; big images are bounded to 1024 px', async () => {
    const user = await createTestUser(ctx);
    const w = await upload(ctx, 'POST', `/v1/users/${user.id}/profile_image`, await webp());
    assert.equal((await fetchImage(ctx, w.body.image_url)).headers['content-type'], 'image/webp');
    const g = await upload(ctx, 'POST', `/v1/users/${user.id}/profile_image`, await animatedGif());
    assert.equal(g.status, 200, JSON.stringify(g.body));
    const gif = await fetchImage(ctx, g.body.image_url);
    assert.equal(gif.headers['content-type'], 'image/gif');
    assert.equal((await sharp(gif.body, { animated: true }).metadata()).pages, 2);
    const big = await upload(ctx, 'POST', `/v1/users/${user.id}/profile_image`, await png(3000, 1500));
    const meta = await sharp((await fetchImage(ctx, big.body.image_url)).body).metadata();
    assert.deepEqual([meta.width, meta.height], [1024, 512]);
  });

  await t.test('what is not a PNG, JPEG, WebP or GIF (whatever its name says) → 400 request_body_invalid', async () => {
    const user = await createTestUser(ctx);
    const url = `/v1/users/${user.id}/profile_image`;
    const svg = assertError(await upload(ctx, 'POST', url, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')), 400, 'request_body_invalid');
    assert.equal(svg.message, 'Unsupported image type');
    assert.equal(svg.long_message, "'image/svg+xml' images are not currently supported. Please consult the API documentation for more information.");
    assertError(await upload(ctx, 'POST', url, Buffer.from('hello, world')), 400, 'request_body_invalid');
    const broken = Buffer.concat([(await png()).subarray(0, 30), Buffer.alloc(50, 7)]);
    const decode = assertError(await upload(ctx, 'POST', url, broken), 400, 'request_body_invalid');
    assert.equal(decode.message, 'Image decode error');
    const bomb = assertError(await upload(ctx, 'POST', url, pngDeclaring(30_000, 30_000)), 400, 'request_body_invalid');
    assert.equal(bomb.message, 'Image decode error', 'a 900-megapixel canvas is refused before it is allocated');
    assert.equal((await call(ctx, 'GET', `/v1/users/${user.id}`)).body.has_image, false, 'nothing was set');
  });

  await t.test('> 10 MB → 413 image_too_large; no file → 400 form_param_missing', async () => {
    const user = await createTestUser(ctx);
    const url = `/v1/users/${user.id}/profile_image`;
    const tooBig = Buffer.concat([await png(), Buffer.alloc(10 * 1024 * 1024)]);
    const error = assertError(await upload(ctx, 'POST', url, tooBig), 413, 'image_too_large');
    assert.equal(error.long_message, 'The image being uploaded is more than 10MB. Please choose a smaller one.');
    const missing = assertError(await upload(ctx, 'POST', url, undefined, { other: 'x' }), 400, 'form_param_missing', 'file');
    assert.equal(missing.message, 'Image file missing');
    assertError(await upload(ctx, 'POST', url, await png(), {}, 'photo'), 400, 'form_param_missing', 'file');
    assertError(await call(ctx, 'POST', url, { file: 'x' }), 400, 'form_param_missing', 'file');
    assertError(await upload(ctx, 'POST', '/v1/users/user_2doesnotexist000000000000/profile_image', await png()), 404, 'resource_not_found');
  });

  await t.test('DELETE /v1/users/{id}/profile_image → the default avatar again; the uploaded images are gone', async () => {
    const user = await createTestUser(ctx, { first_name: 'Del' });
    const first = await upload(ctx, 'POST', `/v1/users/${user.id}/profile_image`, await png());
    let res: any;
    const events = await eventsOf(ctx, async () => {
      res = await call(ctx, 'DELETE', `/v1/users/${user.id}/profile_image`);
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.has_image, false);
    assert.equal(res.body.image_url, user.image_url);
    assert.equal(res.body.profile_image_url, 'https://www.gravatar.com/avatar?d=mp');
    assert.deepEqual(events.map((e) => e.type), ['user.updated']);
    assert.equal((await fetchImage(ctx, first.body.image_url)).status, 404);
    assertError(await call(ctx, 'DELETE', '/v1/users/user_2doesnotexist000000000000/profile_image'), 404, 'resource_not_found');
  });

  await t.test('PATCH /v1/users/{id} profile_image_id → an earlier upload of that user; anything else → 422 naming it', async () => {
    const user = await createTestUser(ctx);
    const first = (await upload(ctx, 'POST', `/v1/users/${user.id}/profile_image`, await png(10, 10))).body.image_url;
    const second = (await upload(ctx, 'POST', `/v1/users/${user.id}/profile_image`, await png(12, 12))).body.image_url;
    assert.notEqual(first, second);
    const firstId = first.split('/').pop();
    const back = await call(ctx, 'PATCH', `/v1/users/${user.id}`, { profile_image_id: firstId });
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.equal(back.body.image_url, first);
    const other = await createTestUser(ctx);
    const theirs = (await upload(ctx, 'POST', `/v1/users/${other.id}/profile_image`, await png())).body.image_url.split('/').pop();
    assertError(await call(ctx, 'PATCH', `/v1/users/${user.id}`, { profile_image_id: theirs }), 422, 'form_resource_not_found', 'profile_image_id');
    assertError(await call(ctx, 'PATCH', `/v1/users/${user.id}`, { profile_image_id: 'img_2doesnotexist000000000000' }), 422, 'form_resource_not_found', 'profile_image_id');
    const cleared = await call(ctx, 'PATCH', `/v1/users/${user.id}`, { profile_image_id: null });
    assert.equal(cleared.body.has_image, false);
  });

  await t.test('deleting a user deletes its images', async () => {
    const user = await createTestUser(ctx);
    const url = (await upload(ctx, 'POST', `/v1/users/${user.id}/profile_image`, await png())).body.image_url;
    await call(ctx, 'DELETE', `/v1/users/${user.id}`);
    const gone = await fetchImage(ctx, url);
    assert.equal(gone.status, 404);
    assert.equal(JSON.parse(gone.body.toString()).errors[0].code, 'image_not_found');
  });

  await t.test('PUT /v1/organizations/{id}/logo (as updateOrganizationLogo sends it) → has_image, logo_url; DELETE → default', async () => {
    const org = (await call(ctx, 'POST', '/v1/organizations', { name: 'Logo Co' })).body;
    const uploader = await createTestUser(ctx);
    let res: any;
    const events = await eventsOf(ctx, async () => {
      res = await upload(ctx, 'PUT', `/v1/organizations/${org.id}/logo`, await png(), { uploader_user_id: uploader.id });
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.has_image, true);
    assert.match(res.body.image_url, new RegExp(`^${base}/images/img_`));
    assert.equal(res.body.logo_url, res.body.image_url);
    assert.deepEqual(events.map((e) => e.type), ['organization.updated']);
    assert.equal((await fetchImage(ctx, res.body.image_url)).headers['content-type'], 'image/png');
    const removed = await call(ctx, 'DELETE', `/v1/organizations/${org.id}/logo`);
    assert.equal(removed.body.has_image, false);
    assert.equal(removed.body.image_url, org.image_url);
    assert.equal((await fetchImage(ctx, res.body.image_url)).status, 404);
    assertError(await upload(ctx, 'PUT', '/v1/organizations/org_2doesnotexist000000000000/logo', await png()), 404, 'resource_not_found');
    assertError(await upload(ctx, 'PUT', `/v1/organizations/${org.id}/logo`, Buffer.from('GIF')), 400, 'request_body_invalid');
  });

  await t.test('GET /images/{id} needs no key; an unknown id → 404 image_not_found', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/images/img_2doesnotexist000000000000' });
    assert.equal(res.statusCode, 404);
    assert.equal(JSON.parse(res.body).errors[0].code, 'image_not_found');
  });
});
