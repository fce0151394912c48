/**
 * Cookies the browser drops: webRequest shows each response's Set-Cookie headers; once the
 * response completes, any cookie the headers asked for that is not in the jar became a finding
 * (with the reason, e.g. SameSite=None without Secure), kept per site and pushed to its panels.
 */
import type { FindingView } from '../protocol/index.ts';
import type { BadgeUpdates } from './badge-updates.ts';
import type { ServiceContext } from './context.ts';
import { cookiesToStore, droppedFindings, isStored, mergeDropped } from './dropped.ts';
import type { Panels } from './panels.ts';
import type { ResponseHeaders } from './platform.ts';
import { hostOf, siteOf, type CookieLike } from './site.ts';

/** Requests whose Set-Cookie headers wait for the response to complete, at most. */
const MAX_PENDING_REQUESTS = 500;

/** The webRequest listeners. */
export interface SetCookieWatch {
  headersReceived(details: ResponseHeaders): void;
  completed(details: { requestId: string }): Promise<void>;
  failed(details: { requestId: string }): void;
}

/**
 * Creates the watch.
 *
 * @example
 * const watch = createSetCookieWatch(ctx, panels, badges);
 * platform.webRequest?.onHeadersReceived(watch.headersReceived);
 */
export function createSetCookieWatch(ctx: ServiceContext, panels: Pick<Panels, 'push' | 'cookieFindings'>, badges: BadgeUpdates): SetCookieWatch {
  /** Set-Cookie headers waiting for their response to complete, by request id. */
  const requests = new Map<string, { tabId: number; url: string; headers: string[] }>();

  async function inJar(c: { name: string; domain: string }, url: string): Promise<CookieLike[]> {
    const jar = await ctx.platform.cookies.getAll({ url, name: c.name }).catch(() => [] as CookieLike[]);
    const byDomain = await ctx.platform.cookies.getAll({ domain: c.domain, name: c.name }).catch(() => [] as CookieLike[]);
    return [...jar, ...byDomain];
  }

  return {
    headersReceived(details) {
      if (details.type === 'main_frame' && details.tabId >= 0) ctx.tabs.navigated(details.tabId, details.url);
      const headers: string[] = [];
      for (const h of details.responseHeaders ?? []) {
        if (h.name.toLowerCase() !== 'set-cookie' || h.value === undefined) continue;
        // Firefox joins several Set-Cookie headers with newlines.
        headers.push(...h.value.split('\n').filter((v) => v.trim() !== ''));
      }
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
      for (const c of wanted) {
        if (isStored(c, await inJar(c, req.url))) stored.add(c.name);
        else dropped.push(...droppedFindings(c, req.url, ctx.settings().policy, at));
      }
      const list = await ctx.store.update(site, (s) => {
        s.dropped = mergeDropped(
          s.dropped.filter((f) => !stored.has(f.cookie)),
          dropped,
        );
        return s.dropped;
      });
      if (dropped.length === 0 && stored.size === 0) return;
      const tabs = await ctx.tabs.forHost((host) => host === new URL(site).hostname);
      if (req.tabId >= 0 && !tabs.some((t) => t.tabId === req.tabId)) tabs.push({ tabId: req.tabId, url: req.url, site, host: hostOf(req.url), storeId: undefined });
      for (const t of tabs) {
        if (t.site !== site) continue;
        const findingCount = list.length + panels.cookieFindings(t.tabId);
        panels.push(t.tabId, { type: 'findings', tabId: t.tabId, site, dropped: list, findingCount });
        badges.schedule(t.tabId);
      }
    },

    failed(details) {
      requests.delete(details.requestId);
    },
  };
}
