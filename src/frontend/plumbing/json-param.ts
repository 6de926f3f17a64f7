import secureJson from 'secure-json-parse';
import type { JsonObject } from '../../db/schema.js';
import { paramError } from '../../http/clerk-error.js';

/**
 * A parameter that holds a JSON object (`unsafe_metadata`): form bodies are flat, so clerk-js sends it as a
 * JSON string; JSON clients may send the object itself. Anything but an object is 422 on `param`, and
 * `__proto__`/`constructor.prototype` keys are refused as in JSON bodies.
 */
export function jsonObjectParam(value: string | JsonObject | null, param: string): JsonObject | null {
  if (value === null || typeof value !== 'string') return value;
  let parsed: unknown;
  try {
    parsed = secureJson.parse(value, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const human = param.replaceAll('_', ' ');
    throw paramError('form_param_value_invalid', param, `${human[0]!.toUpperCase()}${human.slice(1)} must be a valid key-value object.`);
  }
  return parsed as JsonObject;
}
