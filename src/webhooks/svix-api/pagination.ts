import { Type } from '@sinclair/typebox';

// Svix's list pagination (svix-server v1/utils): `limit` (default 50, at most 250) and `iterator`, the id
// to continue after; an iterator prefixed `-` walks the other way (prevIterator). Answers are
// `{ data, iterator, prevIterator, done }`: iterator = the last item's id, prevIterator = "-" + the first's.

export const PaginationQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 250, default: 50 })),
  iterator: Type.Optional(Type.String({ maxLength: 300 })),
};

export interface Iterator {
  /** Continue after (or, walking back, before) this id. */
  id: string | undefined;
  /** A `-` iterator: towards the start of the list. */
  prev: boolean;
}

export function parseIterator(iterator: string | undefined): Iterator {
  if (iterator === undefined || iterator === '') return { id: undefined, prev: false };
  return iterator.startsWith('-') ? { id: iterator.slice(1), prev: true } : { id: iterator, prev: false };
}

export interface ListResponse<T> {
  data: T[];
  iterator: string | null;
  prevIterator: string | null;
  done: boolean;
}

/**
 * `rows` as fetched: up to limit + 1, in query order (reversed when walking back). As svix-server's
 * list_response: one extra row means not done; rows fetched backwards are put back in list order.
 */
export function listResponse<R, T>(rows: R[], limit: number, walkedBack: boolean, idOf: (row: R) => string, map: (row: R) => T): ListResponse<T> {
  const done = rows.length <= limit;
  const page = rows.slice(0, limit);
  if (walkedBack) page.reverse();
  return {
    data: page.map(map),
    iterator: page.length > 0 ? idOf(page[page.length - 1]!) : null,
    prevIterator: page.length > 0 ? `-${idOf(page[0]!)}` : null,
    done,
  };
}
