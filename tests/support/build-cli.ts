/**
 * vitest globalSetup (integration): builds the CLI (dist/cli) from the current sources first, so
 * tests that run the real `session-lens` command never run a stale build.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, stdio: 'inherit', timeout: 120_000 });
}
