#!/usr/bin/env node
// `npx gatehouse <command>`: in a checkout, dist/ is brought up to date with src/ first (only when it is
// behind: scripts/build-if-stale.mjs), then the compiled CLI runs. An installed copy has no src/ to check.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));
if (existsSync(here('../src/cli.ts')) && existsSync(here('../scripts/build-if-stale.mjs'))) {
  const build = spawnSync(process.execPath, [here('../scripts/build-if-stale.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
await import('../dist/cli.js');
