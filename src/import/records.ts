import type { Readable } from 'node:stream';
import secureJson from 'secure-json-parse';
import { clerkErrorEntry, type ClerkErrorEntry } from '../http/clerk-error.js';
import { readCsv } from './csv.js';
import type { Shape } from './detect.js';
import { readJsonArray } from './json-array.js';
import { MAX_LINE_BYTES, readLines } from './read-lines.js';

// The records of a file, whatever its shape, each with the line it starts on: JSON values parsed with the
// HTTP layer's settings, CSV rows as objects keyed by the header. Records that cannot be read at all (a
// line that is not JSON, a row longer than the header) carry the reason instead.

export type RawRecord = { line: number; value: unknown } | { line: number; errors: ClerkErrorEntry[] };

const unreadable = (long_message: string) => [clerkErrorEntry('request_body_invalid', { long_message })];

/** The HTTP layer's JSON parser settings: `__proto__` and `constructor.prototype` keys are refused. */
export function parseJson(text: string): unknown {
  return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
}

function parsed(line: number, text: string, what: string): RawRecord {
  try {
    return { line, value: parseJson(text) };
  } catch (error) {
    return { line, errors: unreadable(`${what} is not valid JSON (${(error as Error).message}).`) };
  }
}

async function* jsonLines(stream: Readable): AsyncGenerator<RawRecord[]> {
  for await (const lines of readLines(stream)) {
    const out: RawRecord[] = [];
    for (const l of lines) {
      if (!('text' in l)) out.push({ line: l.line, errors: unreadable(`The line is longer than ${MAX_LINE_BYTES} bytes.`) });
      else if (l.text.trim() !== '') out.push(parsed(l.line, l.text, 'The line'));
    }
    if (out.length > 0) yield out;
  }
}

async function* jsonArray(stream: Readable, key: string | undefined): AsyncGenerator<RawRecord[]> {
  for await (const elements of readJsonArray(stream, key)) yield elements.map((e) => parsed(e.line, e.text, 'The array element'));
}

/** CSV rows as { header: cell } objects; an empty cell is "not given" and left out. */
async function* csvRows(stream: Readable): AsyncGenerator<RawRecord[]> {
  let header: string[] | undefined;
  for await (const rows of readCsv(stream)) {
    const out: RawRecord[] = [];
    for (const row of rows) {
      if (!header) {
        header = row.fields.map((h) => h.trim());
        continue;
      }
      if (row.fields.length > header.length) {
        out.push({ line: row.line, errors: unreadable(`The row has ${row.fields.length} fields, the header ${header.length}.`) });
        continue;
      }
      const value: Record<string, string> = {};
      row.fields.forEach((cell, i) => {
        if (cell !== '') value[header![i]!] = cell;
      });
      out.push({ line: row.line, value });
    }
    if (out.length > 0) yield out;
  }
}

export function readRecords(stream: Readable, shape: Shape): AsyncGenerator<RawRecord[]> {
  switch (shape) {
    case 'lines':
      return jsonLines(stream);
    case 'array':
      return jsonArray(stream, undefined);
    case 'users-document':
      return jsonArray(stream, 'users');
    case 'csv':
      return csvRows(stream);
  }
}
