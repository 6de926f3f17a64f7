import { errorCodes, type ErrorCode } from './error-codes.js';

export interface ClerkErrorMeta {
  param_name?: string;
  [key: string]: unknown;
}

export interface ClerkErrorOptions {
  meta?: ClerkErrorMeta;
  message?: string;
  long_message?: string;
  /** Where Clerk answers a code with another status than its usual one (a missing image file: 400, not 422). */
  status?: number;
}

/** One entry of Clerk's `errors` array. Do not rename the fields: they are the wire format. */
export interface ClerkErrorEntry {
  message: string;
  long_message: string;
  code: ErrorCode;
  meta?: ClerkErrorMeta;
}

/** An error a client may see. Services throw it; http/errors.ts turns it into Clerk's envelope. */
export class ClerkError extends Error {
  readonly status: number;
  readonly entries: ClerkErrorEntry[];

  constructor(code: ErrorCode, options: ClerkErrorOptions = {}) {
    const entry = clerkErrorEntry(code, options);
    super(entry.long_message);
    this.name = 'ClerkError';
    this.status = options.status ?? errorCodes[code].status;
    this.entries = [entry];
  }

  /** Several errors in one response, as Clerk returns for a form with several bad fields. */
  static many(entries: ClerkErrorEntry[]): ClerkError {
    const first = entries[0];
    if (!first) throw new Error('ClerkError.many needs at least one entry');
    const error = new ClerkError(first.code, { ...first });
    error.entries.splice(0, 1, ...entries);
    return error;
  }
}

/** Shorthand for the most common case: a form error about one parameter. */
export function paramError(code: ErrorCode, param: string, long_message?: string): ClerkError {
  return new ClerkError(code, { meta: { param_name: param }, ...(long_message ? { long_message } : {}) });
}

export function clerkErrorEntry(code: ErrorCode, options: ClerkErrorOptions = {}): ClerkErrorEntry {
  const def: { message: string; long?: string } = errorCodes[code];
  const param = options.meta?.param_name;
  const template = def.long ?? def.message;
  const long_message = options.long_message ?? template.replaceAll('{param}', param ?? 'parameter');
  return {
    message: options.message ?? def.message,
    long_message,
    code,
    ...(options.meta ? { meta: options.meta } : {}),
  };
}
