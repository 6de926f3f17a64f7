import { Ajv, type Options, type ValidateFunction } from 'ajv';
import type { FastifyInstance } from 'fastify';

// Two Ajv instances: query strings and path parameters arrive as text and are coerced (`limit=10`,
// a single `email_address=x` becoming a one-element array); JSON bodies are taken as they are, so
// `"true"` is not a boolean and an unknown field is an error (Fastify's default would drop it).
const common: Options = { allErrors: true, verbose: true, useDefaults: true, removeAdditional: false, strict: false };
const coercing = new Ajv({ ...common, coerceTypes: 'array' });
const strict = new Ajv({ ...common, coerceTypes: false });

export function installValidator(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));
}

/**
 * Every part coerced, bodies included: for the Frontend API, whose bodies are form-encoded (all values
 * arrive as text: `legal_accepted=true`, `expires_in_seconds=60`).
 */
export function installCoercingValidator(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema }) => coercing.compile(schema));
}

/**
 * The validator Fastify uses for JSON bodies, for callers that get a body from elsewhere (the bulk
 * import reads users from a file): same Ajv, same options, so `validationError(validate.errors, 'body')`
 * gives exactly the HTTP layer's errors.
 */
export function compileBodyValidator<T>(schema: object): ValidateFunction<T> {
  return strict.compile<T>(schema);
}
