/**
 * Candidate SECRET_KEYs for `audit`: the bundled list of public keys (known-keys.txt) and
 * user wordlists, streamed in batches so a wordlist of any size never sits in memory whole.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** Lines longer than this (bytes of UTF-16 text) are skipped: no real key is that long. */
export const MAX_CANDIDATE_LENGTH = 16 * 1024;

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
 * Streams a wordlist as batches of candidate keys: one candidate per line, verbatim (a trailing
 * `\r` is dropped), empty lines and lines over {@link MAX_CANDIDATE_LENGTH} skipped. Memory stays
 * bounded by the batch size, whatever the file size.
 *
 * @example
 * for await (const batch of wordlistBatches('rockyou.txt', 4096)) worker.postMessage(batch);
 */
export async function* wordlistBatches(path: string, batchSize: number): AsyncGenerator<string[]> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  let skipping = false;
  let batch: string[] = [];
  const push = (line: string) => {
    const l = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (l !== '' && l.length <= MAX_CANDIDATE_LENGTH) batch.push(l);
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
    const text = rest + decoder.decode(chunk as Buffer, { stream: true });
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      if (!skipping) push(text.slice(start, nl));
      skipping = false;
      start = nl + 1;
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    rest = text.slice(start);
    if (rest.length > MAX_CANDIDATE_LENGTH) {
      // A runaway line: drop what we have and skip to the next newline.
      rest = '';
      skipping = true;
    }
  }
  rest += decoder.decode();
  if (rest !== '' && !skipping) push(rest);
  if (batch.length) yield batch;
}
