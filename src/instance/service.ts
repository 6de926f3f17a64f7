import type { Executor } from '../db/database.js';
import { newId } from '../lib/ids.js';
import { insertSettingIfAbsent } from './store.js';

export interface Instance {
  /** `ins_…`: appears in image URLs and, later, as the session-token key id. */
  id: string;
}

/** The instance's identity, created on first start and stable afterwards. */
export async function loadInstance(db: Executor): Promise<Instance> {
  const id = await insertSettingIfAbsent(db, 'instance_id', newId('ins'));
  return { id: String(id) };
}
