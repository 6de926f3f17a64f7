// `npm run import|export|gatehouse|start` build first, but only when dist/ is behind src/: a compiled file
// missing or older than its source, or a compiler setting newer than the build. A current build costs a
// directory walk (milliseconds) instead of a full `tsc` (tens of seconds on a busy machine).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const mtime = (file) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
};

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(full);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield full;
  }
}

function staleReason() {
  const built = mtime(path.join(root, 'dist', 'cli.js'));
  if (built === undefined) return 'no build yet';
  for (const config of ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json']) {
    if ((mtime(path.join(root, config)) ?? 0) > built) return `${config} changed`;
  }
  for (const source of sources(path.join(root, 'src'))) {
    const output = path.join(root, 'dist', path.relative(path.join(root, 'src'), source)).replace(/\.ts$/, '.js');
    const compiled = mtime(output);
    if (compiled === undefined || compiled < mtime(source)) return `${path.relative(root, source)} changed`;
  }
  return undefined;
}

const reason = process.argv.includes('--force') ? 'asked to' : staleReason();
if (reason !== undefined) {
  process.stderr.write(`building (${reason})…\n`);
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  process.exit(tsc.status ?? 1);
}
