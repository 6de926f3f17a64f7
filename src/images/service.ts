import { createHash } from 'node:crypto';
import type { Executor } from '../db/database.js';
import type { ImageRow } from '../db/schema.js';
import { ClerkError } from '../http/clerk-error.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { normalizeImage, type NormalizedImage } from './normalize.js';
import {
  deleteImagesOf,
  deleteOlderImages,
  findImageById,
  findImageMetaById,
  findImagesByIds,
  insertImage,
  insertImagesFrom,
  insertImportedImages,
  type ImageOwner,
  type ImportedImageRow,
} from './store.js';

export type { ImportedImageRow } from './store.js';

// Profile images and logos: normalised once at upload (outside any transaction: it is the slow part), then
// stored by the owner's feature inside its own transaction, which also points the user or organization at it.

export type { ImageOwner } from './store.js';
export type { NormalizedImage } from './normalize.js';

/**
 * An owner keeps its last few uploads, so that `profile_image_id` can go back to an earlier one; older ones
 * are deleted as new ones arrive.
 */
export const IMAGES_KEPT_PER_OWNER = 5;

/** Decodes, checks and re-encodes an upload (images/normalize.ts). Throws Clerk's error for a bad file. */
export async function prepareImage(bytes: Buffer): Promise<NormalizedImage> {
  return normalizeImage(bytes);
}

/** The columns of an images row that describe a prepared image (the ETag is its SHA-256). */
export function describeImage(image: NormalizedImage) {
  return {
    content_type: image.contentType,
    width: image.width,
    height: image.height,
    byte_size: image.data.length,
    sha256: createHash('sha256').update(image.data).digest('hex'),
  };
}

/** Stores a prepared image for its owner, in the caller's transaction, and returns its id. */
export async function storeImage(deps: { db: Executor; clock: Clock }, owner: ImageOwner, image: NormalizedImage, id?: string): Promise<string> {
  const now = deps.clock.now();
  const imageId = id ?? newId('img', now);
  await insertImage(deps.db, {
    id: imageId,
    user_id: 'user_id' in owner ? owner.user_id : null,
    organization_id: 'organization_id' in owner ? owner.organization_id : null,
    ...describeImage(image),
    data: image.data,
    created_at: now,
  });
  await deleteOlderImages(deps.db, owner, IMAGES_KEPT_PER_OWNER, imageId);
  return imageId;
}

/** Whether `imageId` is an image uploaded for this owner (PATCH /v1/users/{id} profile_image_id). */
export async function isImageOf(deps: { db: Executor }, owner: ImageOwner, imageId: string): Promise<boolean> {
  const image = await findImageMetaById(deps.db, imageId);
  if (!image) return false;
  return 'user_id' in owner ? image.user_id === owner.user_id : image.organization_id === owner.organization_id;
}

/** Removes every image of the owner (its profile image or logo was deleted). */
export async function removeImagesOf(deps: { db: Executor }, owner: ImageOwner): Promise<void> {
  await deleteImagesOf(deps.db, owner);
}

/** An image to serve; 404 image_not_found when there is none. */
export async function getImage(deps: { db: Executor }, id: string): Promise<ImageRow> {
  const image = await findImageById(deps.db, id);
  if (!image) throw new ClerkError('image_not_found');
  return image;
}

/** Several images by id, bytes included (export). */
export async function getImages(deps: { db: Executor }, ids: string[]): Promise<ImageRow[]> {
  return findImagesByIds(deps.db, ids);
}

/** An import's profile images, in the caller's transaction after their users (users/bulk/new-users.ts); `into`: a staging copy of images. */
export async function addImportedImages(db: Executor, rows: ImportedImageRow[], into?: string): Promise<void> {
  await insertImportedImages(db, rows, into);
}

/** A load-first import's last step: its staged images (the staging copy `from`) into images. */
export async function moveStagedImages(db: Executor, from: string): Promise<void> {
  await insertImagesFrom(db, from);
}
