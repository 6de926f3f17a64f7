import type { OrganizationRow } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { prepareImage, removeImagesOf, storeImage } from '../images/service.js';
import { organizationNotFound } from './members/service.js';
import { setOrganizationLogo, type OrganizationDeps } from './service.js';
import { findOrganizationById } from './store.js';

// An organization's logo (PUT/DELETE /v1/organizations/{id}/logo): the images feature normalises and stores
// the bytes; the organization points at them (organization.updated).

/** Sets an uploaded file as the logo; Clerk's 400/413 for a file that is not a usable image. */
export async function uploadOrganizationLogo(deps: OrganizationDeps, id: string, file: Buffer): Promise<OrganizationRow> {
  // 404 for an unknown organization whatever the file; decoding runs outside the transaction.
  if (!(await findOrganizationById(deps.db, id))) throw organizationNotFound();
  const image = await prepareImage(file);
  return inTransaction(deps.db, async (db) => {
    if (!(await findOrganizationById(db, id))) throw organizationNotFound();
    const imageId = await storeImage({ db, clock: deps.clock }, { organization_id: id }, image);
    return setOrganizationLogo({ ...deps, db }, id, imageId);
  });
}

/** DELETE /v1/organizations/{id}/logo: back to the default image; the organization's uploads are deleted. */
export async function deleteOrganizationLogo(deps: OrganizationDeps, id: string): Promise<OrganizationRow> {
  return inTransaction(deps.db, async (db) => {
    const organization = await setOrganizationLogo({ ...deps, db }, id, null);
    await removeImagesOf({ db }, { organization_id: id });
    return organization;
  });
}
