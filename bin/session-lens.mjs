#!/usr/bin/env node
// Thin launcher: runs the TypeScript CLI through tsx so a checkout needs no build step.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const main = fileURLToPath(new URL('../lib/cli/main.ts', import.meta.url));
const tsx = require.resolve('tsx');
const r = spawnSync(process.execPath, ['--import', tsx, main, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? (r.signal ? 128 : 1));
