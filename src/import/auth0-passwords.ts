import type { Readable } from 'node:stream';
import { describe, type Detected } from './detect.js';
import type { RecordSource } from './formats.js';
import { mapRecords, type SourceRecord } from './map-records.js';
import { ImportInputError, openInput, type InputFile } from './input.js';
import { auth0UserKey, fromAuth0 } from './providers/auth0.js';
import { isObject } from './providers/draft.js';
import { readRecords } from './records.js';

// `gatehouse import users.json --auth0-passwords hashes.json` (either file first): Auth0 delivers a
// database user in two files, the user export (names, phone, dates, state) and, from support, the
// password-hash export. They are merged by user id (`user_id` = `auth0|<_id.$oid>`) in one pass:
// 1. the password-hash export is read first and only what the merge needs is kept (hash, email
//    verification), about 150 bytes a user;
// 2. the users export is read and each user takes its hash;
// 3. the password-hash export is read again for the users the users export did not have: they are
//    imported on their own (email and password), so nobody is lost.

type Input = InputFile & { detected: Detected };

interface KeptHash {
  passwordHash: string;
  email_verified: unknown;
  email: unknown;
}

async function* readValues(stream: Readable, detected: Detected) {
  for await (const records of readRecords(stream, detected.shape)) yield records;
}

export function openAuth0Merge(inputs: [Input, Input]): RecordSource {
  const passwords = inputs.find((i) => i.detected.auth0Passwords);
  const users = inputs.find((i) => !i.detected.auth0Passwords);
  if (!passwords || !users) {
    const both = inputs[0].detected.auth0Passwords ? 'password-hash exports' : 'user exports';
    throw new ImportInputError(`${inputs[0].path} and ${inputs[1].path} are both Auth0 ${both}: give the users export and the password-hash export (--auth0-passwords), in either order`);
  }
  const opened: { bytesRead(): number }[] = [];
  const open = (input: Input) => {
    const o = openInput(input);
    opened.push(o);
    return o.stream;
  };
  const usersDescription = describe(users.detected, users.gzip);
  const passwordsDescription = describe(passwords.detected, passwords.gzip);
  const hashes = new Map<string, KeptHash>();
  let unreadable = 0;

  async function* merged(): AsyncGenerator<SourceRecord[]> {
    for await (const records of readValues(open(passwords!), passwords!.detected)) {
      for (const r of records) {
        if (!('value' in r) || !isObject(r.value)) {
          unreadable++; // reported in step 3
          continue;
        }
        const key = auth0UserKey(r.value);
        const passwordHash = r.value.passwordHash ?? r.value.password_hash;
        if (key !== undefined && typeof passwordHash === 'string') {
          hashes.set(key, { passwordHash, email_verified: r.value.email_verified, email: r.value.email });
        }
      }
    }
    const usersRecords = readValues(open(users!), users!.detected);
    const withHash = (value: unknown) => {
      const key = auth0UserKey(value);
      const kept = key === undefined ? undefined : hashes.get(key);
      if (kept) hashes.delete(key!);
      return { draft: fromAuth0(value, kept as Record<string, unknown> | undefined) };
    };
    yield* mapRecords(usersRecords, withHash, { description: usersDescription, file: users!.path });
    // Users the users export did not have, from the password-hash export on its own.
    const leftovers = async function* () {
      for await (const records of readValues(open(passwords!), passwords!.detected)) {
        const out = records.filter((r) => {
          if (!('value' in r)) return true;
          const key = auth0UserKey(r.value);
          return key === undefined || hashes.has(key);
        });
        if (out.length > 0) yield out;
      }
    };
    if (hashes.size > 0 || unreadable > 0) yield* mapRecords(leftovers(), (value) => ({ draft: fromAuth0(value) }), { description: passwordsDescription, file: passwords!.path });
  }

  return {
    records: merged(),
    bytesRead: () => opened.reduce((n, o) => n + o.bytesRead(), 0),
    // The password-hash export is read twice when some of its users are not in the users export (when
    // none are, the bar jumps to the end).
    totalBytes: 2 * passwords.size + users.size,
    description: `${usersDescription}, merged with the ${passwordsDescription}`,
    format: 'auth0',
  };
}
