#!/usr/bin/env node
// Builds the audit's native SHA engine (lib/cli/audit/native/, a Node addon in C) with node-gyp.
// Run by `prepare` (npm ci in a checkout) and by the published package's `install` script. It never
// fails the install: without a compiler or Node's headers it prints one line and the audit keeps its
// WebAssembly engine (lib/cli/audit/native-engine.ts finds no addon and returns undefined).
// `--force` rebuilds even when the addon is newer than its sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../lib/cli/audit/native/', import.meta.url));
const addon = join(dir, 'build', 'Release', 'session_lens_native.node');

function upToDate() {
  if (!existsSync(addon)) return false;
  const built = statSync(addon).mtimeMs;
  return readdirSync(dir).every((f) => !/\.(c|h|gyp)$/.test(f) || statSync(join(dir, f)).mtimeMs <= built);
}

/** npm's own node-gyp: npm tells its scripts where it is; else the copy beside this Node's npm. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((p) => p && existsSync(p));
}

function main() {
  if (process.env.SESSION_LENS_NATIVE === '0') return 'skipped (SESSION_LENS_NATIVE=0)';
  if (!process.argv.includes('--force') && upToDate()) return undefined;
  const gyp = nodeGyp();
  if (!gyp) return 'not built (node-gyp not found)';
  const args = [gyp, 'rebuild', '--loglevel=silent'];
  // Node's headers where this Node was installed (Debian's /usr/include/node): no download, works offline.
  const prefix = join(dirname(process.execPath), '..');
  if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0 || !existsSync(addon)) {
    const why = `${r.stderr ?? ''}${r.error?.message ?? ''}`.split('\n').find((l) => /error|not found|ENOENT/i.test(l));
    return `not built (${(why ?? `node-gyp exited ${r.status}`).trim().slice(0, 160)})`;
  }
  return 'built';
}

let outcome;
try {
  outcome = main();
} catch (e) {
  outcome = `not built (${e instanceof Error ? e.message : String(e)})`;
}
if (outcome) console.log(`session-lens: native SHA engine ${outcome}${outcome === 'built' ? '' : '; the audit uses its WebAssembly engine'}`);
