import pino, { type DestinationStream } from 'pino';

/**
 * Structured logs that never carry secrets. Request logs are one line per request with method, the path
 * (query-string values removed), status and, on 4xx, the Clerk error code (http/request-log.ts); bodies are
 * never logged; anything that could hold a key, password, digest or metadata is redacted; and errors go
 * through `safeError`, which drops what a failed query carries (its parameters, its SQL, PostgreSQL's
 * `detail`) because those are digests, sealed secrets and metadata.
 */
export function logger(level: string, destination?: DestinationStream) {
  return pino(
    {
      level,
      serializers: { err: safeError, error: safeError },
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          '*.password',
          '*.password_digest',
          '*.totp_secret',
          '*.backup_codes',
          '*.public_metadata',
          '*.private_metadata',
          '*.unsafe_metadata',
          'body',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/**
 * PostgreSQL's error fields that name things (a constraint, a table) rather than repeat values. Every other
 * field is left out: `detail` quotes the conflicting key ("Key (email_address)=(ada@…) already exists"),
 * `where`/`internalQuery` quote SQL, and PGlite adds `query` and `params` (the values of the failed query).
 */
const NAMING_FIELDS = ['code', 'severity', 'routine', 'schema', 'table', 'column', 'constraint', 'dataType'] as const;

// PostgreSQL double-quotes both names (`relation "users"`) and values (`invalid input syntax for type
// integer: "…"`). A quoted string right after one of these words is a name and is kept; any other is a value.
const NAME_BEFORE_QUOTE = /(?:relation|column|constraint|table|index|schema|function|type|operator|database|role|extension|trigger|sequence|view|encoding|cursor|statement|savepoint|portal|collation|domain|policy|publication)\s$/i;

/** `message` with every double-quoted value replaced by "…" (names stay, see NAME_BEFORE_QUOTE). */
export function redactQuotedValues(message: string): string {
  return message.replace(/"(?:[^"]|"")*"/g, (quoted, offset: number) =>
    NAME_BEFORE_QUOTE.test(message.slice(Math.max(0, offset - 20), offset)) && quoted.length <= 65 ? quoted : '"…"',
  );
}

function isDatabaseError(error: Record<string, unknown>): boolean {
  return typeof error.code === 'string' && /^[0-9A-Z]{5}$/.test(error.code) && ('severity' in error || 'routine' in error);
}

/**
 * An error as the log may see it: type, message (quoted values removed), stack, code, and the cause chain
 * (depth-capped). Of a database error, only the naming fields.
 */
export function safeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return typeof error === 'string' ? redactQuotedValues(error) : { type: typeof error };
  const fields = error as unknown as Record<string, unknown>;
  const database = isDatabaseError(fields);
  // Every message, not only a database error's: a wrapper may repeat its cause's message (migrate.ts does).
  const message = redactQuotedValues(error.message);
  const out: Record<string, unknown> = { type: error.name, message };
  if (error.stack) {
    // The stack's first line repeats the message: rebuild it from the redacted one.
    const frames = error.stack.split('\n').filter((line) => /^\s+at /.test(line));
    out.stack = [`${error.name}: ${message}`, ...frames].join('\n');
  }
  if (database) {
    for (const key of NAMING_FIELDS) if (fields[key] !== undefined) out[key] = fields[key];
  } else if (typeof fields.code === 'string') {
    out.code = fields.code;
  }
  if (error.cause !== undefined && depth < 5) out.cause = safeError(error.cause, depth + 1);
  return out;
}
