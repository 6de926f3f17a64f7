import { Ajv, type Options } from 'ajv';
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
