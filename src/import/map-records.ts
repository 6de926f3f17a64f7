import { ClerkError, clerkErrorEntry, type ClerkErrorEntry } from '../http/clerk-error.js';
import { ImportInputError } from './input.js';
import { RecordMismatch, toImportBody, type UserDraft } from './providers/draft.js';
import type { RawRecord } from './records.js';

// Parsed records → SourceRecords: each one mapped by its format's function (a provider's → a UserDraft →
// our own body; ours as it is), a record the mapping refuses rejected with the format and the reason.

/** One user read from the file: the body for POST /v1/users, or why none could be read. */
export interface SourceRecord {
  line: number;
  /** The file the line is in, when an import reads two (Auth0's users and password-hash exports). */
  file?: string | undefined;
  body?: unknown;
  errors?: ClerkErrorEntry[];
  /** Source fields present and not carried. */
  dropped?: string[] | undefined;
  /** Signs in only through a social provider: comes without a password. */
  socialOnly?: boolean | undefined;
}

/** What a format's mapping makes of a parsed record: a provider's draft, or a body of our own format as it is. */
export type Mapped = { draft: UserDraft } | { body: unknown };

/** How many records must fit before a file is taken for what detection said: if the first ones all fail, stop. */
const MISMATCH_PROBE = 20;

/**
 * The bodies of the records, mapped. A record the mapping refuses is rejected with the format and the
 * reason; when the first MISMATCH_PROBE records are all refused, the file is not of this format at all and
 * the import stops before writing anything (ImportInputError).
 */
export async function* mapRecords(
  raw: AsyncIterable<RawRecord[]>,
  map: (value: unknown) => Mapped,
  context: { description: string; file?: string | undefined },
): AsyncGenerator<SourceRecord[]> {
  let seen = 0;
  let refused = 0;
  let firstRefusal: string | undefined;
  let held: SourceRecord[] = [];
  for await (const records of raw) {
    const out: SourceRecord[] = [];
    for (const r of records) {
      seen++;
      if ('errors' in r) {
        out.push({ line: r.line, file: context.file, errors: r.errors });
        continue;
      }
      try {
        const mapped = map(r.value);
        out.push(
          'draft' in mapped
            ? { line: r.line, file: context.file, body: toImportBody(mapped.draft), dropped: mapped.draft.dropped, socialOnly: mapped.draft.socialOnly }
            : { line: r.line, file: context.file, body: mapped.body },
        );
      } catch (error) {
        if (error instanceof ImportInputError) throw error;
        if (error instanceof ClerkError) {
          out.push({ line: r.line, file: context.file, errors: error.entries });
          continue;
        }
        if (!(error instanceof RecordMismatch)) throw error;
        const message = `Line ${r.line} does not fit the format ${context.description}: ${error.message}. If the file is another kind of export, give --format (clerk, auth0, firebase, supabase, jsonl, csv).`;
        refused++;
        firstRefusal ??= message;
        out.push({ line: r.line, file: context.file, errors: [clerkErrorEntry('request_body_invalid', { long_message: message })] });
      }
    }
    // Until one record fits, hold the records back: a file of another format stops with nothing written.
    held.push(...out);
    const undecided = refused === seen;
    if (undecided && seen >= MISMATCH_PROBE) throw new ImportInputError(`none of the first ${seen} records fits. ${firstRefusal}`);
    if (!undecided && held.length > 0) {
      yield held;
      held = [];
    }
  }
  if (seen > 0 && refused === seen) throw new ImportInputError(`no record of the file fits. ${firstRefusal}`);
  if (held.length > 0) yield held;
}

