import { openAuth0Merge } from './auth0-passwords.js';
import { classifyRecord, describe, detectFormat, type Detected, type ImportFormat } from './detect.js';
import { ImportInputError, inspectInput, openInput, peekText, type InputFile } from './input.js';
import { fromAuth0 } from './providers/auth0.js';
import { fromClerk } from './providers/clerk.js';
import { RecordMismatch } from './providers/draft.js';
import { mapRecords, type Mapped, type SourceRecord } from './map-records.js';
import { fromFirebase, MISSING_SIGNER_KEY, type FirebaseHashParameters } from './providers/firebase.js';
import { fromSupabase } from './providers/supabase.js';
import { parseJson, readRecords } from './records.js';

export { FORMATS, type ImportFormat } from './detect.js';
export type { SourceRecord } from './map-records.js';

// A file → the users it holds, as bodies of our own import format (POST /v1/users fields and the
// `gatehouse` key), whatever the provider: its format is read from the content (detect.ts), each record
// is mapped by its provider's module (providers/), and what a mapping leaves behind is counted.

export interface RecordSource {
  /** Records, a chunk's worth at a time, in file order. */
  records: AsyncGenerator<SourceRecord[]>;
  /** Bytes of the file(s) read so far, as stored (compressed for gzip), for progress. */
  bytesRead(): number;
  /** Bytes that will have been read at the end. */
  totalBytes: number;
  /** "Auth0 user export (JSON lines, gzip), detected from the content". */
  description: string;
  format: ImportFormat;
}

export interface SourceOptions {
  /** --format: overrides what the content says (the shape is still read from it). */
  format?: ImportFormat | undefined;
  firebase?: FirebaseHashParameters | undefined;
  /** --auth0-passwords: Auth0's password-hash export, merged with the users export by user id. */
  auth0Passwords?: string | undefined;
  /** The time of the import (a Supabase ban that ends later is still a ban). */
  now: number;
}

// Our own CSV: a header row of POST /v1/users field names, then one user per row. An empty cell is "not given".
const LIST_FIELDS = new Set(['email_address', 'phone_number', 'web3_wallet', 'backup_codes']);
// `gatehouse`: the export's extension object (src/users/gatehouse-extension.ts), as JSON in its cell like the metadata.
const OBJECT_FIELDS = new Set(['public_metadata', 'private_metadata', 'unsafe_metadata', 'gatehouse']);
const BOOLEAN_FIELDS = new Set(['skip_password_checks', 'skip_password_requirement', 'delete_self_enabled', 'skip_legal_checks', 'create_organization_enabled']);
const INTEGER_FIELDS = new Set(['create_organizations_limit']);

function jsonOr(cell: string): unknown {
  try {
    return parseJson(cell);
  } catch {
    return cell;
  }
}

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

const ownCsvBody = (row: Record<string, string>) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, csvValue(k, v)]));

/** The mapping of one format: a parsed record → a UserDraft, or our own body as it is. */
function mapperFor(format: ImportFormat, options: SourceOptions): (value: unknown) => Mapped {
  switch (format) {
    case 'jsonl':
      return (value) => {
        // Our own format goes to POST's checks as it is; a record of a provider's export would only meet
        // form_param_unknown there, so it is named here instead.
        const other = typeof value === 'object' && value !== null && !Array.isArray(value) ? classifyRecord(value as Record<string, unknown>) : undefined;
        if (other !== undefined && other !== 'jsonl') throw new RecordMismatch(`it has the fields of a ${other} export`);
        return { body: value };
      };
    case 'csv':
      return (value) => ({ body: ownCsvBody(value as Record<string, string>) });
    case 'clerk':
      return (value) => ({ draft: fromClerk(value) });
    case 'auth0':
      return (value) => ({ draft: fromAuth0(value) });
    case 'firebase':
      return (value) => ({ draft: fromFirebase(value, options.firebase) });
    case 'supabase':
      return (value) => ({ draft: fromSupabase(value, options.now) });
  }
}

async function detectInput(file: string, given: ImportFormat | undefined): Promise<{ input: InputFile; detected: Detected }> {
  const input = await inspectInput(file);
  const detected = detectFormat(await peekText(input), given);
  return { input, detected };
}

/** Opens the file (and the Auth0 password-hash export, if given) and reads its users. */
export async function openSource(file: string, options: SourceOptions): Promise<RecordSource> {
  const { input, detected } = await detectInput(file, options.format);
  if (detected.format === 'firebase' && !options.firebase && /"passwordHash"\s*:\s*"[^"]/.test(await peekText(input))) {
    throw new ImportInputError(MISSING_SIGNER_KEY);
  }
  if (options.auth0Passwords !== undefined) {
    if (detected.format !== 'auth0') throw new ImportInputError(`--auth0-passwords goes with an Auth0 users export; ${file} is a ${describe(detected, input.gzip)}`);
    const other = await detectInput(options.auth0Passwords, undefined);
    if (other.detected.format !== 'auth0') {
      throw new ImportInputError(`--auth0-passwords names an Auth0 export; ${options.auth0Passwords} is a ${describe(other.detected, other.input.gzip)}`);
    }
    return openAuth0Merge([{ ...input, detected }, { ...other.input, detected: other.detected }]);
  }
  const opened = openInput(input);
  const description = describe(detected, input.gzip);
  return {
    records: mapRecords(readRecords(opened.stream, detected.shape), mapperFor(detected.format, options), { description }),
    bytesRead: opened.bytesRead,
    totalBytes: input.size,
    description,
    format: detected.format,
  };
}
