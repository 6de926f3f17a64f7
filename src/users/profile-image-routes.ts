import type { Deps } from '../deps.js';
import type { FastifyTypebox } from '../http/fastify.js';
import { ClerkErrorsSchema, errorResponses } from '../http/schemas.js';
import { readImageUpload } from '../images/upload.js';
import { forRequest } from '../webhooks/events.js';
import { deleteUserProfileImage, setUserProfileImage } from './profile-image.js';
import { UserIdParams, UserSchema } from './schemas.js';
import { serializeUser, userViewContext } from './serialize.js';

const UserResponse = { 200: UserSchema, ...errorResponses, 413: ClerkErrorsSchema };

/** POST and DELETE /v1/users/{user_id}/profile_image (multipart `file`, as @clerk/backend sends it). */
export async function profileImageRoutes(app: FastifyTypebox, deps: Deps) {
  const view = (row: Parameters<typeof serializeUser>[0]) => serializeUser(row, userViewContext(deps));

  app.post('/users/:user_id/profile_image', {
    schema: { params: UserIdParams, response: UserResponse },
    handler: async (request) => {
      const { file } = await readImageUpload(request);
      return view(await setUserProfileImage(forRequest(deps, request), request.params.user_id, file));
    },
  });

  app.delete('/users/:user_id/profile_image', {
    schema: { params: UserIdParams, response: UserResponse },
    handler: async (request) => view(await deleteUserProfileImage(forRequest(deps, request), request.params.user_id)),
  });
}
