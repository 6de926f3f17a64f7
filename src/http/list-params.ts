import type { FastifyRequest } from 'fastify';

// Query-string conventions shared by Clerk's list endpoints.

/** `+id` or `id` includes, `-id` excludes (Clerk's `user_id`, `organization_id`… list filters). */
export function includeExclude(values: string[] | undefined): { include: string[]; exclude: string[] } | undefined {
  if (!values?.length) return undefined;
  const include: string[] = [];
  const exclude: string[] = [];
  for (const v of values) {
    if (v.startsWith('-')) exclude.push(v.slice(1));
    else include.push(v.startsWith('+') ? v.slice(1) : v);
  }
  return { include, exclude };
}

/** `-created_at` → descending; `+name` or `name` → ascending. */
export function parseOrderBy<F extends string>(orderBy: string): { field: F; direction: 'asc' | 'desc' } {
  return { field: orderBy.replace(/^[+-]/, '') as F, direction: orderBy.startsWith('-') ? 'desc' : 'asc' };
}

/**
 * A preValidation hook for `order_by`: "We only support one order_by parameter … we will only keep the
 * first one", and an unencoded `+created_at` arrives as ` created_at` (no sign means ascending anyway).
 */
export async function firstOrderBy(request: FastifyRequest): Promise<void> {
  const query = request.query as Record<string, unknown>;
  if (Array.isArray(query.order_by)) query.order_by = query.order_by[0];
  if (typeof query.order_by === 'string') query.order_by = query.order_by.trim();
}
