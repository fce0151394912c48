/**
 * Which page each tab shows. The cookies API reports cookies, not tabs: to push a change to the
 * right panels and badges the background keeps the last URL of each tab (from navigation events
 * and requests), because while a page loads `tab.url` may still be the previous one.
 */
import type { Platform } from './platform.ts';
import { ProtocolError } from '../protocol/index.ts';
import { hostOf, siteOf } from './site.ts';

/** A tab with the site it shows. */
export interface TabInfo {
  tabId: number;
  url: string | null;
  /** The URL's origin (`http://localhost:8000`), `null` for pages with none. */
  site: string | null;
  host: string;
  /** The tab's cookie store (incognito, a Firefox container), when known. */
  storeId: string | undefined;
}

/** The background's view of open tabs. */
export interface TabDirectory {
  /**
   * A tab's URL and cookie store. `urlHint` — the inspected page's URL from the DevTools panel,
   * which knows its page best — wins over `tab.url`. A tab whose URL the extension may not see
   * (a host without access) has no URL: never the last one seen, which would show the previous
   * site's cookies and badge. Throws `ERR_NO_TAB` when the tab is unknown and no URL is given.
   *
   * @example
   * await tabs.info(42) // { tabId: 42, url: 'http://localhost:8000/', site: 'http://localhost:8000', … }
   */
  info(tabId: number, urlHint?: string): Promise<TabInfo>;
  /** The tabs whose page host passes `match` (open tabs and tabs seen in requests). */
  forHost(match: (host: string) => boolean): Promise<TabInfo[]>;
  /** Records where a tab navigated. Returns the URL it had before. */
  navigated(tabId: number, url: string): string | undefined;
  /** Forgets a closed tab. */
  forget(tabId: number): void;
  /** Every tab with a known URL. */
  known(): number[];
}

function tabInfoOf(tabId: number, url: string | null, storeId: string | undefined): TabInfo {
  return { tabId, url, site: siteOf(url), host: hostOf(url), storeId };
}

/**
 * Creates the directory over the platform's tabs and cookie stores.
 *
 * @example
 * const tabs = createTabDirectory(platform);
 * const open = await tabs.forHost((host) => host === 'localhost');
 */
export function createTabDirectory(platform: Pick<Platform, 'tabs' | 'cookies'>): TabDirectory {
  const urls = new Map<number, string>();
  return {
    async info(tabId, urlHint) {
      let url: string | null = null;
      let storeId: string | undefined;
      let exists = false;
      try {
        const tab = await platform.tabs.get(tabId);
        exists = true;
        url = tab.url || null;
        storeId = tab.cookieStoreId;
      } catch {
        if (urlHint === undefined && !urls.has(tabId)) throw new ProtocolError('ERR_NO_TAB', `No tab ${tabId}`);
      }
      // An open tab without a URL shows a page the extension may not read: not the last site seen.
      url = urlHint ?? url ?? (exists ? null : (urls.get(tabId) ?? null));
      if (url) urls.set(tabId, url);
      else if (exists) urls.delete(tabId);
      if (storeId === undefined) storeId = await platform.cookies.storeOfTab(tabId).catch(() => undefined);
      return tabInfoOf(tabId, url, storeId);
    },
    async forHost(match) {
      const out: TabInfo[] = [];
      const tabs = await platform.tabs.all().catch(() => []);
      const seen = new Set<number>();
      for (const t of tabs) {
        if (t.id === undefined) continue;
        // The URL from the latest navigation event wins: while a page loads, tab.url may still be the old one.
        const url = urls.get(t.id) || t.url || null;
        if (url) urls.set(t.id, url);
        seen.add(t.id);
        if (url && match(hostOf(url))) out.push(tabInfoOf(t.id, url, undefined));
      }
      for (const [tabId, url] of urls) {
        if (!seen.has(tabId) && match(hostOf(url))) out.push(tabInfoOf(tabId, url, undefined));
      }
      return out;
    },
    navigated(tabId, url) {
      const previous = urls.get(tabId);
      urls.set(tabId, url);
      return previous;
    },
    forget(tabId) {
      urls.delete(tabId);
    },
    known() {
      return [...urls.keys()];
    },
  };
}
