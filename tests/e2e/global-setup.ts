/**
 * Builds the Chrome extension once before the run (`npx wxt build`) and copies it to a private
 * directory, so another build of .output/ during the run cannot change what the browser loads.
 * SL_E2E_SKIP_BUILD=1 reuses .output/chrome-mv3 as it is.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export default function globalSetup(): () => void {
  const root = resolve(import.meta.dirname, '../..');
  if (process.env.SL_E2E_SKIP_BUILD !== '1') {
    execFileSync('npx', ['wxt', 'build'], { cwd: root, stdio: 'inherit' });
  }
  const built = join(root, '.output/chrome-mv3');
  if (!existsSync(join(built, 'manifest.json'))) throw new Error(`No extension build in ${built}`);
  const copy = mkdtempSync(join(tmpdir(), 'sl-ext-'));
  cpSync(built, copy, { recursive: true });
  process.env.SL_EXTENSION_DIR = copy;
  // The returned function is Playwright's teardown: remove the private copy.
  return () => rmSync(copy, { recursive: true, force: true });
}
