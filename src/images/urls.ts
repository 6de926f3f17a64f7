// The image fields of Clerk's JSON (`image_url`, `has_image`, `profile_image_url`) for users and
// organizations. Pure: no I/O, so serializers of any feature may call it.

/** Where an image is served: `GET {publicUrl}/images/{id}` (images/routes.ts). */
export function uploadedImageUrl(publicUrl: string, imageId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/images/${imageId}`;
}

/**
 * Clerk's default avatar: img.clerk.com + base64url of {type, iid, rid, initials?} (CLERK-BEHAVIOUR §4), which
 * Clerk's components know how to draw. Only the owner's id and initials travel in it.
 */
export function defaultImageUrl(instanceId: string, ownerId: string, initials: string): string {
  const payload = { type: 'default', iid: instanceId, rid: ownerId, ...(initials ? { initials } : {}) };
  return `https://img.clerk.com/${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
}

/** The first letter of each word given, upper-cased: "Ada" "Lovelace" → "AL". */
export function initialsOf(...words: (string | null | undefined)[]): string {
  return words.map((w) => w?.trim()[0]?.toUpperCase() ?? '').join('');
}

export interface ImageView {
  instanceId: string;
  publicUrl: string;
}

/** `image_url` and `has_image` of a user or organization. */
export function imageFields(view: ImageView, ownerId: string, imageId: string | null, initials: string) {
  return imageId
    ? { image_url: uploadedImageUrl(view.publicUrl, imageId), has_image: true }
    : { image_url: defaultImageUrl(view.instanceId, ownerId, initials), has_image: false };
}
