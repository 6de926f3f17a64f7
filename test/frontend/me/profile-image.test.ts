import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertError, call } from '../../helper.js';
import { fetchImage, multipart, png, webp } from '../../images/support.js';
import { eventsOf } from '../../organizations/support.js';
import { signedInUser } from '../organizations/support.js';
import { Browser, buildFrontendTestApp } from '../support.js';

// /v1/me/profile_image: the user's own avatar, through the same images service as the Backend API's
// /v1/users/{id}/profile_image (same formats, same limits, same errors, user.updated).

const upload = (browser: Browser, file: Buffer | undefined, fields: Record<string, string> = {}) => {
  const body = multipart(file, fields);
  return browser.request('POST', '/v1/me/profile_image', { raw: body.payload, contentType: body.headers['content-type'] });
};

test('/v1/me/profile_image', async (t) => {
  const ctx = await buildFrontendTestApp(t);

  await t.test('POST (multipart file) → an Image; the user shows it; user.updated; DELETE → the default avatar again', async () => {
    const me = await signedInUser(ctx);
    let res: Awaited<ReturnType<typeof upload>> | undefined;
    const events = await eventsOf(ctx, async () => {
      res = await upload(me.browser, await png());
    });
    assert.equal(res!.status, 200, JSON.stringify(res!.body));
    const image = res!.body.response;
    assert.equal(image.object, 'image');
    assert.match(image.id, /^img_/);
    assert.equal(image.name, 'blob');
    assert.deepEqual(events.map((e) => e.type), ['user.updated']);
    const user = res!.body.client.sessions[0].user;
    assert.equal(user.image_url, image.public_url);
    assert.equal(user.has_image, true);
    assert.equal((await fetchImage(ctx, image.public_url)).headers['content-type'], 'image/png');
    assert.equal((await call(ctx, 'GET', `/v1/users/${me.id}`)).body.image_url, image.public_url);

    const replaced = await upload(me.browser, await webp());
    assert.notEqual(replaced.body.response.id, image.id);
    const removed = await me.browser.request('DELETE', '/v1/me/profile_image');
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    assert.deepEqual(removed.body.response, { object: 'image', id: replaced.body.response.id, deleted: true });
    assert.equal(removed.body.client.sessions[0].user.has_image, false);
    assertError(await me.browser.request('DELETE', '/v1/me/profile_image'), 404, 'image_not_found');
  });

  await t.test('not an image → 400 request_body_invalid; no file → 400 form_param_missing; signed out → 401', async () => {
    const me = await signedInUser(ctx);
    assertError(await upload(me.browser, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>')), 400, 'request_body_invalid');
    assertError(await upload(me.browser, undefined, { other: 'x' }), 400, 'form_param_missing', 'file');
    assertError(await me.browser.request('POST', '/v1/me/profile_image', { file: 'x' }), 400, 'form_param_missing', 'file');
    assert.equal((await call(ctx, 'GET', `/v1/users/${me.id}`)).body.has_image, false);
    const body = multipart(await png());
    assertError(await new Browser(ctx).request('POST', '/v1/me/profile_image', { raw: body.payload, contentType: body.headers['content-type'] }), 401, 'signed_out');
  });

  await t.test('> 10 MB → 413 image_too_large', async () => {
    const me = await signedInUser(ctx);
    assertError(await upload(me.browser, Buffer.alloc(10 * 1024 * 1024 + 1, 1)), 413, 'image_too_large');
  });
});
