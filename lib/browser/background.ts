/**
 * The background: the single owner of cookie access. It watches cookies in every store, keeps
 * per-site timelines (storage.session, else storage.local), runs the policy on every change and
 * on the Set-Cookie headers webRequest shows (cookies the browser drops become findings), keeps
 * the per-tab badge right across navigations, and serves pages over the typed protocol
 * (runtime messages + `panel:<tabId>` ports). All logic lives in lib/background; this file wires
 * it to browser.*.
 */
import { browser } from 'wxt/browser';
import { PRESET_NAMES, RULES, SEVERITIES, getPreset, resolvePolicy, validatePolicy } from '../policy/index.ts';
import type { CookieSnapshot, CookieView, FindingView, PanelPush, PortLike } from '../protocol/messages.ts';
import { computeBadge } from '../background/badge.ts';
import { lookupSession, testCompanion } from '../background/companion.ts';
import { toCookieView, toCookieViews, isSessionCookie } from '../background/cookie-view.ts';
import { decodeToView, sessionFacts } from '../background/decode-view.ts';
import { cookiesToStore, droppedFindings, isStored, mergeDropped } from '../background/dropped.ts';
import { createPortHub, type PortHub } from '../background/port-hub.ts';
import { ProtocolError, createRouter, type Handlers, type Router } from '../background/router.ts';
import {
  SETTINGS_STORAGE_KEY,
  SettingsError,
  addKey,
  applyPatch,
  readSettings,
  removeKey,
  settingsView,
  storeSettings,
  type Settings,
} from '../background/settings.ts';
import { createSiteStore, type KeyValueArea, type SiteStore } from '../background/site-store.ts';
import { cookieId, cookieMatchesHost, originPatternOf, siteOf, timelineKeys, type CookieLike } from '../background/site.ts';
import { MAX_EVENTS_PER_SITE, applyChange } from '../background/timeline.ts';

/** Options for tests and for the entrypoint. */
export interface BackgroundOptions {
  /** Now, ms since the epoch. */
  now?: () => number;
  /** fetch for the companion. */
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
  /** Where unexpected errors go (never secrets: only the request type and error name). */
  onError?: (where: string, error: unknown) => void;
  /** Delay before a badge update after a cookie change, ms (default 30). */
  badgeDelay?: number;
}

/** A running background. */
export interface BackgroundHandle {
  router: Router;
  hub: PortHub;
  /** Resolves when settings are loaded and listeners are in place. */
  ready: Promise<void>;
  /** Resolves when every pending change, write and badge update has finished (tests). */
  idle(): Promise<void>;
  /** Removes every listener (a stopped worker). */
  stop(): void;
}

interface TabInfo {
  tabId: number;
  url: string | null;
  site: string | null;
  host: string;
  storeId: string | undefined;
}

interface OnChangedInfo {
  removed: boolean;
  cause: 'evicted' | 'expired' | 'explicit' | 'expired_overwrite' | 'overwrite';
  cookie: CookieLike;
}

type Listener = (...args: never[]) => unknown;
interface EventLike {
  addListener(cb: Listener, ...rest: unknown[]): void;
  removeListener(cb: Listener): void;
}

/** storage.session where the browser has it (Chrome 102+, Firefox 115+), else storage.local. */
function stateArea(): KeyValueArea {
  const session = (browser.storage as { session?: unknown }).session;
  return (session ?? browser.storage.local) as unknown as KeyValueArea;
}

