type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Clerk's metadata merge (PATCH /users/{id}/metadata): nested objects merge, `null` removes a key at any
 * depth, arrays and scalars replace. Neither input is mutated. Iterative, with its own stack: a patch
 * nested thousands of levels deep merges without overflowing the call stack (HTTP refuses such patches
 * anyway, http/input-guards.ts).
 */
export function deepMerge(target: JsonObject, patch: JsonObject): JsonObject {
  const root: JsonObject = { ...target };
  const work: { out: JsonObject; patch: JsonObject }[] = [{ out: root, patch }];
  while (work.length > 0) {
    const { out, patch: current } = work.pop()!;
    for (const [key, value] of Object.entries(current)) {
      if (value === null) {
        delete out[key];
      } else if (isPlainObject(value)) {
        const existing = out[key];
        const merged: JsonObject = isPlainObject(existing) ? { ...existing } : {};
        out[key] = merged;
        work.push({ out: merged, patch: value });
      } else {
        out[key] = value;
      }
    }
  }
  return root;
}
