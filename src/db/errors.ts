/**
 * The name of the unique index a write violated, or undefined when the error is something else.
 * Both node-postgres and PGlite report SQLSTATE 23505 with the constraint's name.
 */
export function uniqueViolation(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505') {
    return String((error as { constraint?: unknown }).constraint ?? '');
  }
  return undefined;
}
