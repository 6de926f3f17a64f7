import type { Deps } from '../../deps.js';
import { ClerkError } from '../../http/clerk-error.js';
import type { FastifyTypebox } from '../../http/fastify.js';
import { deletedObject } from '../../http/schemas.js';
import { readImageUpload } from '../../images/upload.js';
import { uploadedImageUrl } from '../../images/urls.js';
import { deleteUserProfileImage, setUserProfileImage } from '../../users/profile-image.js';
import { forRequest } from '../../webhooks/events.js';
import { envelope } from '../client/envelope.js';
import { signedIn } from './auth.js';

// /v1/me/profile_image: the user's own avatar (<UserProfile />'s "Upload"), through the same images
// service and users/profile-image as the Backend API's /v1/users/{id}/profile_image: PNG, JPEG, WebP or
// GIF recognised from the bytes, 10 MB at most, the same errors, user.updated recorded.

export async function meProfileImageRoutes(app: FastifyTypebox, deps: Deps) {
  // Clerk answers an Image (clerk-js's Image resource reads id, name, public_url).
  app.post('/me/profile_image', async (request, reply) => {
    const me = await signedIn(deps, request);
    const { file, filename } = await readImageUpload(request);
    const user = await setUserProfileImage(forRequest(deps, request), me.user.id, file);
    const id = user.profile_image_id!;
    return envelope(deps, request, reply, { object: 'image' as const, id, name: filename ?? null, public_url: uploadedImageUrl(deps.config.publicUrl, id) });
  });

  app.delete('/me/profile_image', async (request, reply) => {
    const me = await signedIn(deps, request);
    const imageId = me.user.profile_image_id;
    if (imageId === null) throw new ClerkError('image_not_found');
    await deleteUserProfileImage(forRequest(deps, request), me.user.id);
    return envelope(deps, request, reply, deletedObject('image', imageId));
  });
}
