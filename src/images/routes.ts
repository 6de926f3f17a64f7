import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import type { FastifyTypebox } from '../http/fastify.js';
import { getImage } from './service.js';

/** An image's bytes never change under its id (a new upload is a new id), so caches may keep them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * GET /images/{image_id}: uploaded profile images and logos, public and without a key (browsers load
 * them from `image_url`), with an ETag, a long cache lifetime and their Content-Type.
 */
export async function imagesRoutes(app: FastifyTypebox, deps: Deps) {
  app.get('/images/:image_id', {
    schema: { params: Type.Object({ image_id: Type.String({ maxLength: 64 }) }) },
    handler: async (request, reply) => {
      const image = await getImage(deps, request.params.image_id);
      const etag = `"${image.sha256}"`;
      reply
        .header('etag', etag)
        .header('cache-control', IMMUTABLE)
        .header('x-content-type-options', 'nosniff')
        // An image is never a document: nothing in it may run, even when opened directly.
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
      if (request.headers['if-none-match']?.split(',').some((tag) => tag.trim() === etag)) return reply.status(304).send();
      return reply.type(image.content_type).send(image.data);
    },
  });
}
