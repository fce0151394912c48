/**
 * Cookies the browser refuses. Chrome drops `SameSite=None` without `Secure` and `__Host-` /
 * `__Secure-` cookies that break their prefix rules, and the cookies API never sees them: only
 * the response's `Set-Cookie` header does (webRequest.onHeadersReceived). After the response, a
 * cookie its header set that is not in the jar was dropped: one finding says why the browser
 * refused it. A site past the per-site cookie limit gets one finding, not one per evicted cookie.
 */
import { findingCookieKey, parseSetCookie, type PolicyCookie } from '../policy/index.ts';
import type { FindingView } from '../protocol/index.ts';
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

/** http://localhost, *.localhost, 127.0.0.0/8 and [::1]: Chrome and Firefox let these set Secure cookies over http. */
function isLocalHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(h) || h === '::1';
}

/**
 * Chrome's per-site (eTLD+1) cookie limit (net/cookies/cookie_monster.h `kDomainMaxCookies` = 180;
 * it then purges down to 150). Firefox's `network.cookie.maxPerHost` is 180 too.
 */
export const PER_SITE_COOKIE_LIMIT = 180;

/**
 * Why a browser refuses a cookie, by the rules Chrome and Firefox enforce (RFC 6265bis §4.1.3,
 * §5.6, §5.7; "Incrementally Better Cookies"), worded after Chrome's own blocked reasons
 * (DevTools' `CookieBlockedReason`: SecureOnly, SameSiteNoneInsecure, InvalidPrefix,
 * InvalidDomain, …). `null` when nothing obvious: the jar decides.
 *
 * @example
 * dropReason({ name: 'x', sameSite: 'none', secure: false, … }, new URL('http://localhost/')) // 'SameSite=None requires Secure'
 */
export function dropReason(c: PolicyCookie, url: URL): string | null {
  const name = c.name.toLowerCase();
  const host = url.hostname.toLowerCase();
  if (c.secure && url.protocol === 'http:' && !isLocalHost(host)) return 'A Secure cookie cannot be set over plain http://';
  if (name.startsWith('__host-')) {
    if (!c.secure) return 'A __Host- cookie must be Secure';
    if (!c.hostOnly) return 'A __Host- cookie must not have a Domain attribute';
    if (c.path !== '/') return 'A __Host- cookie must have Path=/';
  }
  if (name.startsWith('__secure-') && !c.secure) return 'A __Secure- cookie must be Secure';
  if (c.sameSite === 'none' && !c.secure) return 'SameSite=None requires Secure';
  if (c.partitioned && !c.secure) return 'A Partitioned cookie must be Secure';
  const bare = host.replace(/^\[|\]$/g, '');
  if (!c.hostOnly && bare !== c.domain && !bare.endsWith(`.${c.domain}`)) return `Domain=${c.domain} does not match the host ${host}`;
  if (c.size > 4096) return `Name and value are ${c.size} bytes, over the 4096 bytes browsers keep`;
  return null;
}

/**
 * The one finding for a site at the per-site cookie limit: the browser evicts older cookies to
 * make room, so cookies vanish without error. One root cause, one finding (not one per cookie).
 *
 * @example
 * perSiteLimitFinding('example.com', 181) // { rule: 'too-many-cookies', message: 'Too many cookies for this site: 181 > 180 …' }
 */
export function perSiteLimitFinding(domain: string, count: number): FindingView {
  return {
    cookie: '*',
    domain,
    path: '/',
    partition: null,
    rule: 'too-many-cookies',
    severity: 'high',
    message: `Too many cookies for this site: ${count} > ${PER_SITE_COOKIE_LIMIT}. The browser evicts the oldest ones, so cookies (the session too) disappear.`,
    fix: `Set fewer cookies on ${domain} (at most ${PER_SITE_COOKIE_LIMIT} per site; Chrome then purges down to 150).`,
    source: 'dropped',
  };
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
 * The finding for a dropped cookie: exactly one, saying why the browser refused it. One root
 * cause, one finding: a cookie that was never stored is never sent, so its other policy findings
 * ("sent over plain HTTP" …) would only repeat the cause. `reason` overrides the guess (the
 * browser's own reason, where it gives one).
 *
 * @example
 * droppedFindings(cookie, 'http://localhost:8000/bad-cookies') // [{ rule: 'dropped', message: 'The browser dropped cookie "x": SameSite=None requires Secure.' }]
 */
export function droppedFindings(c: PolicyCookie, url: string, reason?: string): FindingView[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return [];
  }
  const why = reason ?? dropReason(c, u) ?? 'The browser did not store it';
  return [
    {
      cookie: c.name,
      domain: c.domain,
      path: c.path,
      partition: c.partitioned ? '' : null,
      rule: 'dropped',
      severity: 'high',
      message: `The browser dropped cookie "${c.name}": ${why}.`,
      fix: `Fix the Set-Cookie header for "${c.name}" (${why}); until then the browser never stores it.`,
      source: 'dropped',
    },
  ];
}

/**
 * Merges new dropped findings into a site's list: the newest per cookie name wins, bounded.
 *
 * @example
 * state.dropped = mergeDropped(state.dropped, findings);
 */
export function mergeDropped(existing: readonly FindingView[], added: readonly FindingView[]): FindingView[] {
  const keys = new Set(added.map((f) => findingKey(f)));
  const out = [...existing.filter((f) => !keys.has(findingKey(f))), ...added];
  return out.slice(Math.max(0, out.length - MAX_DROPPED_PER_SITE));
}

/** The key a finding is grouped by: its cookie (name, domain, path, partition) and its rule. */
function findingKey(f: FindingView): string {
  return `${findingCookieKey({ name: f.cookie, domain: f.domain, path: f.path, partition: f.partition })}|${f.rule}`;
}
