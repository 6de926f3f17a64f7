import sharp, { type Sharp, type SharpOptions } from 'sharp';
import { ClerkError } from '../http/clerk-error.js';
import { CONTENT_TYPES, describeUnsupported, detectImageFormat, type ImageFormat } from './detect.js';

// Uploaded images are decoded and written again with sharp (libvips, off the event loop in libuv's pool):
// whatever the file carried besides pixels (EXIF with GPS positions, ICC profiles, comments, trailing
// bytes) is gone, its orientation is applied, and its size is bounded.

/** Clerk's limit: "The image being uploaded is more than 10MB" (images.go image_too_large). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** Avatars and logos are shown small; 1024 px on the longer side is twice what a retina list needs. */
export const MAX_DIMENSION = 1024;
/**
 * A 10 MB PNG can declare a 100,000 × 100,000 canvas (a decompression bomb): decoding refuses anything
 * above 40 megapixels (8,000 × 5,000) before it allocates the pixels.
 */
export const MAX_INPUT_PIXELS = 40_000_000;

export interface NormalizedImage {
  data: Buffer;
  contentType: string;
  width: number;
  height: number;
}

export function unsupportedImage(bytes: Buffer): ClerkError {
  return new ClerkError('request_body_invalid', {
    message: 'Unsupported image type',
    long_message: `'${describeUnsupported(bytes)}' images are not currently supported. Please consult the API documentation for more information.`,
  });
}

function undecodable(): ClerkError {
  return new ClerkError('request_body_invalid', {
    message: 'Image decode error',
    long_message: 'The image could not be decoded. Please ensure the image is valid and try again.',
  });
}

/** Encoder settings per format: close to the source's quality, small, no metadata (sharp's default). */
function encode(pipeline: Sharp, format: ImageFormat): Sharp {
  switch (format) {
    case 'jpeg':
      return pipeline.jpeg({ quality: 85, mozjpeg: true });
    case 'png':
      return pipeline.png({ compressionLevel: 8 });
    case 'webp':
      return pipeline.webp({ quality: 85 });
    case 'gif':
      return pipeline.gif();
  }
}

/**
 * PNG, JPEG, WebP or GIF (recognised from the bytes) → the same format, re-encoded: EXIF orientation
 * applied, at most MAX_DIMENSION on each side, metadata stripped. Animated GIF and WebP stay animated.
 * Anything else, or bytes that do not decode, is Clerk's 400 request_body_invalid.
 */
export async function normalizeImage(bytes: Buffer): Promise<NormalizedImage> {
  const format = detectImageFormat(bytes);
  if (!format) throw unsupportedImage(bytes);
  try {
    const options: SharpOptions = { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS };
    const pages = (await sharp(bytes, options).metadata()).pages ?? 1;
    const animated = pages > 1 && (format === 'gif' || format === 'webp');
    let pipeline = sharp(bytes, { ...options, animated });
    // Orientation lives in EXIF, which an animation does not carry; rotating one frame set is refused.
    if (!animated) pipeline = pipeline.rotate();
    pipeline = pipeline.resize({ width: MAX_DIMENSION, height: MAX_DIMENSION, fit: 'inside', withoutEnlargement: true });
    const { data, info } = await encode(pipeline, format).toBuffer({ resolveWithObject: true });
    return { data, contentType: CONTENT_TYPES[format], width: info.width, height: info.pageHeight ?? info.height };
  } catch (error) {
    if (error instanceof ClerkError) throw error;
    throw undecodable();
  }
}