function hostOf(url: string | null): string {
  if (!url) return '';
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/** `cookies.getAll` with every partition (`partitionKey: {}`) where supported. */
async function getAllCookies(details: Record<string, unknown>): Promise<CookieLike[]> {
  const getAll = browser.cookies.getAll as unknown as (d: Record<string, unknown>) => Promise<CookieLike[]>;
  try {
    return await getAll({ ...details, partitionKey: {} });
  } catch {
    return await getAll(details);
  }
}

/**
 * Starts the background: loads settings, registers every listener synchronously (so an event that
 * wakes the worker is not lost) and returns a handle.
 *
 * @example
 * export default defineBackground(() => { startBackground(); });
 */
export function startBackground(options: BackgroundOptions = {}): BackgroundHandle {
  const now = options.now ?? (() => Date.now());
  const onError = options.onError ?? ((where: string, e: unknown) => console.warn(`[session-lens] ${where}:`, e instanceof Error ? e.name : typeof e));
  const badgeDelay = options.badgeDelay ?? 30;
  const fetchFn = options.fetch ?? ((input: string, init?: RequestInit) => fetch(input, init));
  const store: SiteStore = createSiteStore(stateArea());
  const hub = createPortHub();
  const disposers: (() => void)[] = [];
  const pending = new Set<Promise<unknown>>();
  const badgeTimers = new Map<number, ReturnType<typeof setTimeout>>();
  const badgeReleases = new Map<number, () => void>();
  /** Pushes held back until a newly connected panel has its first snapshot. */
  const warming = new Map<number, PanelPush[]>();
  /** Cookie views per connected panel tab, for pushes without re-reading the jar. */
  const panelViews = new Map<number, { info: TabInfo; cookies: Map<string, CookieView> }>();
  /** Last known URL per tab (from tabs events and requests). */
  const tabUrls = new Map<number, string>();
  /** Set-Cookie headers waiting for their response to complete, by request id. */
  const setCookieRequests = new Map<string, { tabId: number; url: string; headers: string[] }>();
  let settings: Settings = readSettings(undefined);
  let stopped = false;

  function track<T>(p: Promise<T>): Promise<T> {
    pending.add(p);
    void p.finally(() => pending.delete(p)).catch(() => undefined);
    return p;
  }

  function on(event: EventLike | undefined, cb: Listener, ...rest: unknown[]): void {
    if (!event) return;
    event.addListener(cb, ...rest);
    disposers.push(() => event.removeListener(cb));
  }

  async function saveSettings(next: Settings): Promise<void> {
    settings = next;
    await browser.storage.local.set({ [SETTINGS_STORAGE_KEY]: storeSettings(next) });
  }

  // ─── Tabs and cookies ─────────────────────────────────────────────────────────────────────────

  async function tabInfo(tabId: number, urlHint?: string): Promise<TabInfo> {
    let url: string | null = null;
    let storeId: string | undefined;
    try {
      const tab = (await browser.tabs.get(tabId)) as { url?: string; cookieStoreId?: string };
      url = tab.url || null;
      storeId = tab.cookieStoreId;
    } catch {
      if (urlHint === undefined && !tabUrls.has(tabId)) throw new ProtocolError('ERR_NO_TAB', `No tab ${tabId}`);
    }
    url = url ?? urlHint ?? tabUrls.get(tabId) ?? null;
    if (url) tabUrls.set(tabId, url);
    if (storeId === undefined) {
      try {
        const stores = (await browser.cookies.getAllCookieStores()) as { id: string; tabIds: number[] }[];
        storeId = stores.find((s) => s.tabIds.includes(tabId))?.id;
      } catch {
        storeId = undefined;
      }
    }
    return { tabId, url, site: siteOf(url), host: hostOf(url), storeId };
  }

  async function hasAccess(pattern: string | null): Promise<boolean> {
    if (!pattern) return false;
    try {
      return await browser.permissions.contains({ origins: [pattern] });
    } catch {
      return false;
    }
  }

  async function siteCookies(info: TabInfo): Promise<CookieLike[]> {
    if (!info.url || !info.host) return [];
    const base: Record<string, unknown> = info.storeId ? { storeId: info.storeId } : {};
    const [byUrl, byDomain] = await Promise.all([
      getAllCookies({ ...base, url: info.url }).catch(() => []),
      getAllCookies({ ...base, domain: info.host }).catch(() => []),
    ]);
    return [...byUrl, ...byDomain].filter((c) => cookieMatchesHost(c, info.host));
  }

  async function snapshot(info: TabInfo): Promise<CookieSnapshot> {
    const pattern = originPatternOf(info.url);
    const access = info.site !== null && (await hasAccess(pattern)) ? 'granted' : 'missing';
    const cookies = access === 'granted' ? toCookieViews(await siteCookies(info), { url: info.url, policy: settings.policy, now: now() }) : [];
    const dropped = info.site ? (await store.read(info.site)).dropped : [];
    const findingCount = cookies.reduce((n, c) => n + c.findings.length, 0) + dropped.length;
    return { tabId: info.tabId, url: info.url, site: info.site, originPattern: pattern, access, cookies, dropped, findingCount };
  }

  function rememberPanel(info: TabInfo, snap: CookieSnapshot): void {
    if (!hub.tabs().includes(info.tabId)) return;
    panelViews.set(info.tabId, { info, cookies: new Map(snap.cookies.map((c) => [cookieId(c), c])) });
  }

  /**
   * Pushes to a tab's panels. While a newly connected panel waits for its first snapshot, other
   * pushes queue behind it, so a panel always sees `cookies/snapshot` first.
   */
  function push(tabId: number, message: PanelPush): void {
    const queued = warming.get(tabId);
    if (queued) queued.push(message);
    else hub.push(tabId, message);
  }

  async function pushSnapshot(tabId: number): Promise<void> {
    try {
      const info = await tabInfo(tabId);
      const snap = await snapshot(info);
      rememberPanel(info, snap);
      hub.push(tabId, { type: 'cookies/snapshot', snapshot: snap });
    } catch (e) {
      if (!(e instanceof ProtocolError)) onError('snapshot', e);
    }
  }

  // ─── Badge ────────────────────────────────────────────────────────────────────────────────────

  async function updateBadge(tabId: number): Promise<void> {
    let text = '';
    let color = '#5f6368';
    let title = 'Session Lens';
    try {
      const info = await tabInfo(tabId);
      if (info.site && (await hasAccess(originPatternOf(info.url)))) {
        const snap = await snapshot(info);
        const findings: { severity: FindingView['severity'] }[] = [...snap.cookies.flatMap((c) => c.findings), ...snap.dropped];
        ({ text, color, title } = computeBadge(findings));
      }
    } catch {
      return; // the tab is gone
    }
    try {
      await browser.action.setBadgeText({ tabId, text });
      await browser.action.setBadgeBackgroundColor({ tabId, color });
      await browser.action.setTitle({ tabId, title });
    } catch {
      // the tab closed meanwhile
    }
  }

  function scheduleBadge(tabId: number): void {
    clearTimeout(badgeTimers.get(tabId));
    let release: () => void = () => undefined;
    track(new Promise<void>((r) => (release = r)));
    badgeTimers.set(
      tabId,
      setTimeout(() => {
        badgeTimers.delete(tabId);
        void track(updateBadge(tabId)).finally(release);
      }, badgeDelay),
    );
    // A superseded timer must not leave its promise pending forever.
    const previousRelease = badgeReleases.get(tabId);
    badgeReleases.set(tabId, release);
    previousRelease?.();
  }
  /** Tabs whose page host the cookie belongs to. */
  async function tabsForHost(match: (host: string) => boolean): Promise<TabInfo[]> {
    const out: TabInfo[] = [];
    let tabs: { id?: number; url?: string }[] = [];
    try {
      tabs = (await browser.tabs.query({})) as { id?: number; url?: string }[];
    } catch {
      tabs = [];
    }
    const seen = new Set<number>();
    for (const t of tabs) {
      if (t.id === undefined) continue;
      // The URL from the latest navigation event wins: while a page loads, tab.url may still be the old one.
      const url = tabUrls.get(t.id) || t.url || null;
      if (url) tabUrls.set(t.id, url);
      seen.add(t.id);
      if (url && match(hostOf(url))) out.push({ tabId: t.id, url, site: siteOf(url), host: hostOf(url), storeId: undefined });
    }
    for (const [tabId, url] of tabUrls) {
      if (!seen.has(tabId) && match(hostOf(url))) out.push({ tabId, url, site: siteOf(url), host: hostOf(url), storeId: undefined });
    }
    return out;
  }

  // ─── Cookie changes ───────────────────────────────────────────────────────────────────────────

  /** Pushes a cookie change to the panels of the tabs that see it; returns those tabs. */
  async function pushChange(change: OnChangedInfo, at: number): Promise<TabInfo[]> {
    const c = change.cookie;
    const tabs = await tabsForHost((host) => cookieMatchesHost(c, host));
    // 1. Live push to panels first: this is the latency that matters.
    for (const t of tabs) {
      const panel = panelViews.get(t.tabId);
      if (!panel || !panel.info.site || panel.info.host !== t.host) continue;
      if (panel.info.storeId && c.storeId !== panel.info.storeId) continue;
      const view = toCookieView(c, { url: panel.info.url, policy: settings.policy, now: at });
      const id = cookieId(c);
      if (change.removed) panel.cookies.delete(id);
      else panel.cookies.set(id, view);
      const dropped = (await store.read(panel.info.site)).dropped;
      let findingCount = dropped.length;
      for (const v of panel.cookies.values()) findingCount += v.findings.length;
      push(t.tabId, {
        type: 'cookies/changed',
        tabId: t.tabId,
        site: panel.info.site,
        removed: change.removed,
        cause: change.cause,
        cookie: view,
        findingCount,
      });
    }
    // 2. Badges.
    for (const t of tabs) scheduleBadge(t.tabId);
    return tabs;
  }

  /**
   * The timeline, for session cookies: kept per cookie domain (cookies have no port or scheme),
   * shown on every site whose host sees that domain's cookies.
   */
  async function recordTimeline(change: OnChangedInfo, tabs: TabInfo[], at: number): Promise<void> {
    const c = change.cookie;
    const host = c.domain.replace(/^\./, '').toLowerCase();
    if (isSessionCookie(c.name, host, settings.policy)) {
      const expires = !c.session && typeof c.expirationDate === 'number' ? Math.round(c.expirationDate * 1000) : null;
      const facts = await sessionFacts(c.value, expires);
      const event = await store.update(host, (s) =>
        applyChange(s.timeline, host, { cause: change.cause, removed: change.removed, id: cookieId(c), name: c.name, storeId: c.storeId, facts, at }),
      );
      if (event) for (const t of tabs) if (t.site) push(t.tabId, { type: 'timeline/event', tabId: t.tabId, event: { ...event, site: t.site } });
    }
  }

  // ─── Set-Cookie headers (dropped cookies) ─────────────────────────────────────────────────────

  function onHeadersReceived(details: { requestId: string; tabId: number; url: string; type?: string; responseHeaders?: { name: string; value?: string }[] }): void {
    if (details.type === 'main_frame' && details.tabId >= 0) tabUrls.set(details.tabId, details.url);
    const headers: string[] = [];
    for (const h of details.responseHeaders ?? []) {
      if (h.name.toLowerCase() !== 'set-cookie' || h.value === undefined) continue;
      // Firefox joins several Set-Cookie headers with newlines.
      headers.push(...h.value.split('\n').filter((v) => v.trim() !== ''));
    }
    if (headers.length === 0) return;
    if (setCookieRequests.size > 500) setCookieRequests.clear(); // never grows without bound
    setCookieRequests.set(details.requestId, { tabId: details.tabId, url: details.url, headers });
  }

  async function onRequestDone(details: { requestId: string }): Promise<void> {
    const req = setCookieRequests.get(details.requestId);
    if (!req) return;
    setCookieRequests.delete(details.requestId);
    const site = siteOf(req.url);
    if (!site) return;
    const at = now();
    const wanted = cookiesToStore(req.headers, req.url, at);
    if (wanted.length === 0) return;
    const dropped: FindingView[] = [];
    const stored = new Set<string>();
    for (const c of wanted) {
      const jar = await getAllCookies({ url: req.url, name: c.name }).catch(() => [] as CookieLike[]);
      const byDomain = await getAllCookies({ domain: c.domain, name: c.name }).catch(() => [] as CookieLike[]);
      if (isStored(c, [...jar, ...byDomain])) stored.add(c.name);
      else dropped.push(...droppedFindings(c, req.url, settings.policy, at));
    }
    const list = await store.update(site, (s) => {
      s.dropped = mergeDropped(
        s.dropped.filter((f) => !stored.has(f.cookie)),
        dropped,
      );
      return s.dropped;
    });
    if (dropped.length === 0 && stored.size === 0) return;
    const tabs = await tabsForHost((host) => host === new URL(site).hostname);
    if (req.tabId >= 0 && !tabs.some((t) => t.tabId === req.tabId)) tabs.push({ tabId: req.tabId, url: req.url, site, host: hostOf(req.url), storeId: undefined });
    for (const t of tabs) {
      if (t.site !== site) continue;
      const panel = panelViews.get(t.tabId);
      let findingCount = list.length;
      if (panel) for (const v of panel.cookies.values()) findingCount += v.findings.length;
      push(t.tabId, { type: 'findings', tabId: t.tabId, site, dropped: list, findingCount });
      scheduleBadge(t.tabId);
    }
  }

  // ─── Requests ─────────────────────────────────────────────────────────────────────────────────

  const handlers: Handlers = {
    async 'cookies/list'({ tabId, url }) {
      const info = await tabInfo(tabId, url);
      const snap = await snapshot(info);
      rememberPanel(info, snap);
      return snap;
    },
    async 'session/decode'({ value, cookieName, site }) {
      const host = hostOf(site ?? null);
      const session = cookieName !== undefined && isSessionCookie(cookieName, host, settings.policy);
      const ctx: Parameters<typeof decodeToView>[1] = { keys: settings.keys, now: now() };
      if (cookieName !== undefined) ctx.cookieName = cookieName;
      if (session) ctx.maxAge = resolvePolicy(settings.policy, host).maxAge;
      return decodeToView(value, ctx);
    },
    async 'timeline/get'({ site }) {
      const states = await Promise.all(timelineKeys(hostOf(site) || site).map((k) => store.read(k)));
      const seen = new Set<string>();
      const events = states
        .flatMap((s) => s.timeline.events)
        .filter((e) => !seen.has(e.id) && Boolean(seen.add(e.id)))
        .sort((a, b) => a.at - b.at)
        .slice(-MAX_EVENTS_PER_SITE)
        .map((e) => ({ ...e, site }));
      return { site, events };
    },
    async 'timeline/clear'({ site }) {
      for (const k of timelineKeys(hostOf(site) || site)) await store.clearTimeline(k);
      return { site, events: [] };
    },
    'settings/get'() {
      return settingsView(settings);
    },
    async 'settings/set'(patch) {
      await saveSettings(wrapSettingsError(() => applyPatch(settings, patch)));
      // A new policy changes every finding: fresh snapshots for open panels, fresh badges.
      for (const tabId of hub.tabs()) void track(pushSnapshot(tabId));
      if (patch.policy !== undefined) for (const tabId of tabUrls.keys()) scheduleBadge(tabId);
      return settingsView(settings);
    },
    async 'keys/add'({ label, key }) {
      await saveSettings(wrapSettingsError(() => addKey(settings, { label, key }, crypto.randomUUID())));
      return settingsView(settings);
    },
    async 'keys/remove'({ id }) {
      await saveSettings(wrapSettingsError(() => removeKey(settings, id)));
      return settingsView(settings);
    },
    async 'permissions/check'({ origin }) {
      return { origin, granted: await hasAccess(origin) };
    },
    async 'permissions/request'({ origin }) {
      // Only a page's click can show the prompt; from here, open the options page to ask there.
      try {
        const granted = await browser.permissions.request({ origins: [origin] });
        return { origin, granted };
      } catch {
        await browser.tabs.create({ url: `${(browser.runtime.getURL as (path: string) => string)('/options.html')}#grant=${encodeURIComponent(origin)}` });
        return { origin, granted: false };
      }
    },
    'companion/lookup'({ key }) {
      return lookupSession(settings.companion, key, fetchFn);
    },
    'policy/validate'({ policy }) {
      const r = validatePolicy(policy);
      return r.ok
        ? { ok: true, policy: r.policy as unknown as Record<string, unknown>, issues: [] }
        : { ok: false, policy: null, issues: r.issues };
    },
    'policy/catalog'() {
      return {
        presets: PRESET_NAMES.map((name) => ({ name, policy: getPreset(name) as unknown as Record<string, unknown> })),
        rules: RULES.map((r) => ({ id: r.id, title: r.title, description: r.description })),
        severities: [...SEVERITIES],
      };
    },
    'companion/test'({ url, token }) {
      const config = { url: (url ?? settings.companion.url).replace(/\/+$/, ''), token: token ?? settings.companion.token };
      return testCompanion(config, fetchFn);
    },
  };

  function wrapSettingsError<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof SettingsError) throw new ProtocolError('ERR_BAD_REQUEST', e.message);
      throw e;
    }
  }

  const router = createRouter(handlers, (type, e) => onError(type, e));

  // ─── Listeners (registered synchronously) ─────────────────────────────────────────────────────

  // sendResponse + `return true` rather than a returned promise: works the same in Chrome,
  // Firefox and the polyfill, and never answers messages that are not ours.
  on(browser.runtime.onMessage as unknown as EventLike, ((
    message: unknown,
    sender: { id?: string; tab?: { id?: number }; url?: string },
    sendResponse: (response: unknown) => void,
  ) => {
    if (stopped) return false;
    if (sender.id !== undefined && sender.id !== browser.runtime.id) return false;
    const ctx: { tabId?: number; url?: string } = {};
    if (sender.tab?.id !== undefined) ctx.tabId = sender.tab.id;
    if (sender.url !== undefined) ctx.url = sender.url;
    void track(ready.then(() => router.handle(message, ctx))).then(sendResponse);
    return true;
  }) as Listener);

  on(browser.runtime.onConnect as unknown as EventLike, ((port: PortLike) => {
    if (!stopped) hub.accept(port);
  }) as Listener);

  hub.onConnect((tabId, port) => {
    const onDisconnect = () => {
      if (!hub.tabs().includes(tabId)) panelViews.delete(tabId);
      port.onDisconnect.removeListener(onDisconnect);
    };
    port.onDisconnect.addListener(onDisconnect);
    if (!warming.has(tabId)) warming.set(tabId, []);
    void track(
      ready
        .then(() => pushSnapshot(tabId))
        .finally(() => {
          const queued = warming.get(tabId) ?? [];
          warming.delete(tabId);
          for (const m of queued) hub.push(tabId, m);
        }),
    );
  });

  // Changes are handled one after another, in the order the browser reports them: an overwrite
  // is a removal then an addition of the same cookie, and must reach the panel in that order.
  // Pushes and timeline run in two queues, so a slow timeline step never delays the next push.
  let pushQueue: Promise<unknown> = Promise.resolve();
  let timelineQueue: Promise<unknown> = Promise.resolve();
  on(browser.cookies.onChanged as unknown as EventLike, ((change: OnChangedInfo) => {
    if (stopped) return;
    const at = now();
    const pushed = pushQueue.then(() => ready).then(() => pushChange(change, at));
    pushQueue = track(pushed.catch((e: unknown) => onError('cookies.onChanged', e)));
    timelineQueue = track(
      Promise.all([timelineQueue, pushed])
        .then(([, tabs]) => recordTimeline(change, tabs, at))
        .catch((e: unknown) => onError('timeline', e)),
    );
  }) as Listener);

  on(browser.tabs.onUpdated as unknown as EventLike, ((tabId: number, changeInfo: { status?: string; url?: string }, tab?: { url?: string }) => {
    const url = changeInfo.url ?? tab?.url;
    const previous = tabUrls.get(tabId);
    if (url) tabUrls.set(tabId, url);
    // Chrome resets a per-tab badge on navigation: set it again once the page has loaded.
    if (changeInfo.status === 'complete' || changeInfo.url !== undefined) scheduleBadge(tabId);
    if (url && siteOf(url) !== siteOf(previous) && hub.tabs().includes(tabId)) void track(pushSnapshot(tabId));
  }) as Listener);

  on(browser.tabs.onActivated as unknown as EventLike, ((info: { tabId: number }) => scheduleBadge(info.tabId)) as Listener);

  on(browser.tabs.onRemoved as unknown as EventLike, ((tabId: number) => {
    tabUrls.delete(tabId);
    panelViews.delete(tabId);
  }) as Listener);

  const onPermissionsChanged = () => {
    for (const tabId of hub.tabs()) {
      void track(
        (async () => {
          const info = await tabInfo(tabId).catch(() => null);
          if (!info) return;
          const access = (await hasAccess(originPatternOf(info.url))) ? 'granted' : 'missing';
          push(tabId, { type: 'access/changed', tabId, access } satisfies PanelPush);
          await pushSnapshot(tabId);
          scheduleBadge(tabId);
        })(),
      );
    }
  };
  on(browser.permissions?.onAdded as unknown as EventLike | undefined, onPermissionsChanged as Listener);
  on(browser.permissions?.onRemoved as unknown as EventLike | undefined, onPermissionsChanged as Listener);

  const webRequest = (browser as { webRequest?: typeof browser.webRequest }).webRequest;
  if (webRequest) {
    const filter = { urls: ['<all_urls>'] };
    const headersEvent = webRequest.onHeadersReceived as unknown as EventLike;
    const headersCb = onHeadersReceived as unknown as Listener;
    try {
      // Chrome hides Set-Cookie unless 'extraHeaders' is asked for.
      headersEvent.addListener(headersCb, filter, ['responseHeaders', 'extraHeaders']);
    } catch {
      // Firefox has no 'extraHeaders' (and shows Set-Cookie without it).
      headersEvent.addListener(headersCb, filter, ['responseHeaders']);
    }
    disposers.push(() => headersEvent.removeListener(headersCb));
    const done = ((d: { requestId: string }) => void track(ready.then(() => onRequestDone(d))).catch((e: unknown) => onError('webRequest', e))) as Listener;
    on(webRequest.onCompleted as unknown as EventLike, done, filter);
    on(webRequest.onErrorOccurred as unknown as EventLike, ((d: { requestId: string }) => setCookieRequests.delete(d.requestId)) as Listener, filter);
  }

  on(browser.storage.onChanged as unknown as EventLike, ((changes: Record<string, { newValue?: unknown }>, area: string) => {
    if (area === 'local' && SETTINGS_STORAGE_KEY in changes) settings = readSettings(changes[SETTINGS_STORAGE_KEY]?.newValue);
  }) as Listener);

  const ready = (async () => {
    const raw = await browser.storage.local.get(SETTINGS_STORAGE_KEY);
    settings = readSettings((raw as Record<string, unknown>)[SETTINGS_STORAGE_KEY]);
  })().catch((e: unknown) => onError('settings', e));

  return {
    router,
    hub,
    ready,
    async idle() {
      await ready;
      while (pending.size > 0) await Promise.allSettled([...pending]);
      await store.idle();
    },
    stop() {
      stopped = true;
      for (const d of disposers.splice(0)) d();
      for (const t of badgeTimers.values()) clearTimeout(t);
      badgeTimers.clear();
      for (const r of badgeReleases.values()) r();
      badgeReleases.clear();
    },
  };
}
