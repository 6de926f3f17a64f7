// Finds what a database or a JSON encoder cannot take in a parsed JSON value, without recursion (a value
// nested 100 000 levels deep is walked as easily as a flat one).

/** Nesting beyond this is refused: no real metadata is that deep, and deeper values overflow recursive code. */
export const MAX_JSON_DEPTH = 100;

export type UnsafeReason = 'nul' | 'lone_surrogate' | 'too_deep' | 'not_finite';

export interface UnsafeValue {
  /** Keys from the top down to the offending key or value (array indexes as strings). */
  path: string[];
  reason: UnsafeReason;
}

/** A string PostgreSQL cannot store (NUL) or that is not well-formed UTF-16 (a lone surrogate, which UTF-8 cannot encode). */
export function unsafeStringReason(text: string): UnsafeReason | undefined {
  if (text.includes('\u0000')) return 'nul';
  if (!(text as unknown as { isWellFormed(): boolean }).isWellFormed()) return 'lone_surrogate'; // ES2024, in Node 20
  return undefined;
}

/**
 * The first key or value in `value` that is a NUL or lone-surrogate string, a non-finite number, or deeper
 * than `maxDepth` (the top level is depth 0); undefined when there is none.
 */
export function findUnsafeValue(value: unknown, maxDepth = MAX_JSON_DEPTH): UnsafeValue | undefined {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      const reason = unsafeStringReason(current);
      if (reason) return { path, reason };
    } else if (typeof current === 'number') {
      if (!Number.isFinite(current)) return { path, reason: 'not_finite' };
    } else if (typeof current === 'object' && current !== null) {
      if (path.length >= maxDepth) return { path, reason: 'too_deep' };
      const entries = Array.isArray(current) ? current.map((v, i) => [String(i), v] as const) : Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const reason = Array.isArray(current) ? undefined : unsafeStringReason(key);
        if (reason) return { path: [...path, key], reason };
        stack.push({ value: child, path: [...path, key] });
      }
    }
  }
  return undefined;
}

/** Words for an error message: "<param> <these words>." */
export function describeUnsafe(reason: UnsafeReason): string {
  switch (reason) {
    case 'nul':
      return 'must not contain the NUL character (\\u0000)';
    case 'lone_surrogate':
      return 'must be valid Unicode text (it contains a lone surrogate)';
    case 'too_deep':
      return `is nested more than ${MAX_JSON_DEPTH} levels deep`;
    case 'not_finite':
      return 'must be a finite number';
  }
}

/** Whether any key or string in `value` contains `needle` (iteratively, at any depth). */
export function containsText(value: unknown, needle: string): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current === 'string') {
      if (current.includes(needle)) return true;
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, child] of Object.entries(current)) {
        if (key.includes(needle)) return true;
        stack.push(child);
      }
    }
  }
  return false;
}
