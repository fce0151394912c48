/**
 * The open panels: the snapshot a panel starts from, and the pushes that keep it current. Each
 * connected panel's cookie views are kept here, so a change is pushed without re-reading the jar;
 * session cookies carry their decoded value, decoded once per change.
 */
import { resolvePolicy } from '../policy/index.ts';
import { ProtocolError, type CookieSnapshot, type CookieView, type PanelPush, type PortLike } from '../protocol/index.ts';
import { countBadge } from './badge.ts';
import type { ServiceContext } from './context.ts';
import { toCookieView, toCookieViews } from './cookie-view.ts';
import { decodeCookie, type CookieDecoding } from './decode-view.ts';
import type { CookieChange } from './platform.ts';
import type { Settings } from './settings.ts';
import { cookieId, cookieMatchesHost, originPatternOf, type CookieLike } from './site.ts';
import type { TabInfo } from './tabs.ts';

/** Decodes one changed cookie's value as seen from a page host; memoised per change. */
export type ChangeDecoder = (host: string) => Promise<CookieDecoding>;

/**
 * A decoder for one cookie value: at most one decode per host (usually exactly one), shared by the
 * push and the timeline.
 *
 * @example
 * const decodeOn = changeDecoder(cookie, settings, Date.now());
 * (await decodeOn('localhost')).wire // { ok: true, view: … }
 */
export function changeDecoder(c: Pick<CookieLike, 'name' | 'value'>, settings: Settings, now: number): ChangeDecoder {
  const memo = new Map<string, Promise<CookieDecoding>>();
  return (host) => {
    let p = memo.get(host);
    if (!p) {
      p = decodeCookie(c.value, { keys: settings.keys, cookieName: c.name, now, maxAge: resolvePolicy(settings.policy, host).maxAge });
      memo.set(host, p);
    }
    return p;
  };
}

/** The open panels and what they show. */
export interface Panels {
  /** The state of a tab's site; with `decode`, session cookies carry their decoded value. */
  snapshot(info: TabInfo, options?: { decode?: boolean }): Promise<CookieSnapshot>;
  /** Keeps a snapshot's cookies when the tab has a panel (changes then push without a re-read). */
  remember(info: TabInfo, snap: CookieSnapshot): void;
  /** Pushes to a tab's panels; queued while a new panel waits for its first snapshot. */
  push(tabId: number, message: PanelPush): void;
  /** Sends a tab's panels a fresh snapshot. */
  pushSnapshot(tabId: number): Promise<void>;
  /** A panel port connected: the first snapshot goes out first, other pushes wait behind it. */
  connected(tabId: number, port: PortLike, ready: Promise<unknown>): void;
  /** Pushes a cookie change to the panels of the tabs that see it; returns those tabs. */
  pushChange(change: CookieChange, at: number, decodeOn: ChangeDecoder): Promise<TabInfo[]>;
  /** The cookies of a tab's site (every path), as the jar holds them. */
  siteCookies(info: TabInfo): Promise<CookieLike[]>;
  /** Badge-counted findings (low and above) of the cookies a tab's panel shows (0 without a panel). */
  cookieFindings(tabId: number): number;
  /** Forgets a closed tab. */
  forget(tabId: number): void;
}

/**
 * Creates the panel tracker.
 *
 * @example
 * const panels = createPanels(ctx);
 * hub.onConnect((tabId, port) => panels.connected(tabId, port, ready));
 */
