import type { Readable } from 'node:stream';

/** One element of the array, as JSON text, and the line it starts on. */
export interface JsonElement {
  line: number;
  text: string;
}

const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/**
 * Streams the elements of one array in a JSON document without parsing the whole document: the top-level
 * array (`[{…}, {…}]`, Auth0's bulk format), or with `key` the array under that key of the top-level
 * object (`{"users": [{…}, {…}]}`, `firebase auth:export`). Works on bytes: every structural character is
 * ASCII and never occurs inside a multi-byte UTF-8 sequence. Each element's text is handed out whole, to
 * be parsed (and rejected on its own if broken).
 */
export async function* readJsonArray(stream: Readable, key?: string): AsyncGenerator<JsonElement[]> {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  let container = -1; // the depth inside the wanted array, once found
  let done = false;
  let lastKey = ''; // the last string read at depth 1 of the top-level object (the key before a value)
  let keyParts: Buffer[] | undefined; // a depth-1 string being read, possibly across chunks
  let stringStart = -1;
  let element: Buffer[] | undefined; // the current element's bytes so far
  let primitive = false; // the current element is a string, number, true, false or null
  let elementStart = 0;
  let elementLine = 0;
  const keyText = key === undefined ? undefined : JSON.stringify(key);

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (done) continue; // drain: what follows the array is not ours to read
    const out: JsonElement[] = [];
    const finish = (end: number) => {
      element!.push(chunk.subarray(elementStart, end));
      out.push({ line: elementLine, text: Buffer.concat(element!).toString('utf8') });
      element = undefined;
    };
    if (element) elementStart = 0;
    if (keyParts) stringStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === NEWLINE) line++;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) {
          inString = false;
          if (keyParts) {
            keyParts.push(chunk.subarray(stringStart, i + 1));
            lastKey = Buffer.concat(keyParts).toString('utf8');
            keyParts = undefined;
          }
        }
        continue;
      }
      if (depth === container) {
        // A primitive element ends at the comma, bracket or space after it.
        if (element && primitive && (b === COMMA || b === CLOSE_ARRAY || isSpace(b))) finish(i);
        if (!element && !isSpace(b) && b !== COMMA && b !== CLOSE_ARRAY) {
          element = [];
          elementStart = i;
          elementLine = line;
          primitive = b !== OPEN_OBJECT && b !== OPEN_ARRAY;
        }
      }
      if (b === QUOTE) {
        inString = true;
        if (depth === 1 && container < 0) {
          keyParts = [];
          stringStart = i;
        }
      } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
        depth++;
        if (container < 0 && b === OPEN_ARRAY) {
          const topLevel = depth === 1 && keyText === undefined;
          const underKey = depth === 2 && keyText !== undefined && lastKey === keyText;
          if (topLevel || underKey) container = depth;
        }
      } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        depth--;
        if (container >= 0 && depth < container) {
          done = true;
          break;
        }
        if (element && !primitive && depth === container) finish(i + 1);
      }
    }
    if (element) element.push(Buffer.from(chunk.subarray(elementStart)));
    if (keyParts) keyParts.push(Buffer.from(chunk.subarray(stringStart)));
    if (out.length > 0) yield out;
  }
  if (element) throw new Error(`JSON: the element starting on line ${elementLine} is cut off at the end of the file`);
  if (container < 0) throw new Error(key === undefined ? 'JSON: the file is not an array' : `JSON: no "${key}" array in the file`);
  if (!done) throw new Error('JSON: the array is not closed at the end of the file');
}
