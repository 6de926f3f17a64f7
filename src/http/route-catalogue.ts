import type { FastifyInstance, FastifySchema } from 'fastify';

// Every route an app serves, as registered (method, URL pattern, schema): the hostile-input property test
// walks it, so a route added later is covered without touching the test. Install it before the routes.

export interface CatalogueEntry {
  method: string;
  url: string;
  schema: FastifySchema | undefined;
}

const catalogues = new WeakMap<object, CatalogueEntry[]>();

export function installRouteCatalogue(app: FastifyInstance): void {
  const entries: CatalogueEntry[] = [];
  catalogues.set(app, entries);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      // HEAD routes are Fastify's own copies of GET routes.
      if (method !== 'HEAD') entries.push({ method, url: route.url, schema: route.schema });
    }
  });
}

/** The routes of an app built with installRouteCatalogue (empty otherwise). */
export function routeCatalogue(app: FastifyInstance): readonly CatalogueEntry[] {
  return catalogues.get(app) ?? [];
}
