import { inTransaction } from '../db/transaction.js';
import { userNotFound } from './errors.js';
import { prepareImage, removeImagesOf, storeImage } from '../images/service.js';
import { recordUserEvents, type UserEventDeps } from './events.js';
import { getUser } from './service.js';
import { findUserByIdForUpdate, updateUserById, type FullUserRow } from './store.js';

// A user's profile image (POST/DELETE /v1/users/{id}/profile_image): the images feature normalises and
// stores the bytes; the user points at them. Each change records user.updated.

/** The user, locked, or 404: checked before the image is even decoded. */
async function lockUser(deps: UserEventDeps, id: string) {
  const user = await findUserByIdForUpdate(deps.db, id);
  if (!user) throw userNotFound(id);
  return user;
}

/** Sets an uploaded file as the user's profile image; Clerk's 400/413 for a file that is not a usable image. */
export async function setUserProfileImage(deps: UserEventDeps, id: string, file: Buffer): Promise<FullUserRow> {
  // A cheap existence check first, so an unknown user is 404 whatever the file; decoding runs outside the transaction.
  await lockUser(deps, id);
  const image = await prepareImage(file);
  return inTransaction(deps.db, async (db) => {
    await lockUser({ ...deps, db }, id);
    const imageId = await storeImage({ db, clock: deps.clock }, { user_id: id }, image);
    await updateUserById(db, id, { profile_image_id: imageId, updated_at: deps.clock.now() });
    const [user] = await recordUserEvents({ ...deps, db }, 'user.updated', [id]);
    return user!;
  });
}

/** DELETE /v1/users/{id}/profile_image: back to the default avatar; the user's uploaded images are deleted. */
export async function deleteUserProfileImage(deps: UserEventDeps, id: string): Promise<FullUserRow> {
  return inTransaction(deps.db, async (db) => {
    const user = await lockUser({ ...deps, db }, id);
    await removeImagesOf({ db }, { user_id: id });
    if (user.profile_image_id === null) return getUser({ db }, id);
    await updateUserById(db, id, { profile_image_id: null, updated_at: deps.clock.now() });
    const [updated] = await recordUserEvents({ ...deps, db }, 'user.updated', [id]);
    return updated!;
  });
}
