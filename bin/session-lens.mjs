#!/usr/bin/env node
// The `session-lens` command. Runs the CLI in this very process (no child: a signal to this
// process reaches the command itself, and `serve` sees its real parent go away): the JavaScript
// bundle built at install (`npm run build:cli` → dist/cli), or, in a checkout where it has not been
// built, the TypeScript sources through tsx.
let cli;
try {
  cli = await import('../dist/cli/main.mjs');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('main.mjs')) throw e;
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../lib/cli/main.ts');
}
process.exitCode = await cli.run(process.argv.slice(2));
