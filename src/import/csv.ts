import type { Readable } from 'node:stream';

/** A CSV record: the line it starts on (a quoted field may span lines) and its fields. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * An RFC 4180 reader: comma-separated, fields in double quotes may hold commas, line breaks and doubled
 * quotes (`""` → `"`); records end with CRLF or LF. It is lenient where spreadsheets are sloppy: a quote
 * inside an unquoted field is kept as a character, and blank lines are skipped.
 */
export async function* readCsv(stream: Readable): AsyncGenerator<CsvRecord[]> {
  stream.setEncoding('utf8');
  let fields: string[] = [];
  let field = '';
  let quoted = false; // inside a quoted field
  let afterQuote = false; // just read a quote inside a quoted field: end of field, or the first of `""`
  let line = 1;
  let recordLine = 1;
  let first = true;
  let pendingCr = false;
  const endRecord = (out: CsvRecord[]) => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) out.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  for await (let text of stream as AsyncIterable<string>) {
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    const out: CsvRecord[] = [];
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (pendingCr) {
        pendingCr = false;
        if (c === '\n') continue; // CRLF: the CR already ended the record
      }
      if (quoted) {
        if (afterQuote) {
          afterQuote = false;
          if (c === '"') {
            field += '"';
            continue;
          }
          quoted = false; // the quote closed the field; fall through to read c unquoted
        } else {
          if (c === '"') afterQuote = true;
          else {
            if (c === '\n') line++;
            field += c;
          }
          continue;
        }
      }
      if (c === ',') {
        fields.push(field);
        field = '';
      } else if (c === '\n' || c === '\r') {
        endRecord(out);
        line++;
        recordLine = line;
        pendingCr = c === '\r';
      } else if (c === '"' && field === '') {
        quoted = true;
      } else {
        field += c;
      }
    }
    if (out.length > 0) yield out;
  }
  if (quoted && !afterQuote) throw new Error(`CSV: the quoted field that starts on line ${recordLine} never ends`);
  if (field !== '' || fields.length > 0) {
    const out: CsvRecord[] = [];
    endRecord(out);
    if (out.length > 0) yield out;
  }
}
