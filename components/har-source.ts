/**
 * The decode page's HAR reading: the page tells a pasted or chosen HAR from a cookie value
 * ({@link looksLikeHar}: a glance, not a parse, so the page bundles no HAR schema), the background reads it with the stored keys (`har/analyze`), and
 * its answer becomes the page's {@link HarReport}.
 */
import type { HarView } from '../lib/protocol/index.ts';
import { toDecoded } from './client-source.ts';
import type { HarReport } from './view-model.ts';

/**
 * True when pasted text looks like a HAR file (a JSON object with `log` and `entries`) rather
 * than a cookie value or header. The background's `parseHar` has the final word.
 *
 * @example
 * looksLikeHar('{"log": {"entries": []}}') // true
 * looksLikeHar('sessionid=abc') // false
 */
export function looksLikeHar(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith('{') && /"log"\s*:/.test(t.slice(0, 4096)) && t.includes('"entries"');
}

/** Largest HAR file the page reads (the request's limit: 16 MiB of text). */
export const MAX_HAR_FILE_BYTES = 16 * 1024 * 1024;

/**
 * The wire answer as the page shows it.
 *
 * @example
 * toHarReport(await client.request('har/analyze', { text })).cookies[0].decoded?.status // 'ok'
 */
export function toHarReport(view: HarView): HarReport {
  return {
    exchanges: view.exchanges,
    cookies: view.cookies.map((c) => ({
      source: c.source,
      name: c.name,
      request: c.request,
      seen: c.seen,
      ...(c.decoded === undefined
        ? {}
        : { decoded: c.decoded.ok ? { status: 'ok' as const, result: toDecoded(c.decoded.view) } : { status: 'error' as const, error: { code: c.decoded.code, message: c.decoded.message } } }),
    })),
    findings: view.findings,
    warnings: view.warnings,
  };
}
