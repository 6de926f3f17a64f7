import { NodeFS } from '@electric-sql/pglite/nodefs';

// PGlite's files on disk (NodeFS), private to the owner. Its Emscripten file layer creates files honouring the
// process umask, then sets each one's mode explicitly (0666, Postgres's mode as Emscripten sees it) with
// chmod, which the umask does not touch: the WAL and the tables, password digests included, became
// world-readable. Here every mode it sets loses its group and other bits. Emscripten ignores permissions
// inside PGlite, so this changes nothing but the files on disk.

const OWNER_ONLY = ~0o077;

type SetAttr = (node: unknown, attr: { mode?: number | null }) => void;
interface EmscriptenModule {
  NODEFS: { node_ops: { setattr: SetAttr } };
}

export class PrivateNodeFS extends NodeFS {
  override async init(...args: Parameters<NodeFS['init']>): ReturnType<NodeFS['init']> {
    const result = await super.init(...args);
    const preRun = result.emscriptenOpts.preRun ?? [];
    const ownerOnly = (module: unknown) => {
      const ops = (module as EmscriptenModule).NODEFS.node_ops;
      const setattr = ops.setattr;
      ops.setattr = (node, attr) => setattr(node, typeof attr.mode === 'number' ? { ...attr, mode: attr.mode & OWNER_ONLY } : attr);
    };
    result.emscriptenOpts.preRun = [ownerOnly, ...(Array.isArray(preRun) ? preRun : [preRun])] as typeof result.emscriptenOpts.preRun;
    return result;
  }
}
