import { sql, type Insertable } from 'kysely';
import type { Executor } from '../db/database.js';
import { toJson } from '../db/json.js';
import type { ImageRow, ImagesTable } from '../db/schema.js';

// The images table (migration 0024): normalised bytes, owned by one user or one organization.

export type ImageMeta = Omit<ImageRow, 'data'>;

export async function insertImage(db: Executor, row: Insertable<ImagesTable>): Promise<void> {
  await db.insertInto('images').values(row).execute();
}

/** An image of an import's user: its bytes as bytea input text (`\x` and hex), so a batch travels as JSON. */
export type ImportedImageRow = Omit<ImageRow, 'organization_id' | 'data'> & { user_id: string; data: string };

/**
 * An import's profile images in one statement, however many (rows expanded by json_populate_recordset). `into`
 * is `images` or a load-first import's staging copy of it (users/bulk/staging-store.ts).
 */
export async function insertImportedImages(db: Executor, rows: ImportedImageRow[], into = 'images'): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into ${sql.table(into)} (id, user_id, content_type, width, height, byte_size, sha256, data, created_at)
    select r.id, r.user_id, r.content_type, r.width, r.height, r.byte_size, r.sha256, r.data, r.created_at
    from json_populate_recordset(null::images, ${toJson(rows)}::json) as r`.execute(db);
}

/** A load-first import's last step: every row of the staging copy `from` into images (same column order). */
export async function insertImagesFrom(db: Executor, from: string): Promise<void> {
  await sql`insert into images select * from ${sql.table(from)}`.execute(db);
}

/** bytea comes back as a Buffer from node-postgres and as a Uint8Array from PGlite: always a Buffer. */
const withBuffer = (row: ImageRow): ImageRow => ({ ...row, data: Buffer.isBuffer(row.data) ? row.data : Buffer.from(row.data) });

/** The whole image, bytes included (serving it). */
export async function findImageById(db: Executor, id: string): Promise<ImageRow | undefined> {
  const row = await db.selectFrom('images').selectAll().where('id', '=', id).executeTakeFirst();
  return row && withBuffer(row);
}

/** Without the bytes (ownership checks). */
export async function findImageMetaById(db: Executor, id: string): Promise<ImageMeta | undefined> {
  return db
    .selectFrom('images')
    .select(['id', 'user_id', 'organization_id', 'content_type', 'width', 'height', 'byte_size', 'sha256', 'created_at'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export type ImageOwner = { user_id: string } | { organization_id: string };

function ownedBy(owner: ImageOwner) {
  return 'user_id' in owner ? sql<boolean>`user_id = ${owner.user_id}` : sql<boolean>`organization_id = ${owner.organization_id}`;
}

/** Keeps the owner's `keep` newest images (and `current`), deleting the older ones. */
export async function deleteOlderImages(db: Executor, owner: ImageOwner, keep: number, current: string | null): Promise<void> {
  const newest = db
    .selectFrom('images')
    .select('id')
    .where(ownedBy(owner))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(keep);
  await db
    .deleteFrom('images')
    .where(ownedBy(owner))
    .where((eb) => eb('id', 'not in', newest))
    .where('id', '<>', current ?? '')
    .execute();
}

/** Every image of the owner (a profile image or logo removed: its history goes too). */
export async function deleteImagesOf(db: Executor, owner: ImageOwner): Promise<void> {
  await db.deleteFrom('images').where(ownedBy(owner)).execute();
}

/** Images per owner kind (export): the bytes of one user's current image. */
export async function findImagesByIds(db: Executor, ids: string[]): Promise<ImageRow[]> {
  if (ids.length === 0) return [];
  return (await db.selectFrom('images').selectAll().where('id', '=', sql<string>`any(${ids}::text[])`).execute()).map(withBuffer);
}
