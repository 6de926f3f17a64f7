import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import secureJson from 'secure-json-parse';
import { ClerkError, clerkErrorEntry, type ClerkErrorEntry } from '../http/clerk-error.js';
import { fromAuth0 } from './auth0.js';
import { readCsv } from './csv.js';
import { fromFirebase, type FirebaseHashParameters } from './firebase.js';
import { readJsonArray } from './json-array.js';
import { MAX_LINE_BYTES, readLines } from './read-lines.js';

export const FORMATS = ['jsonl', 'csv', 'auth0', 'firebase'] as const;
export type ImportFormat = (typeof FORMATS)[number];

/** One user read from the file: the body for POST /v1/users, or why none could be read. */
export interface SourceRecord {
  line: number;
  body?: unknown;
  errors?: ClerkErrorEntry[];
}

export interface RecordSource {
  /** Records, a chunk's worth at a time, in file order. */
  records: AsyncGenerator<SourceRecord[]>;
  /** Bytes of the file read so far (for progress). */
  bytesRead(): number;
}

/** .jsonl/.ndjson/.json → jsonl, .csv → csv; anything else needs --format. */
export function formatFromExtension(file: string): ImportFormat | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  if (ext === '.csv') return 'csv';
  return undefined;
}

const badBody = (long_message?: string) => [clerkErrorEntry('request_body_invalid', long_message ? { long_message } : {})];

/** The HTTP layer's JSON parser settings: `__proto__` and `constructor.prototype` keys are refused. */
function parseJson(text: string): unknown {
  return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
}

function record(line: number, text: string, map: (raw: unknown) => unknown): SourceRecord {
  let raw: unknown;
  try {
    raw = parseJson(text);
  } catch {
    return { line, errors: badBody() };
  }
  try {
    return { line, body: map(raw) };
  } catch (error) {
    if (error instanceof ClerkError) return { line, errors: error.entries };
    throw error;
  }
}

async function* jsonLines(stream: NodeJS.ReadableStream, map: (raw: unknown) => unknown): AsyncGenerator<SourceRecord[]> {
  for await (const lines of readLines(stream as never)) {
    const out: SourceRecord[] = [];
    for (const l of lines) {
      if (!('text' in l)) out.push({ line: l.line, errors: badBody(`The line is longer than ${MAX_LINE_BYTES} bytes.`) });
      else if (l.text.trim() !== '') out.push(record(l.line, l.text, map));
    }
    if (out.length > 0) yield out;
  }
}

async function* jsonArray(stream: NodeJS.ReadableStream, key: string | undefined, map: (raw: unknown) => unknown): AsyncGenerator<SourceRecord[]> {
  for await (const elements of readJsonArray(stream as never, key)) yield elements.map((e) => record(e.line, e.text, map));
}

/** Auth0 writes JSON lines (export job) or one JSON array (bulk-import format): the first character tells. */
async function* auth0(file: string, open: (file: string) => NodeJS.ReadableStream): AsyncGenerator<SourceRecord[]> {
  let first = '';
  for await (const chunk of createReadStream(file, { start: 0, end: 4095, encoding: 'utf8' })) first += chunk as string;
  const isArray = first.replace(/^\uFEFF/, '').trimStart().startsWith('[');
  yield* isArray ? jsonArray(open(file), undefined, fromAuth0) : jsonLines(open(file), fromAuth0);
}

// CSV: a header row of POST /v1/users field names, then one user per row. An empty cell is "not given".
const LIST_FIELDS = new Set(['email_address', 'phone_number', 'web3_wallet', 'backup_codes']);
// `gatehouse`: the export's extension object (src/users/gatehouse-extension.ts), as JSON in its cell like the metadata.
const OBJECT_FIELDS = new Set(['public_metadata', 'private_metadata', 'unsafe_metadata', 'gatehouse']);
const BOOLEAN_FIELDS = new Set(['skip_password_checks', 'skip_password_requirement', 'delete_self_enabled', 'skip_legal_checks', 'create_organization_enabled']);
const INTEGER_FIELDS = new Set(['create_organizations_limit']);

/** A cell → the JSON value POST would receive. A cell that does not convert is passed on as text, so the schema check names it. */
function csvValue(field: string, cell: string): unknown {
  if (LIST_FIELDS.has(field)) {
    // `a@x.com|b@x.com`, or a JSON array when values could contain `|`.
    if (cell.trimStart().startsWith('[')) return jsonOr(cell);
    return cell.split('|').map((v) => v.trim()).filter((v) => v !== '');
  }
  if (OBJECT_FIELDS.has(field)) return jsonOr(cell);
  if (BOOLEAN_FIELDS.has(field) && /^(true|false)$/i.test(cell.trim())) return cell.trim().toLowerCase() === 'true';
  if (INTEGER_FIELDS.has(field) && /^-?\d+$/.test(cell.trim())) return Number(cell.trim());
  return cell;
}

function jsonOr(cell: string): unknown {
  try {
    return parseJson(cell);
  } catch {
    return cell;
  }
}

async function* csv(stream: NodeJS.ReadableStream): AsyncGenerator<SourceRecord[]> {
  let header: string[] | undefined;
  for await (const rows of readCsv(stream as never)) {
    const out: SourceRecord[] = [];
    for (const row of rows) {
      if (!header) {
        header = row.fields.map((h) => h.trim());
        continue;
      }
      if (row.fields.length > header.length) {
        out.push({ line: row.line, errors: badBody(`The row has ${row.fields.length} fields, the header ${header.length}.`) });
        continue;
      }
      const body: Record<string, unknown> = {};
      row.fields.forEach((cell, i) => {
        if (cell !== '') body[header![i]!] = csvValue(header![i]!, cell);
      });
      out.push({ line: row.line, body });
    }
    if (out.length > 0) yield out;
  }
}

export function openSource(file: string, format: ImportFormat, options: { firebase?: FirebaseHashParameters | undefined } = {}): RecordSource {
  const streams: { bytesRead: number }[] = [];
  const open = (path: string) => {
    const stream = createReadStream(path, { highWaterMark: 1 << 20 });
    streams.push(stream);
    return stream;
  };
  const records = (() => {
    switch (format) {
      case 'jsonl':
        return jsonLines(open(file), (raw) => raw);
      case 'csv':
        return csv(open(file));
      case 'auth0':
        return auth0(file, open);
      case 'firebase':
        return jsonArray(open(file), 'users', (raw) => fromFirebase(raw, options.firebase));
    }
  })();
  return { records, bytesRead: () => streams.reduce((n, s) => n + s.bytesRead, 0) };
}
