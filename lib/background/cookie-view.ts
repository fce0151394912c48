/**
 * Turns the cookies API's cookies into the panel's {@link CookieView}s, running the policy on each.
 */
import {
  classifyCookie,
  evaluateCookie,
  fromBrowserCookie,
  resolvePolicy,
  type Finding,
  type Policy,
} from '../policy/index.ts';
import type { CookieView, FindingView } from '../protocol/index.ts';
import { cookieId, hostOf, type CookieLike } from './site.ts';

/** Where cookies are being looked at. */
export interface ViewContext {
  /** The page's URL; `null` when unknown. */
  url: string | null;
  policy: Policy;
  /** Now, ms since the epoch. */
  now: number;
}

/**
 * A policy finding as it goes on the wire.
 *
 * @example
 * toFindingView(finding, 'dropped')
 */
export function toFindingView(f: Finding, source: FindingView['source']): FindingView {
  return {
    cookie: f.cookie,
    domain: f.domain,
    path: f.path,
    partition: f.partition,
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    fix: f.fix,
    source,
  };
}

/**
 * True when the policy counts the name as a session cookie on this host (configured names,
 * and the `sess`/`login` heuristic when on).
 *
 * @example
 * isSessionCookie('sessionid', 'localhost', getPreset('django-default')) // true
 */
export function isSessionCookie(name: string, host: string, policy: Policy): boolean {
  return classifyCookie(name, resolvePolicy(policy, host)) === 'session';
}

/**
 * One cookie for the panel, with its findings.
 *
 * @example
 * const view = toCookieView(cookie, { url: tab.url, policy, now: Date.now() });
 */
export function toCookieView(c: CookieLike, ctx: ViewContext): CookieView {
  const host = hostOf(ctx.url) || c.domain.replace(/^\./, '');
  const policyCookie = fromBrowserCookie(c);
  const findings = evaluateCookie(policyCookie, { url: ctx.url ?? `http://${host}/`, policy: ctx.policy, now: ctx.now }).map((f) =>
    toFindingView(f, 'cookie'),
  );
  const expires = !c.session && typeof c.expirationDate === 'number' ? Math.round(c.expirationDate * 1000) : null;
  const sameSite =
    c.sameSite === 'no_restriction' || c.sameSite === 'none'
      ? 'none'
      : c.sameSite === 'lax' || c.sameSite === 'strict'
        ? c.sameSite
        : 'unspecified';
  return {
    name: c.name,
    value: c.value,
    domain: c.domain,
    hostOnly: c.hostOnly,
    path: c.path,
    expires,
    maxAge: expires === null ? null : Math.round((expires - ctx.now) / 1000),
    size: c.name.length + c.value.length,
    httpOnly: c.httpOnly,
    secure: c.secure,
    sameSite,
    partition: c.partitionKey?.topLevelSite ?? (c.partitionKey ? '' : null),
    storeId: c.storeId,
    sessionCookie: isSessionCookie(c.name, host, ctx.policy),
    findings,
  };
}

/**
 * All cookies of a site for the panel: duplicates removed, session cookies first, then by name.
 *
 * @example
 * const views = toCookieViews(await browser.cookies.getAll({ url }), { url, policy, now });
 */
export function toCookieViews(cookies: readonly CookieLike[], ctx: ViewContext): CookieView[] {
  const seen = new Set<string>();
  const out: CookieView[] = [];
  for (const c of cookies) {
    const id = cookieId(c);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(toCookieView(c, ctx));
  }
  return out.sort(
    (a, b) =>
      Number(b.sessionCookie) - Number(a.sessionCookie) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
      a.domain.localeCompare(b.domain) ||
      a.path.localeCompare(b.path),
  );
}
