// Errors of the Svix-compatible API, in Svix's envelopes (svix-server src/error.rs), which the svix client
// parses: `{ code, detail }` for most statuses, and for 422 `{ detail: [{ loc, msg, type }] }`.
// Do not rename the JSON fields.

export interface SvixValidationItem {
  loc: string[];
  msg: string;
  type: string;
}

export class SvixError extends Error {
  override readonly name = 'SvixError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(detail);
  }

  get body(): { code: string; detail: string } {
    return { code: this.code, detail: this.detail };
  }
}

export class SvixValidationError extends Error {
  override readonly name = 'SvixValidationError';
  readonly status = 422;
  constructor(readonly items: SvixValidationItem[]) {
    super(items.map((i) => i.msg).join('; '));
  }

  get body(): { detail: SvixValidationItem[] } {
    return { detail: this.items };
  }
}

/** Svix's HttpError::not_found(None, None). */
export const notFound = () => new SvixError(404, 'not_found', 'Entity not found');
/** Svix's http_error_on_conflict: a unique uid taken. */
export const conflict = () => new SvixError(409, 'conflict', 'A conflict has occurred');
export const unauthorized = () => new SvixError(401, 'authentication_failed', 'Incorrect authentication credentials.');
/** One invalid field of the body (or query): Svix's `value_error`. */
export const invalid = (where: 'body' | 'query', field: string, msg: string) =>
  new SvixValidationError([{ loc: [where, field], msg, type: 'value_error' }]);
