// Generates a reproducible user base for the benchmarks and the import (issue 5):
//
//   npx tsx bench/seed.ts --users 1000000 --out bench/data/users-1m.jsonl [--seed 42]
//
// One JSON object per line, with the fields of POST /v1/users. The same --users and --seed always give the
// same bytes. Every row is valid for POST /v1/users and every identifier is unique across the file:
// - email_address: 1 address (65 %) or 2 (35 %), the local part carries the row number;
// - phone_number: for 40 % of rows, E.164 (+4475 and 8 digits), a bijection of the row number;
// - web3_wallet: for 2 % of rows (so that order_by=web3wallet has something to sort);
// - username: for 50 % of rows; first_name/last_name for 95 %; external_id for every row;
// - password_digest + password_hasher 'bcrypt': five real cost-10 digests reused round-robin (their passwords
//   are in BCRYPT_DIGESTS, so a benchmark can sign in as any seeded user);
// - created_at: spread over 2021-01-01 … 2025-01-01; public_metadata: a small object.
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** [password, bcrypt digest at cost 10]: precomputed, because bcrypt salts are random and the file must not be. */
export const BCRYPT_DIGESTS: readonly (readonly [string, string])[] = [
  ['Correct-Horse-1', '$2b$10$guKYLX9z2SjtpugJKMfcoOe94i/Weo1l3j0elBBsBsJ3ppe9CAm56'],
  ['Battery-Staple-2', '$2b$10$2PyMVXmbL7RLDnQ1unD.redSI39fpItkJpWS7FKmULzfNdmkNdciO'],
  ['Tr0ub4dor&3x', '$2b$10$GI4NbUQ20dFLEAm2yHCRMO0fRA3IbYnwN0HX40bIeicmdzSiTzRae'],
  ['seed-password-4', '$2b$10$8bv4arAtlnhWAz8Dzspy8.gWMSwz8tWgDCwlKt1TpAnPPyGAA8Xh.'],
  ['Gatehouse-bench-5', '$2b$10$q7sy0EB53cQ9Mi5UxZjRNexwjWYrg8TEWPw.SOpoK4I5PrwL1RdWK'],
];

const FIRST_NAMES = (
  'James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph ' +
  'Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Sandra Mark Margaret ' +
  'Donald Ashley Steven Kimberly Andrew Emily Paul Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa ' +
  'George Deborah Timothy Stephanie Ronald Rebecca Jason Sharon Edward Laura Jeffrey Cynthia Ryan Dorothy Jacob ' +
  'Amy Gary Kathleen Nicholas Angela Eric Shirley Jonathan Emma Stephen Brenda Larry Pamela Justin Nicole Scott ' +
  'Anna Brandon Samantha Benjamin Katherine Samuel Christine Gregory Debra Alexander Rachel Patrick Carolyn Frank ' +
  'Janet Raymond Maria Jack Olivia Dennis Heather Jerry Helen Tyler Catherine Aaron Diane Jose Julie Adam Victoria ' +
  'Nathan Joyce Henry Lauren Zachary Kelly Douglas Christina Peter Ruth Kyle Joan Noah Virginia Ethan Judith ' +
  'Jeremy Evelyn Christian Hannah Walter Andrea Keith Megan Austin Cheryl Roger Jacqueline Terry Madison Sean ' +
  'Teresa Gerald Abigail Carl Sophia Dylan Martha Harold Sara Jordan Gloria Jesse Janice Bryan Kathryn Lawrence ' +
  'Ann Arthur Isabella Gabriel Judy Bruce Charlotte Logan Julia Billy Grace Joe Amber Alan Alice Juan Jean ' +
  'Elijah Denise Willie Frances Albert Danielle Wayne Marilyn Randy Natalie Mason Beverly Vincent Diana Liam ' +
  'Brittany Roy Theresa Bobby Kayla Caleb Alexis Bradley Doris Russell Lori Lucas Tiffany Søren Zoë Chloé Björn'
).split(' ');

const LAST_NAMES = (
  'Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson ' +
  'Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis ' +
  'Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera ' +
  'Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart ' +
  'Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim ' +
  'Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo ' +
  'Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler ' +
  'Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds ' +
  'Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford ' +
  'Castro Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman ' +
  'Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon ' +
  'Muñoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice ' +
  'Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer ' +
  'Müller Schneider Fischer Weber Dubois Lefèvre Rossi Russo Ferrari Esposito Kowalski Nowak Novák Jansen Sato'
).split(' ');

