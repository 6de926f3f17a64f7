import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { cliDatabase } from '../helper.js';
import { exportFixture, runCli, tempDir } from './support.js';

// The gatehouse command as a tool people trust: help on stdout, an unknown command named and refused,
// input problems that say what is wrong without "run it again to resume" (which only an interruption
// earns), and a file of another format stopped with the format it was taken for and the flag that helps.

test('gatehouse --help and gatehouse import --help go to stdout, exit 0', async () => {
  for (const args of [['--help'], [], ['import', '--help'], ['export', '--help']]) {
    const run = await runCli(args);
    assert.equal(run.code, 0, args.join(' '));
    assert.match(run.stdout, /^Usage: gatehouse/, args.join(' '));
    assert.equal(run.stderr, '');
  }
});

test('an unknown command says so and exits 2', async () => {
  const run = await runCli(['imprt', 'users.jsonl']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /^gatehouse: unknown command "imprt"/);
  assert.equal(run.stdout, '');
  assert.equal((await runCli(['keys', 'rotat'])).code, 2);
});

test('gatehouse import: input problems are fatal, say what is wrong, and never advise resuming', async (t) => {
  const dir = await tempDir(t);
  const db = await cliDatabase(t, dir);

  const missing = await runCli(['import', path.join(dir, 'nope.json')], db.env);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope\.json: no such file/);
  assert.doesNotMatch(missing.stderr, /resume|again/);

  const firebase = path.join(dir, 'firebase-users.json');
  await copyFile(exportFixture('firebase-users.json'), firebase);
  const noKey = await runCli(['import', firebase], db.env);
  assert.equal(noKey.code, 1);
  assert.match(noKey.stderr, /password hashes: give the project's --firebase-signer-key/);
  assert.doesNotMatch(noKey.stderr, /resume|again/);

  // Told it is Supabase, a Firebase export does not fit: the first records are refused, nothing is written.
  const wrong = await runCli(['import', firebase, '--format', 'supabase'], db.env);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /no record of the file fits\. Line 3 does not fit the format Supabase \(a \{"users": \[\.\.\.\]\} document\), given with --format: it has no id \(a row of auth\.users\)\. If the file is another kind of export, give --format/);
  assert.doesNotMatch(wrong.stderr, /resume|again/);

  // A gzip-compressed file is read through, whatever its name.
  const gz = path.join(dir, 'users.dat');
  await writeFile(gz, gzipSync(await readFile(exportFixture('clerk-migration.json'))));
  const gzipped = await runCli(['import', gz, '--dry-run'], db.env);
  assert.equal(gzipped.code, 0, gzipped.stderr);
  assert.match(gzipped.stdout, /dry run: 2 rows read .* from: Clerk \(a JSON array, gzip\), detected from the content/);
});

test('gatehouse import: our own JSON lines given --format jsonl with a Firebase record says which format it looks like', async (t) => {
  const dir = await tempDir(t);
  const db = await cliDatabase(t, dir);
  const file = path.join(dir, 'mixed.jsonl');
  await writeFile(file, [JSON.stringify({ email_address: ['ok@example.com'] }), JSON.stringify({ localId: 'x', email: 'fb@example.com' })].join('\n'));
  const run = await runCli(['import', file], db.env);
  assert.equal(run.code, 3, run.stderr);
  const rejects = (await readFile(`${file}.rejects.jsonl`, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rejects.length, 1);
  assert.match(rejects[0].errors[0].long_message, /^Line 2 does not fit the format Gatehouse JSON \(POST \/v1\/users fields\) \(JSON lines\), detected from the content: it has the fields of a firebase export\./);
  assert.match(run.stdout, /first rejected row, line 2: request_body_invalid: Line 2 does not fit/);
});
