import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { readCsv } from '../../src/import/csv.js';
import { readJsonArray } from '../../src/import/json-array.js';
import { readLines } from '../../src/import/read-lines.js';

// The streaming readers under `gatehouse import`, fed one byte (or a few) at a time so that every
// boundary case (a line, a quoted field, a UTF-8 character, a JSON string split across chunks) occurs.

function chunked(text: string, size: number): Readable {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks, { objectMode: false });
}

async function collect<T>(gen: AsyncGenerator<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const batch of gen) out.push(...batch);
  return out;
}

test('readLines: LF and CRLF, a BOM, UTF-8 split across chunks, a last line without a newline', async () => {
  const text = '\uFEFF{"a":"ü"}\r\n\n{"b":"✓"}\nlast';
  for (const size of [1, 2, 3, 7, 1024]) {
    const lines = await collect(readLines(chunked(text, size)));
    assert.deepEqual(lines, [
      { line: 1, text: '{"a":"ü"}' },
      { line: 2, text: '' },
      { line: 3, text: '{"b":"✓"}' },
      { line: 4, text: 'last' },
    ], `chunk size ${size}`);
  }
});

test('readCsv: quoted fields with commas, doubled quotes and line breaks; CRLF; blank lines; a BOM', async () => {
  const text = '\uFEFFa,b,c\r\n1,"x, ""y""",3\r\n\r\n"multi\nline",,"end"\n4,5,6';
  for (const size of [1, 2, 5, 1024]) {
    const records = await collect(readCsv(chunked(text, size)));
    assert.deepEqual(records, [
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, "y"', '3'] },
      { line: 4, fields: ['multi\nline', '', 'end'] },
      { line: 6, fields: ['4', '5', '6'] },
    ], `chunk size ${size}`);
  }
});

test('readCsv: a quoted field that never ends is an error', async () => {
  await assert.rejects(collect(readCsv(chunked('a,b\n"open,1\n', 4))), /never ends/);
});

test('readJsonArray: elements of {"users": [...]} or of a top-level array, with their first line', async () => {
  const doc = '{"kind": "x", "other": [{"no": 1}],\n "users": [\n  {"a": "]}\\"", "b": [1, {"c": 2}]},\n  {"d": "ü"}\n , 7, "s"]\n, "after": [{"e": 1}]}';
  for (const size of [1, 3, 10, 4096]) {
    const elements = await collect(readJsonArray(chunked(doc, size), 'users'));
    assert.deepEqual(elements, [
      { line: 3, text: '{"a": "]}\\"", "b": [1, {"c": 2}]}' },
      { line: 4, text: '{"d": "ü"}' },
      { line: 5, text: '7' },
      { line: 5, text: '"s"' },
    ], `chunk size ${size}`);
  }
  const top = await collect(readJsonArray(chunked('[\n{"x":1},\n{"y":[2]}\n]', 2)));
  assert.deepEqual(top, [
    { line: 2, text: '{"x":1}' },
    { line: 3, text: '{"y":[2]}' },
  ]);
});

test('readJsonArray: no such array, or a file cut short, is an error', async () => {
  await assert.rejects(collect(readJsonArray(chunked('{"people": []}', 4), 'users')), /no "users" array/);
  await assert.rejects(collect(readJsonArray(chunked('{"users": [{"a": 1}, {"b"', 4), 'users')), /cut off/);
});
