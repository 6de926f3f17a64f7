import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import type { TestApp } from '../helper.js';

// Images for the tests, made with sharp, and multipart bodies as @clerk/backend sends them.

export async function png(width = 40, height = 20, color = { r: 200, g: 30, b: 30 }): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } }).png().toBuffer();
}

/** A JPEG carrying EXIF a privacy-minded server must drop: a GPS position, a camera, and orientation 6 (90° clockwise). */
export async function jpegWithExif(width = 40, height = 20): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 10, g: 120, b: 200 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({ IFD0: { Make: 'SecretCam', Model: 'X1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' } })
    .toBuffer();
}

export async function webp(): Promise<Buffer> {
  return sharp({ create: { width: 30, height: 30, channels: 4, background: { r: 0, g: 255, b: 0, alpha: 0.5 } } }).webp().toBuffer();
}

/** A two-frame animated GIF. */
export async function animatedGif(): Promise<Buffer> {
  const frame = (r: number) => sharp({ create: { width: 16, height: 16, channels: 3, background: { r, g: 0, b: 0 } } }).raw().toBuffer();
  const frames = Buffer.concat([await frame(255), await frame(0)]);
  return sharp(frames, { raw: { width: 16, height: 32, channels: 3, pageHeight: 16 } } as never).gif({ loop: 0, delay: [100, 100] }).toBuffer();
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG header declaring a width × height canvas, with no pixel data worth the name (a decompression bomb's shape). */
export function pngDeclaring(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // truecolour
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', Buffer.alloc(0)), chunk('IEND', Buffer.alloc(0))]);
}

const BOUNDARY = '----gatehouse-test-boundary';

/** A multipart/form-data body: text fields, then the file in `file` named `blob` (as @clerk/backend sends it). */
export function multipart(file: Buffer | undefined, fields: Record<string, string> = {}, fileField = 'file') {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${fileField}"; filename="blob"\r\nContent-Type: application/octet-stream\r\n\r\n`));
    parts.push(file, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } };
}

/** Uploads through app.inject with the secret key. */
export async function upload(ctx: TestApp, method: 'POST' | 'PUT', url: string, file: Buffer | undefined, fields: Record<string, string> = {}, fileField?: string) {
  const body = multipart(file, fields, fileField);
  const res = await ctx.app.inject({ method, url, headers: { ...ctx.auth, ...body.headers }, payload: body.payload });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, headers: res.headers };
}

/** GET an image URL (absolute, from image_url) through app.inject, without a key. */
export async function fetchImage(ctx: TestApp, imageUrl: string, headers: Record<string, string> = {}) {
  const res = await ctx.app.inject({ method: 'GET', url: new URL(imageUrl).pathname, headers });
  return { status: res.statusCode, headers: res.headers, body: res.rawPayload };
}