export function createPanels(ctx: ServiceContext): Panels {
  /** Pushes held back until a newly connected panel has its first snapshot. */
  const warming = new Map<number, PanelPush[]>();
  /** Cookie views per connected panel tab, for pushes without re-reading the jar. */
  const views = new Map<number, { info: TabInfo; cookies: Map<string, CookieView> }>();

  async function siteCookies(info: TabInfo): Promise<CookieLike[]> {
    if (!info.url || !info.host) return [];
    const base = info.storeId ? { storeId: info.storeId } : {};
    const [byUrl, byDomain] = await Promise.all([
      ctx.platform.cookies.getAll({ ...base, url: info.url }).catch(() => []),
      ctx.platform.cookies.getAll({ ...base, domain: info.host }).catch(() => []),
    ]);
    return [...byUrl, ...byDomain].filter((c) => cookieMatchesHost(c, info.host));
  }

  async function withDecoded(views: CookieView[], host: string, now: number): Promise<void> {
    const settings = ctx.settings();
    await Promise.all(
      views.map(async (v) => {
        if (v.sessionCookie) v.decoded = (await changeDecoder(v, settings, now)(host)).wire;
      }),
    );
  }

  async function snapshot(info: TabInfo, options: { decode?: boolean } = {}): Promise<CookieSnapshot> {
    const pattern = originPatternOf(info.url);
    const access = info.site !== null && (await ctx.hasAccess(pattern)) ? 'granted' : 'missing';
    const now = ctx.now();
    const cookies = access === 'granted' ? toCookieViews(await siteCookies(info), { url: info.url, policy: ctx.settings().policy, now }) : [];
    if (options.decode) await withDecoded(cookies, info.host, now);
    const dropped = info.site ? (await ctx.store.read(info.site)).dropped : [];
    const findingCount = cookies.reduce((n, c) => n + countBadge(c.findings), 0) + countBadge(dropped);
    return { tabId: info.tabId, url: info.url, site: info.site, originPattern: pattern, access, cookies, dropped, findingCount };
  }

  function remember(info: TabInfo, snap: CookieSnapshot): void {
    if (!ctx.hub.tabs().includes(info.tabId)) return;
    views.set(info.tabId, { info, cookies: new Map(snap.cookies.map((c) => [cookieId(c), c])) });
  }

  function push(tabId: number, message: PanelPush): void {
    const queued = warming.get(tabId);
    if (queued) queued.push(message);
    else ctx.hub.push(tabId, message);
  }

  async function pushSnapshot(tabId: number): Promise<void> {
    try {
      const info = await ctx.tabs.info(tabId);
      const snap = await snapshot(info, { decode: true });
      remember(info, snap);
      ctx.hub.push(tabId, { type: 'cookies/snapshot', snapshot: snap });
    } catch (e) {
      if (!(e instanceof ProtocolError)) ctx.onError('snapshot', e);
    }
  }

  function connected(tabId: number, port: PortLike, ready: Promise<unknown>): void {
    const onDisconnect = () => {
      if (!ctx.hub.tabs().includes(tabId)) views.delete(tabId);
      port.onDisconnect.removeListener(onDisconnect);
    };
    port.onDisconnect.addListener(onDisconnect);
    if (!warming.has(tabId)) warming.set(tabId, []);
    void ctx.track(
      ready
        .then(() => pushSnapshot(tabId))
        .finally(() => {
          const queued = warming.get(tabId) ?? [];
          warming.delete(tabId);
          for (const m of queued) ctx.hub.push(tabId, m);
        }),
    );
  }

  async function pushChange(change: CookieChange, at: number, decodeOn: ChangeDecoder): Promise<TabInfo[]> {
    const c = change.cookie;
    const tabs = await ctx.tabs.forHost((host) => cookieMatchesHost(c, host));
    for (const t of tabs) {
      const panel = views.get(t.tabId);
      if (!panel || !panel.info.site || panel.info.host !== t.host) continue;
      if (panel.info.storeId && c.storeId !== panel.info.storeId) continue;
      const view = toCookieView(c, { url: panel.info.url, policy: ctx.settings().policy, now: at });
      if (view.sessionCookie && !change.removed) view.decoded = (await decodeOn(panel.info.host)).wire;
      const id = cookieId(c);
      if (change.removed) panel.cookies.delete(id);
      else panel.cookies.set(id, view);
      const dropped = (await ctx.store.read(panel.info.site)).dropped;
      let findingCount = countBadge(dropped);
      for (const v of panel.cookies.values()) findingCount += countBadge(v.findings);
      push(t.tabId, { type: 'cookies/changed', tabId: t.tabId, site: panel.info.site, removed: change.removed, cause: change.cause, cookie: view, findingCount });
    }
    return tabs;
  }

  return {
    siteCookies,
    snapshot,
    remember,
    push,
    pushSnapshot,
    connected,
    pushChange,
    cookieFindings(tabId) {
      let n = 0;
      for (const v of views.get(tabId)?.cookies.values() ?? []) n += countBadge(v.findings);
      return n;
    },
    forget(tabId) {
      views.delete(tabId);
    },
  };
}
