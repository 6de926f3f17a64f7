import type { Deps } from '../../deps.js';
import { ClerkError, type ClerkErrorEntry } from '../../http/clerk-error.js';
import { applyGatehouseExtension, readGatehouseExtension, type ImportedState } from './gatehouse-extension.js';
import type { CreateUserInput } from '../schemas.js';
import { prepareNewUser, type PreparedUser, type PrepareOptions } from '../service.js';

// One line of `gatehouse import` → the row bulk/service.ts writes: every rule of POST /v1/users
// (prepareNewUser, the one shared path), plus the line's `gatehouse` key (gatehouse-extension.ts).

/** One row of an import: the body as read (for --on-conflict update) and what prepareNewUser made of it. */
export interface ImportRow {
  input: CreateUserInput;
  prepared: PreparedUser;
  /** What the line's `gatehouse` key set (already applied to `prepared`), when it has one. */
  imported?: ImportedState | undefined;
}

/**
 * One line of an import → an ImportRow: its `gatehouse` key (an export's ids, states and timestamps) is
 * taken off and checked on its own, the rest goes through prepareNewUser, the rules of POST /v1/users,
 * like any body. Throws the ClerkError of both, POST's errors first.
 */
export async function prepareImportRow(deps: Pick<Deps, 'db' | 'clock' | 'secretBox' | 'hibp'>, body: unknown, options: PrepareOptions): Promise<ImportRow> {
  const hasExtension = typeof body === 'object' && body !== null && !Array.isArray(body) && 'gatehouse' in body;
  if (!hasExtension) return { input: body as CreateUserInput, prepared: await prepareNewUser(deps, body, options) };
  const { gatehouse, ...input } = body as Record<string, unknown>;
  let imported: ImportedState | undefined;
  let extensionErrors: ClerkErrorEntry[] = [];
  try {
    imported = readGatehouseExtension(gatehouse, input);
  } catch (error) {
    if (!(error instanceof ClerkError)) throw error;
    extensionErrors = error.entries;
  }
  let prepared: PreparedUser;
  try {
    prepared = await prepareNewUser(deps, input, options);
  } catch (error) {
    if (error instanceof ClerkError) throw ClerkError.many([...error.entries, ...extensionErrors]);
    throw error;
  }
  if (!imported) throw ClerkError.many(extensionErrors);
  return { input: input as CreateUserInput, prepared: applyGatehouseExtension(prepared, imported), imported };
}
