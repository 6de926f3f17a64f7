import type { FastifyRequest } from 'fastify';
import '@fastify/multipart';
import { ClerkError } from '../http/clerk-error.js';

// Reading an image upload: multipart/form-data with the file in the field `file`, as @clerk/backend's
// updateUserProfileImage and updateOrganizationLogo send it (the file named `blob`). @fastify/multipart
// (registered in app.ts with MAX_UPLOAD_BYTES as its file limit) streams the parts.

export interface ImageUpload {
  file: Buffer;
  /** The file's name as the client sent it, if any (the Frontend API's Image JSON shows it). */
  filename?: string;
  /** The text fields sent with it (`uploader_user_id`). */
  fields: Record<string, string>;
}

/** Clerk's images.go answers a missing file with form_param_missing as a 400, not the form's 422. */
function missingFile(): ClerkError {
  return new ClerkError('form_param_missing', {
    status: 400,
    meta: { param_name: 'file' },
    message: 'Image file missing',
    long_message: 'There was no image file present in the request',
  });
}

/** Clerk's errors for what @fastify/multipart and busboy refuse. */
function uploadError(error: unknown): ClerkError | undefined {
  switch ((error as { code?: string }).code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new ClerkError('image_too_large');
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return missingFile();
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
    case 'FST_PROTO_VIOLATION':
      return new ClerkError('request_body_invalid');
  }
  // busboy's own complaints about a malformed body ("Unexpected end of form", bad boundary).
  if (error instanceof Error && !(error instanceof ClerkError) && /form|boundary|multipart/i.test(error.message)) {
    return new ClerkError('request_body_invalid');
  }
  return undefined;
}

/** The uploaded file (one, in `file`) and the text fields; 400 when there is no file, 413 above 10 MB. */
export async function readImageUpload(request: FastifyRequest): Promise<ImageUpload> {
  if (!request.isMultipart()) throw missingFile();
  const fields: Record<string, string> = {};
  let file: Buffer | undefined;
  let filename: string | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        // Only `file` counts; any other file part is read and dropped.
        const bytes = await part.toBuffer();
        if (part.fieldname === 'file' && file === undefined) {
          file = bytes;
          filename = part.filename || undefined;
        }
      } else if (typeof part.value === 'string') {
        fields[part.fieldname] = part.value;
      }
    }
  } catch (error) {
    throw uploadError(error) ?? error;
  }
  if (!file || file.length === 0) throw missingFile();
  return { file, fields, ...(filename ? { filename } : {}) };
}
