/**
 * `har/analyze`: a HAR capture read with lib/policy under the user's policy, every session cookie
 * decoded with the stored keys (no max age: a capture is read after the fact), each cookie and
 * finding with the request that sent or set it (query shown as `?…`).
 */
import { analyzeHar, parseHar } from '../policy/index.ts';
import type { HarView } from '../protocol/index.ts';
import { toFindingView } from './cookie-view.ts';
import { decodeCookie } from './decode-view.ts';
import { requestUrlText } from './request-log.ts';
import type { Settings } from './settings.ts';

/**
 * Reads a HAR's text. Throws the codec's typed errors (`ERR_MALFORMED`, `ERR_INVALID`,
 * `ERR_LIMIT_EXCEEDED`), which the router sends as they are.
 *
 * @example
 * const view = await analyzeHarText(text, ctx.settings(), Date.now());
 * view.cookies[0].decoded // { ok: true, view: { format: 'django-signed', signature: 'verified', … } }
 */
export async function analyzeHarText(text: string, settings: Pick<Settings, 'keys' | 'policy'>, now: number): Promise<HarView> {
  const analysis = analyzeHar(parseHar(text), { policy: settings.policy, now });
  const request = (x: { method: string; url: string; status: number }) => ({ method: x.method.slice(0, 32), url: requestUrlText(x.url), status: x.status });
  const cookies: HarView['cookies'] = [];
  for (const c of analysis.cookies) {
    if (c.kind !== 'session') continue;
    const entry: HarView['cookies'][number] = { source: c.source, name: c.name, request: request(c), seen: c.seen };
    if (c.value !== '' && c.value !== '""') entry.decoded = (await decodeCookie(c.value, { keys: settings.keys, cookieName: c.name, now })).wire;
    cookies.push(entry);
  }
  return {
    exchanges: analysis.exchanges,
    cookies,
    findings: analysis.findings.slice(0, 5_000).map((f) => ({ ...toFindingView(f, 'set-cookie'), request: request(f) })),
    warnings: analysis.warnings,
  };
}
