/**
 * Cookies the browser refuses. Chrome drops `SameSite=None` without `Secure` and `__Host-` /
 * `__Secure-` cookies that break their prefix rules, and the cookies API never sees them: only
 * the response's `Set-Cookie` header does (webRequest.onHeadersReceived). After the response, a
 * cookie its header set that is not in the jar was dropped; its policy findings are reported with
 * source `dropped`, plus why the browser refused it.
 */
import { evaluateCookie, parseSetCookie, type PolicyCookie, type Policy } from '../policy/index.ts';
import type { FindingView } from '../protocol/index.ts';
import { toFindingView } from './cookie-view.ts';
import type { CookieLike } from './site.ts';

/** Dropped findings kept per site. */
export const MAX_DROPPED_PER_SITE = 50;

/**
 * The cookies a response's `Set-Cookie` headers try to store (deletions left out: a cookie set
 * already expired is how a server removes one).
 *
 * @example
 * cookiesToStore(['a=1; SameSite=None'], 'http://localhost/', Date.now()) // [{ name: 'a', … }]
 */
export function cookiesToStore(headers: readonly string[], url: string, now: number): PolicyCookie[] {
  const out: PolicyCookie[] = [];
  for (const header of headers.slice(0, 200)) {
    const r = parseSetCookie(header, { url, now });
    if (!r.ok) continue;
    if (r.cookie.expires !== undefined && r.cookie.expires * 1000 <= now) continue;
    out.push(r.cookie);
  }
  return out;
}

/**
 * Why a browser refuses a cookie, by the rules Chrome and Firefox enforce (RFC 6265bis §4.1.3,
 * §5.6.7; "Incrementally Better Cookies"). `null` when nothing obvious: the jar decides.
 *
 * @example
 * dropReason({ name: 'x', sameSite: 'none', secure: false, … }, new URL('http://localhost/')) // 'SameSite=None requires Secure'
 */
export function dropReason(c: PolicyCookie, url: URL): string | null {
  const name = c.name.toLowerCase();
  if (name.startsWith('__host-')) {
    if (!c.secure) return 'A __Host- cookie must be Secure';
    if (!c.hostOnly) return 'A __Host- cookie must not have a Domain attribute';
    if (c.path !== '/') return 'A __Host- cookie must have Path=/';
  }
  if (name.startsWith('__secure-') && !c.secure) return 'A __Secure- cookie must be Secure';
  if (c.sameSite === 'none' && !c.secure) return 'SameSite=None requires Secure';
  if (c.partitioned && !c.secure) return 'A Partitioned cookie must be Secure';
  const host = url.hostname.toLowerCase();
  if (!c.hostOnly && host !== c.domain && !host.endsWith(`.${c.domain}`)) return `Domain=${c.domain} does not match the host ${host}`;
  if (c.size > 4096) return 'Name and value are longer than 4096 bytes';
  return null;
}

/**
 * True when the jar holds the cookie a header set (same name, value and path, matching domain).
 *
 * @example
 * isStored(policyCookie, await browser.cookies.getAll({ url, name: policyCookie.name }))
 */
export function isStored(c: PolicyCookie, jar: readonly CookieLike[]): boolean {
  return jar.some(
    (j) => j.name === c.name && j.value === c.value && j.path === c.path && j.domain.replace(/^\./, '').toLowerCase() === c.domain,
  );
}

/**
 * The findings for a dropped cookie: its policy findings marked `dropped`, and one that says the
 * browser refused it (rule `dropped`) when the policy alone does not explain it.
 *
 * @example
 * droppedFindings(cookie, 'http://localhost:8000/bad-cookies', policy, Date.now())
 */
export function droppedFindings(c: PolicyCookie, url: string, policy: Policy, now: number): FindingView[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return [];
  }
  const reason = dropReason(c, u) ?? 'The browser did not store it';
  const head: FindingView = {
    cookie: c.name,
    rule: 'dropped',
    severity: 'high',
    message: `The browser dropped cookie "${c.name}": ${reason}.`,
    fix: `Fix the Set-Cookie header for "${c.name}" (${reason}); until then the browser never stores it.`,
    source: 'dropped',
  };
  return [head, ...evaluateCookie(c, { url: u, policy, now }).map((f) => toFindingView(f, 'dropped'))];
}

/**
 * Merges new dropped findings into a site's list: the newest per cookie name wins, bounded.
 *
 * @example
 * state.dropped = mergeDropped(state.dropped, findings);
 */
export function mergeDropped(existing: readonly FindingView[], added: readonly FindingView[]): FindingView[] {
  const names = new Set(added.map((f) => f.cookie));
  const out = [...existing.filter((f) => !names.has(f.cookie)), ...added];
  return out.slice(Math.max(0, out.length - MAX_DROPPED_PER_SITE));
}
