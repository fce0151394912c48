#!/usr/bin/env node
// Builds the `session-lens` CLI to plain JavaScript (dist/cli): one small entry, and one chunk per
// command loaded only when that command runs, so `decode` never parses a database driver.
// Run by `npm run build:cli`, and by `prepare` (npm ci / npm install in a checkout, npm pack).
import { copyFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/cli`;
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  // The audit's worker threads load their own entry, beside the chunks (lib/cli/audit/run.ts).
  entryPoints: { main: 'lib/cli/main.ts', 'chunks/audit-worker': 'lib/cli/audit/worker.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  // A native module: installed beside the CLI (an optional dependency), loaded only for sqlite stores.
  external: ['better-sqlite3', 'pg-native'],
  // The CommonJS drivers (pg, mysql2, memjs) call require() for Node built-ins.
  banner: { js: "import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);" },
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
// Data files the code reads next to itself (`new URL('./known-keys.txt', import.meta.url)`).
for (const f of ['known-keys.txt', 'framework-keys.txt']) copyFileSync(`${root}lib/cli/audit/${f}`, `${outdir}/chunks/${f}`);
if (process.argv.includes('--sizes')) {
  for (const [file, o] of Object.entries(result.metafile.outputs)) console.log(`${String(o.bytes).padStart(9)}  ${file}`);
}
