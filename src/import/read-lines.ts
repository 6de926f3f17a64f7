import type { Readable } from 'node:stream';

/** A line of the file: its 1-based number and its text (no line break, no byte-order mark). */
export interface Line {
  line: number;
  text: string;
}

/**
 * No valid user comes near this (three metadata objects of 8 KB, a hundred identifiers of each kind):
 * a longer "line" is a binary or broken file, and it is reported instead of being held in memory.
 */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

/**
 * The lines of a byte stream, a chunk's worth at a time (far fewer awaits than one per line). Splits on
 * LF and drops a CR before it; UTF-8 is decoded per line, so a character split across chunks is intact.
 * `oversized` lines come back with `text` undefined.
 */
export async function* readLines(stream: Readable): AsyncGenerator<(Line | { line: number; oversized: true })[]> {
  let carry: Buffer | undefined;
  let skipping = false; // inside an oversized line, dropping bytes until its end
  let lineNo = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = undefined;
    const out: (Line | { line: number; oversized: true })[] = [];
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      lineNo++;
      if (skipping) {
        out.push({ line: lineNo, oversized: true });
        skipping = false;
      } else {
        const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
        out.push({ line: lineNo, text: decode(buf, start, end, lineNo) });
      }
      start = nl + 1;
    }
    if (start < buf.length && !skipping) {
      if (buf.length - start > MAX_LINE_BYTES) skipping = true;
      else carry = Buffer.from(buf.subarray(start));
    }
    if (out.length > 0) yield out;
  }
  if (skipping) yield [{ line: lineNo + 1, oversized: true }];
  else if (carry && carry.length > 0) {
    const end = carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length;
    yield [{ line: lineNo + 1, text: decode(carry, 0, end, lineNo + 1) }];
  }
}

function decode(buf: Buffer, start: number, end: number, lineNo: number): string {
  const text = buf.toString('utf8', start, end);
  return lineNo === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
