import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { ClerkError, clerkErrorEntry, type ClerkErrorEntry } from './clerk-error.js';

// Turns Ajv's failures into Clerk's form errors, one per parameter, each naming it in meta.param_name.

function paramOf(error: FastifySchemaValidationError): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return String(params.missingProperty);
  if (error.keyword === 'additionalProperties') return String(params.additionalProperty);
  // '/email_address/0' → 'email_address': Clerk names the top-level parameter.
  const top = error.instancePath.split('/')[1];
  return top ? decodeURIComponent(top.replaceAll('~1', '/').replaceAll('~0', '~')) : 'body';
}

function entryFor(error: FastifySchemaValidationError, part: string): ClerkErrorEntry {
  const param = paramOf(error);
  const meta = { param_name: param };
  if (part !== 'body') {
    // Query and path parameters: Clerk answers "limit is invalid" whatever the rule was.
    return clerkErrorEntry('form_param_value_invalid', { meta, long_message: `${param} is invalid` });
  }
  const data = (error as { data?: unknown }).data;
  switch (error.keyword) {
    case 'required':
      return clerkErrorEntry('form_param_missing', { meta });
    case 'additionalProperties':
      return clerkErrorEntry('form_param_unknown', { meta });
    case 'type': {
      const human = param.replaceAll('_', ' ');
      // Clerk (Go apierror FormNilParameter): "Enter name." as both message and long_message.
      if (data === null) return clerkErrorEntry('form_param_nil', { meta, message: `Enter ${human}.`, long_message: `Enter ${human}.` });
      if (/^(public|private|unsafe)_metadata$/.test(param) && error.instancePath === `/${param}`) {
        // Clerk (Go apierror FormMetadataInvalidType): metadata that is not a JSON object.
        const text = `${human[0]!.toUpperCase()}${human.slice(1)} must be a valid key-value object. To reset the ${human}, use an empty object ("{}").`;
        return clerkErrorEntry('form_param_value_invalid', { meta, message: text, long_message: text });
      }
      return clerkErrorEntry('form_param_type_invalid', {
        meta,
        long_message: `\`${param}\` must be ${describeType((error.params as { type?: unknown }).type)}.`,
      });
    }
    case 'maxLength':
      return clerkErrorEntry('form_param_max_length_exceeded', {
        meta,
        long_message: `${param} should not exceed ${(error.params as { limit: number }).limit} characters.`,
      });
    case 'format':
    case 'pattern':
    case 'minLength':
      return clerkErrorEntry('form_param_format_invalid', { meta });
    default:
      return clerkErrorEntry('form_param_value_invalid', { meta, long_message: `${param} is invalid` });
  }
}

function describeType(type: unknown): string {
  const list = (Array.isArray(type) ? type : [type]).filter((t) => t !== 'null').map(String);
  const name = list[0] === 'integer' ? 'an integer' : list[0] === 'array' ? 'an array' : list[0] === 'object' ? 'an object' : `a ${list[0]}`;
  return name;
}

/** One Clerk error per failing parameter, in the order Ajv reported them. */
export function validationError(errors: FastifySchemaValidationError[], part: string): ClerkError {
  const seen = new Set<string>();
  const entries: ClerkErrorEntry[] = [];
  for (const error of errors) {
    const entry = entryFor(error, part);
    const key = entry.meta?.param_name ?? entry.code;
    if (seen.has(key)) continue;
    seen.add(key);
    entries.push(entry);
  }
  return ClerkError.many(entries);
}
