/**
 * The bundled candidate SECRET_KEYs for `audit` (known-keys.txt). Wordlists are read by the
 * workers themselves, in byte ranges (worker.ts).
 */
import { readFile } from 'node:fs/promises';

/**
 * Parses the bundled key-list format: one key per line, `#` comments, `\#` for a key that starts
 * with `#`, blank lines ignored.
 *
 * @example
 * parseKnownKeys('# comment\nchangeme\n\\#hash\n') // ['changeme', '#hash']
 */
export function parseKnownKeys(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '' || line.startsWith('#')) continue;
    out.push(line.startsWith('\\#') ? line.slice(1) : line);
  }
  return out;
}

/**
 * The bundled list of public and weak SECRET_KEYs (lib/cli/audit/known-keys.txt).
 *
 * @example
 * (await loadKnownKeys()).includes('django_tests_secret_key') // true
 */
export async function loadKnownKeys(): Promise<string[]> {
  return parseKnownKeys(await readFile(new URL('./known-keys.txt', import.meta.url), 'utf8'));
}

/**
 * The bundled list of public keys of other frameworks (framework-keys.txt): Rails, Laravel,
 * Starlette, Tornado, Phoenix, gorilla, iron-session, NextAuth, Yii2 defaults and placeholders.
 *
 * @example
 * (await loadFrameworkKeys()).length > 0 // true
 */
export async function loadFrameworkKeys(): Promise<string[]> {
  return parseKnownKeys(await readFile(new URL('./framework-keys.txt', import.meta.url), 'utf8'));
}