const DOMAINS = [
  'gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'proton.me', 'gmx.de', 'web.de',
  'orange.fr', 'libero.it', 'mail.ru', 'yandex.ru', 'qq.com', 'naver.com', 'acme-corp.com', 'globex.io',
  'initech.net', 'umbrella.co', 'hooli.xyz', 'piedpiper.dev', 'stark.industries', 'wayne-enterprises.com',
];
const PLANS = ['free', 'free', 'free', 'pro', 'pro', 'team', 'enterprise'];
const SOURCES = ['organic', 'ads', 'referral', 'partner', 'import'];

const CREATED_FROM = Date.UTC(2021, 0, 1);
const CREATED_TO = Date.UTC(2025, 0, 1);

/** mulberry32: a small, fast, seedable PRNG; good enough for test data, and identical on every platform. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** ASCII for e-mail local parts and usernames: Søren → soren, Muñoz → munoz. */
function ascii(s: string): string {
  return s.normalize('NFD').replace(/[^A-Za-z0-9]/g, '').toLowerCase();
}

// Phone numbers: +4475 then 8 digits; (i * A + B) mod 10^8 is a bijection because A is coprime to 10^8, so
// numbers are unique yet not sequential.
const PHONE_SPACE = 100_000_000;
const PHONE_A = 48_271;
const PHONE_B = 12_345_679;

export interface SeedUser {
  external_id: string;
  first_name?: string;
  last_name?: string;
  email_address: string[];
  phone_number?: string[];
  web3_wallet?: string[];
  username?: string;
  password_digest: string;
  password_hasher: 'bcrypt';
  public_metadata: Record<string, unknown>;
  created_at: string;
}

/**
 * Yields `count` users; the same (count, seed, first) always yields the same users. Rows are numbered from
 * `first`: files of disjoint ranges share no identifier (bench/import.ts --existing loads one beside another).
 */
export function* seedUsers(count: number, seed = 42, first = 0): Generator<SeedUser> {
  if (first + count > PHONE_SPACE) throw new Error(`at most ${PHONE_SPACE} users`);
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const hex = (n: number): string => {
    let s = '';
    for (let k = 0; k < n; k++) s += Math.floor(random() * 16).toString(16);
    return s;
  };
  for (let i = first; i < first + count; i++) {
    const given = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    const hasName = random() < 0.95;
    const tag = i.toString(36);
    const emails = [`${ascii(given)}.${ascii(last)}.${tag}@${pick(DOMAINS)}`];
    if (random() < 0.35) emails.push(`${ascii(given)[0]}${ascii(last)}+${tag}@${pick(DOMAINS)}`);
    const user: SeedUser = {
      external_id: `legacy-${seed}-${i.toString().padStart(8, '0')}`,
      ...(hasName ? { first_name: given, last_name: last } : {}),
      email_address: emails,
      password_digest: BCRYPT_DIGESTS[i % BCRYPT_DIGESTS.length]![1],
      password_hasher: 'bcrypt',
      public_metadata: { plan: pick(PLANS), source: pick(SOURCES), seats: 1 + Math.floor(random() * 20) },
      created_at: new Date(CREATED_FROM + Math.floor(random() * (CREATED_TO - CREATED_FROM))).toISOString(),
    };
    if (random() < 0.4) {
      const n = (((i * PHONE_A) % PHONE_SPACE) + PHONE_B) % PHONE_SPACE;
      user.phone_number = [`+4475${n.toString().padStart(8, '0')}`];
    }
    if (random() < 0.02) user.web3_wallet = [`0x${hex(32)}${i.toString(16).padStart(8, '0')}`];
    if (random() < 0.5) user.username = `${ascii(given)}_${ascii(last)}_${tag}`.slice(0, 64);
    yield user;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '1000' },
      out: { type: 'string' },
      seed: { type: 'string', default: '42' },
    },
  });
  const count = Number(values.users);
  const seed = Number(values.seed);
  if (!Number.isInteger(count) || count < 0) throw new Error('--users must be a non-negative integer');
  if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');
  if (!values.out) throw new Error('usage: npx tsx bench/seed.ts --users N --out FILE [--seed 42]');
  mkdirSync(dirname(values.out), { recursive: true });
  const out = createWriteStream(values.out);
  const started = performance.now();
  let chunk = '';
  let written = 0;
  for (const user of seedUsers(count, seed)) {
    chunk += JSON.stringify(user) + '\n';
    if (++written % 10_000 === 0) {
      if (!out.write(chunk)) await new Promise<void>((done) => out.once('drain', () => done()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  const seconds = (performance.now() - started) / 1000;
  console.error(`wrote ${written} users to ${values.out} in ${seconds.toFixed(1)} s (seed ${seed})`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
