/**
 * The background's answers to the cookie-changing requests (lib/protocol/cookie-edit.ts): re-sign
 * an edited session, set / remove / clear the site's cookies, export them as a file and import
 * one (a preview with the policy's findings first, then the write). Every request names the tab;
 * only cookies that tab's site sees are touched, and only with host access to it.
 */
import { parseCookieFile, ProtocolError, serializeCookieFile, type CookieIdentity, type PortableCookie } from '../protocol/index.ts';
import type { ServiceContext } from './context.ts';
import { toCookieView } from './cookie-view.ts';
import {
  checkSiteCookie,
  removeDetailsOf,
  sameCookie,
  setDetailsOf,
  writeCookie,
  writeOfForm,
  writeOfStored,
  type WriteSite,
} from './cookie-write.ts';
import type { Panels } from './panels.ts';
import { resignSession } from './resign.ts';
import type { Handlers } from './router.ts';
import { cookieId, originPatternOf, type CookieLike } from './site.ts';
import type { TabInfo } from './tabs.ts';

type EditHandlers = Pick<
  Handlers,
  'session/resign' | 'cookies/set' | 'cookies/remove' | 'cookies/clear' | 'cookies/export' | 'cookies/import-preview' | 'cookies/import'
>;

/**
 * The cookie-changing handlers.
 *
 * @example
 * const handlers = { ...createHandlers(ctx, deps), ...createEditHandlers(ctx, panels) };
 */
export function createEditHandlers(ctx: ServiceContext, panels: Pick<Panels, 'siteCookies'>): EditHandlers {
  /** The tab's site, with host access checked. */
  async function siteOf(tabId: number, url: string | undefined): Promise<{ info: TabInfo; target: WriteSite }> {
    const info = await ctx.tabs.info(tabId, url);
    if (info.site === null || !info.host) throw new ProtocolError('ERR_BAD_REQUEST', `Tab ${tabId} shows no web site`);
    if (!(await ctx.hasAccess(originPatternOf(info.url)))) throw new ProtocolError('ERR_NO_ACCESS', `No access to the cookies of ${info.host}`);
    return { info, target: { site: info.site, host: info.host } };
  }

  /** The site's cookies, each once. */
  async function cookiesOf(info: TabInfo): Promise<CookieLike[]> {
    const seen = new Set<string>();
    return (await panels.siteCookies(info)).filter((c) => !seen.has(cookieId(c)) && Boolean(seen.add(cookieId(c))));
  }

  async function find(info: TabInfo, id: CookieIdentity): Promise<CookieLike> {
    const c = (await cookiesOf(info)).find((x) => sameCookie(x, id));
    if (!c) throw new ProtocolError('ERR_NOT_FOUND', `No cookie "${id.name.slice(0, 64)}" on ${id.domain.slice(0, 255)}${id.path.slice(0, 256)}`);
    return c;
  }

  /** A file's cookies the site sees (in the tab's store), and the others. */
  async function readFile(info: TabInfo, target: WriteSite, text: string) {
    const { format, cookies } = parseCookieFile(text);
    const mine: PortableCookie[] = [];
    const skipped: { name: string; domain: string }[] = [];
    for (const c of cookies) {
      try {
        checkSiteCookie(c, target);
        // The tab's own store: a file's store ids are another browser's.
        const { storeId: _fileStore, ...rest } = c;
        mine.push(info.storeId ? { ...rest, storeId: info.storeId } : rest);
      } catch {
        skipped.push({ name: c.name, domain: c.domain });
      }
    }
    return { format, mine, skipped };
  }

  return {
    async 'session/resign'({ tabId, url, cookie, value, json }) {
      const { info, target } = await siteOf(tabId, url);
      const stored = await find(info, cookie);
      if (stored.value !== value) throw new ProtocolError('ERR_NOT_FOUND', `Cookie "${cookie.name.slice(0, 64)}" changed since it was opened: reopen it`);
      const next = await resignSession(stored.value, json, { keys: ctx.settings().keys, cookieName: stored.name, now: ctx.now() });
      await writeCookie(ctx.platform, setDetailsOf({ ...writeOfStored(stored), value: next }, target));
      return { name: stored.name, value: next };
    },
    async 'cookies/set'({ tabId, url, cookie, previous }) {
      const { info, target } = await siteOf(tabId, url);
      // A new cookie goes to the tab's store (incognito, a container).
      const next = writeOfForm({ ...cookie, storeId: cookie.storeId || info.storeId || '' });
      checkSiteCookie(next, target);
      const old = previous ? (await cookiesOf(info)).find((c) => sameCookie(c, previous)) : undefined;
      await writeCookie(ctx.platform, setDetailsOf(next, target));
      // Renamed or moved: the old cookie goes once the new one is written.
      if (old && !sameCookie(old, { ...cookie, domain: next.domain })) await ctx.platform.cookies.remove(removeDetailsOf(old, target));
      return { name: next.name, value: next.value };
    },
    async 'cookies/remove'({ tabId, url, cookie }) {
      const { info, target } = await siteOf(tabId, url);
      const stored = await find(info, cookie);
      await ctx.platform.cookies.remove(removeDetailsOf(stored, target));
      return { removed: 1 };
    },
    async 'cookies/clear'({ tabId, url }) {
      const { info, target } = await siteOf(tabId, url);
      const all = await cookiesOf(info);
      for (const c of all) await ctx.platform.cookies.remove(removeDetailsOf(c, target));
      return { removed: all.length };
    },
    async 'cookies/export'({ tabId, url, format }) {
      const { info } = await siteOf(tabId, url);
      const cookies = (await cookiesOf(info)).map(writeOfStored).map(({ partition: _p, ...c }) => c);
      return { format, text: serializeCookieFile(cookies, format), count: cookies.length };
    },
    async 'cookies/import-preview'({ tabId, url, text }) {
      const { info, target } = await siteOf(tabId, url);
      const { format, mine, skipped } = await readFile(info, target, text);
      const view = { url: info.url, policy: ctx.settings().policy, now: ctx.now() };
      const cookies = mine.map((c) => toCookieView({ ...c, storeId: c.storeId ?? '', partitionKey: null }, view));
      return { format, cookies, skipped };
    },
    async 'cookies/import'({ tabId, url, text }) {
      const { info, target } = await siteOf(tabId, url);
      const { mine, skipped } = await readFile(info, target, text);
      for (const c of mine) await writeCookie(ctx.platform, setDetailsOf(c, target));
      return { written: mine.length, skipped: skipped.length };
    },
  };
}
