/**
 * Cookies the browser drops: webRequest shows each response's Set-Cookie headers; once the
 * response completes, any cookie the headers asked for that is not in the jar became a finding
 * (with the reason, e.g. SameSite=None without Secure), kept per site and pushed to its panels.
 */
import type { FindingView } from '../protocol/index.ts';
import type { BadgeUpdates } from './badge-updates.ts';
import type { ServiceContext } from './context.ts';
import { countBadge } from './badge.ts';
import { PER_SITE_COOKIE_LIMIT, cookiesToStore, droppedFindings, isStored, mergeDropped, perSiteLimitFinding } from './dropped.ts';
import type { Panels } from './panels.ts';
import type { CookieChange, ResponseHeaders } from './platform.ts';
import { setCookieHeaders } from './request-log.ts';
import { cookieMatchesHost, hostOf, siteOf, type CookieLike } from './site.ts';
import type { TabInfo } from './tabs.ts';

/** Evictions closer together than this are one burst (the browser purging a site down to 150). */
const EVICTION_BURST_MS = 5000;

/** Requests whose Set-Cookie headers wait for the response to complete, at most. */
const MAX_PENDING_REQUESTS = 500;

/** The webRequest listeners. */
export interface SetCookieWatch {
  headersReceived(details: ResponseHeaders): void;
  completed(details: { requestId: string }): Promise<void>;
  failed(details: { requestId: string }): void;
  /**
   * The browser evicted a cookie: the site went past the per-site cookie limit. One finding per
   * site ("Too many cookies for this site: N > 180"), however many cookies were evicted.
   */
  evicted(change: CookieChange, tabs: readonly TabInfo[]): Promise<void>;
}

/**
 * Creates the watch.
 *
 * @example
 * const watch = createSetCookieWatch(ctx, panels, badges);
 * platform.webRequest?.onHeadersReceived(watch.headersReceived);
 */
export function createSetCookieWatch(
  ctx: ServiceContext,
  panels: Pick<Panels, 'push' | 'cookieFindings' | 'siteCookies'>,
  badges: BadgeUpdates,
): SetCookieWatch {
  /** Set-Cookie headers waiting for their response to complete, by request id. */
  const requests = new Map<string, { tabId: number; url: string; headers: string[] }>();
  /** Cookie domains the browser evicted from lately: evictions in the burst, time of the last. */
  const evictions = new Map<string, { count: number; at: number }>();

  function recentlyEvicted(host: string, at: number): boolean {
    for (const [domain, e] of evictions) if (at - e.at < EVICTION_BURST_MS && cookieMatchesHost({ domain, hostOnly: false }, host)) return true;
    return false;
  }

  function pushFindings(t: TabInfo, site: string, list: FindingView[]): void {
    const findingCount = countBadge(list) + panels.cookieFindings(t.tabId);
    panels.push(t.tabId, { type: 'findings', tabId: t.tabId, site, dropped: list, findingCount });
    badges.schedule(t.tabId);
  }

  async function inJar(c: { name: string; domain: string }, url: string): Promise<CookieLike[]> {
    const jar = await ctx.platform.cookies.getAll({ url, name: c.name }).catch(() => [] as CookieLike[]);
    const byDomain = await ctx.platform.cookies.getAll({ domain: c.domain, name: c.name }).catch(() => [] as CookieLike[]);
    return [...jar, ...byDomain];
  }

  return {
    headersReceived(details) {
      if (details.type === 'main_frame' && details.tabId >= 0) ctx.tabs.navigated(details.tabId, details.url);
      const headers = setCookieHeaders(details);
      if (headers.length === 0) return;
      if (requests.size > MAX_PENDING_REQUESTS) requests.clear(); // never grows without bound
      requests.set(details.requestId, { tabId: details.tabId, url: details.url, headers });
    },

    async completed(details) {
      const req = requests.get(details.requestId);
      if (!req) return;
      requests.delete(details.requestId);
      const site = siteOf(req.url);
      if (!site) return;
      const at = ctx.now();
      const wanted = cookiesToStore(req.headers, req.url, at);
      if (wanted.length === 0) return;
      const dropped: FindingView[] = [];
      const stored = new Set<string>();
      const evicting = recentlyEvicted(hostOf(req.url), at);
      for (const c of wanted) {
        if (isStored(c, await inJar(c, req.url))) stored.add(`${c.name}|${c.domain}|${c.path}`);
        // At the per-site limit a cookie missing from the jar was evicted: the one limit finding covers it.
        else if (!evicting) dropped.push(...droppedFindings(c, req.url));
      }
      const list = await ctx.store.update(site, (s) => {
        s.dropped = mergeDropped(
          s.dropped.filter((f) => f.rule !== 'dropped' || !stored.has(`${f.cookie}|${f.domain}|${f.path}`)),
          dropped,
        );
        return s.dropped;
      });
      if (dropped.length === 0 && stored.size === 0) return;
      const tabs = await ctx.tabs.forHost((host) => host === new URL(site).hostname);
      if (req.tabId >= 0 && !tabs.some((t) => t.tabId === req.tabId)) tabs.push({ tabId: req.tabId, url: req.url, site, host: hostOf(req.url), storeId: undefined });
      for (const t of tabs) if (t.site === site) pushFindings(t, site, list);
    },

    failed(details) {
      requests.delete(details.requestId);
    },

    async evicted(change, tabs) {
      const at = ctx.now();
      const domain = change.cookie.domain.replace(/^\./, '').toLowerCase();
      const prev = evictions.get(domain);
      const burst = prev && at - prev.at < EVICTION_BURST_MS ? prev.count + 1 : 1;
      evictions.set(domain, { count: burst, at });
      if (evictions.size > 100) evictions.delete(evictions.keys().next().value as string);
      for (const t of tabs) {
        const site = t.site;
        if (!site) continue;
        const jar = await panels.siteCookies({ ...t, storeId: change.cookie.storeId }).catch(() => [] as CookieLike[]);
        const count = Math.max(PER_SITE_COOKIE_LIMIT + 1, jar.length + burst);
        const list = await ctx.store.update(site, (s) => {
          s.dropped = mergeDropped(
            s.dropped.filter((f) => f.rule !== 'dropped'),
            [perSiteLimitFinding(domain, count)],
          );
          return s.dropped;
        });
        pushFindings(t, site, list);
      }
    },
  };
}
