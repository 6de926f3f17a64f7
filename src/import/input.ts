import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

// The bytes of an import file, gzip or not: providers deliver exports compressed (Auth0's export job
// writes `.json.gz`), and the name says nothing reliable, so gzip is recognised by its magic bytes.

/** RFC 1952: every gzip member starts with 1f 8b. */
const GZIP_MAGIC = [0x1f, 0x8b];
/** Enough of the start of a file to tell its format (a header row, a first line, a first array element). */
export const PEEK_BYTES = 64 * 1024;

/** A problem with the input that running the same command again cannot fix: no "resume" advice. */
export class ImportInputError extends Error {
  override name = 'ImportInputError';
}

export interface InputFile {
  path: string;
  /** Size on disk (compressed when gzip): progress is measured in these bytes. */
  size: number;
  gzip: boolean;
}

export async function inspectInput(path: string): Promise<InputFile> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ImportInputError(`${path} is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof ImportInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImportInputError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot be read (${code ?? (error as Error).message})`);
  }
  const head = await readHead(path, GZIP_MAGIC.length);
  const gzip = head.length === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  return { path, size, gzip };
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The first PEEK_BYTES of the content (decompressed), as text without a byte-order mark. */
export async function peekText(input: InputFile): Promise<string> {
  let bytes: Buffer;
  if (!input.gzip) bytes = await readHead(input.path, PEEK_BYTES);
  else {
    // A truncated gzip stream cannot be inflated in one call: stream it and stop after enough output.
    const chunks: Buffer[] = [];
    let length = 0;
    const raw = createReadStream(input.path, { highWaterMark: PEEK_BYTES });
    const gunzip = raw.pipe(createGunzip());
    try {
      for await (const chunk of gunzip as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        length += chunk.length;
        if (length >= PEEK_BYTES) break;
      }
    } catch (error) {
      throw new ImportInputError(`${input.path} starts like a gzip file but does not decompress: ${(error as Error).message}`);
    } finally {
      raw.destroy();
      gunzip.destroy();
    }
    bytes = Buffer.concat(chunks).subarray(0, PEEK_BYTES);
  }
  // A character cut at the end becomes U+FFFD: harmless, detection reads whole lines and elements.
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export interface OpenedInput {
  /** The content, decompressed. */
  stream: Readable;
  /** Bytes of the file on disk read so far (compressed bytes for a gzip file): compare with InputFile.size. */
  bytesRead(): number;
}

export function openInput(input: InputFile): OpenedInput {
  const raw = createReadStream(input.path, { highWaterMark: 1 << 20 });
  if (!input.gzip) return { stream: raw, bytesRead: () => raw.bytesRead };
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  raw.on('error', (error) => gunzip.destroy(error));
  return { stream: raw.pipe(gunzip), bytesRead: () => raw.bytesRead };
}
