/**
 * The background service: the single owner of cookie access. It watches cookies in every store,
 * keeps per-site timelines, runs the policy on every change and on the Set-Cookie headers
 * webRequest shows (cookies the browser drops become findings), keeps the per-tab badge right
 * across navigations, and serves pages over the typed protocol (runtime messages + `panel:<tabId>`
 * ports). Written against {@link Platform}, so it runs the same over `browser.*` (lib/browser)
 * and over plain fakes in tests.
 *
 * ```
 * cookies.onChanged ─▶ push queue ─▶ panels (cookies/changed, decoded once) ─▶ badges
 *                              └───▶ timeline queue ─▶ store ─▶ panels (timeline/event)
 * webRequest ─▶ Set-Cookie watch ─▶ dropped findings ─▶ panels (findings) ─▶ badges
 *           └─▶ request log ─▶ (the timeline event's request)
 * runtime messages ─▶ router ─▶ handlers          runtime ports ─▶ port hub ─▶ panels
 * ```
 */
import { createBadgeUpdates, type BadgeUpdates } from './badge-updates.ts';
import { createChangeBatch, type Burst } from './change-batch.ts';
import type { ServiceContext } from './context.ts';
import { isSessionCookie } from './cookie-view.ts';
import { sessionFacts } from './decode-view.ts';
import { createHandlers } from './handlers.ts';
import { changeDecoder, createPanels, type ChangeDecoder, type Panels } from './panels.ts';
import type { CookieChange, Platform, Unsubscribe } from './platform.ts';
import { createPortHub, type PortHub } from './port-hub.ts';
import { createRequestLog, type RequestLog } from './request-log.ts';
import { createRouter, type RequestContext, type Router } from './router.ts';
import { createSetCookieWatch } from './set-cookie-watch.ts';
import { SETTINGS_STORAGE_KEY, readSettings, storeSettings, type Settings } from './settings.ts';
import { createSiteStore } from './site-store.ts';
import { cookieId, originPatternOf } from './site.ts';
import { createTabDirectory, type TabInfo } from './tabs.ts';
import { applyChange } from './timeline.ts';

/** Options for tests and for the entrypoint. */
export interface ServiceOptions {
  /** Now, ms since the epoch. */
  now?: () => number;
  /** fetch for the companion. */
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
  /** Where unexpected errors go (never secrets: only the request type and error name). */
  onError?: (where: string, error: unknown) => void;
  /** Delay before a badge update after a cookie change, ms (default 30). */
  badgeDelay?: number;
  /** A fresh id for a stored key (default `crypto.randomUUID`). */
  newId?: () => string;
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

const defaultOnError = (where: string, e: unknown) => console.warn(`[session-lens] ${where}:`, e instanceof Error ? e.name : typeof e);

/**
 * The timeline, for session cookies: kept per cookie domain (cookies have no port or scheme),
 * shown on every site whose host sees that domain's cookies.
 */
async function recordTimeline(
  ctx: ServiceContext,
  panels: Panels,
  change: CookieChange,
  tabs: TabInfo[],
  at: number,
  decodeOn: ChangeDecoder,
  burst: Burst,
  requests: RequestLog,
): Promise<void> {
  const c = change.cookie;
  const host = c.domain.replace(/^\./, '').toLowerCase();
  if (!isSessionCookie(c.name, host, ctx.settings().policy)) return;
  const expires = !c.session && typeof c.expirationDate === 'number' ? Math.round(c.expirationDate * 1000) : null;
  const facts = await sessionFacts(c.value, expires, (await decodeOn(host)).result);
  // An overwrite's removal makes no event: the set that follows claims the request.
  const request = change.removed && change.cause === 'overwrite' ? undefined : requests.claim(c.name, c.domain, c.hostOnly, at);
  const event = await ctx.store.update(host, (s) =>
    applyChange(s.timeline, host, {
      cause: change.cause,
      removed: change.removed,
      id: cookieId(c),
      name: c.name,
      storeId: c.storeId,
      facts,
      at,
      ...burst,
      ...(request ? { request } : {}),
    }),
  );
  if (event) for (const t of tabs) if (t.site) panels.push(t.tabId, { type: 'timeline/event', tabId: t.tabId, event: { ...event, site: t.site } });
}

/** After a permission change: an open panel learns its tab's access, gets a fresh snapshot, and the badge is redone. */
async function refreshAccess(ctx: ServiceContext, panels: Panels, badges: Pick<BadgeUpdates, 'schedule'>, tabId: number): Promise<void> {
  const info = await ctx.tabs.info(tabId).catch(() => null);
  if (!info) return;
  const access = (await ctx.hasAccess(originPatternOf(info.url))) ? 'granted' : 'missing';
  panels.push(tabId, { type: 'access/changed', tabId, access });
  await panels.pushSnapshot(tabId);
  badges.schedule(tabId);
}

/**
 * Starts the background service: loads settings, registers every listener synchronously (so an
 * event that wakes the worker is not lost) and returns a handle.
 *
 * @example
 * const bg = startService(createBrowserPlatform());
 * await bg.ready;
 */
export function startService(platform: Platform, options: ServiceOptions = {}): BackgroundHandle {
  const onError = options.onError ?? defaultOnError;
  const fetchFn = options.fetch ?? ((input: string, init?: RequestInit) => fetch(input, init));
  const pending = new Set<Promise<unknown>>();
  const disposers: Unsubscribe[] = [];
  let settings: Settings = readSettings(undefined);
  let stopped = false;

  const ctx: ServiceContext = {
    platform,
    now: options.now ?? (() => Date.now()),
    onError,
    settings: () => settings,
    store: createSiteStore(platform.storage.state),
    hub: createPortHub(),
    tabs: createTabDirectory(platform),
    track(p) {
      pending.add(p);
      void p.finally(() => pending.delete(p)).catch(() => undefined);
      return p;
    },
    async hasAccess(pattern) {
      if (!pattern) return false;
      return platform.permissions.contains(pattern).catch(() => false);
    },
  };
  const panels = createPanels(ctx);
  const badges = createBadgeUpdates(ctx, panels, options.badgeDelay ?? 30);
  const watch = createSetCookieWatch(ctx, panels, badges);
  const requests = createRequestLog();
  const saveSettings = async (next: Settings) => {
    settings = next;
    await platform.storage.local.set({ [SETTINGS_STORAGE_KEY]: storeSettings(next) });
  };
  const router = createRouter(
    createHandlers(ctx, { panels, badges, saveSettings, fetch: fetchFn, newId: options.newId ?? (() => crypto.randomUUID()) }),
    (type, e) => onError(type, e),
  );

  const ready = (async () => {
    const raw = await platform.storage.local.get([SETTINGS_STORAGE_KEY]);
    settings = readSettings(raw[SETTINGS_STORAGE_KEY]);
  })().catch((e: unknown) => onError('settings', e));

  // ─── Listeners (registered synchronously) ─────────────────────────────────────────────────────

  disposers.push(
    platform.runtime.onMessage((message, sender) => {
      if (stopped) return undefined;
      if (sender.id !== undefined && sender.id !== platform.runtime.id) return undefined;
      const from: RequestContext = {};
      if (sender.tabId !== undefined) from.tabId = sender.tabId;
      if (sender.url !== undefined) from.url = sender.url;
      return ctx.track(ready.then(() => router.handle(message, from)));
    }),
    platform.runtime.onConnect((port) => {
      if (!stopped) ctx.hub.accept(port);
    }),
  );
  ctx.hub.onConnect((tabId, port) => panels.connected(tabId, port, ready));

  // Changes are coalesced per cookie and frame (change-batch.ts). Pushes and timeline run in two
  // queues, so a slow timeline step never delays the next push.
  let timelineQueue: Promise<unknown> = Promise.resolve();

  function handle(change: CookieChange, at: number, burst: Burst): Promise<unknown> {
    let decodeOn: ChangeDecoder | undefined;
    const decoder = () => (decodeOn ??= changeDecoder(change.cookie, settings, at));
    const pushed = panels.pushChange(change, at, (host) => decoder()(host)).then((tabs) => {
      for (const t of tabs) badges.schedule(t.tabId);
      return tabs;
    });
    timelineQueue = ctx.track(
      Promise.all([timelineQueue, pushed])
        .then(async ([, tabs]) => {
          if (change.cause === 'evicted') await watch.evicted(change, tabs);
          await recordTimeline(ctx, panels, change, tabs, at, (host) => decoder()(host), burst, requests);
        })
        .catch((e: unknown) => onError('timeline', e)),
    );
    return pushed.catch((e: unknown) => onError('cookies.onChanged', e));
  }

  const changes = createChangeBatch({ handle, ready, track: ctx.track, onError });

  disposers.push(
    platform.cookies.onChanged((change) => {
      if (!stopped) changes.add(change, ctx.now());
    }),
  );
  disposers.push(() => changes.stop());

  disposers.push(
    platform.tabs.onUpdated((tabId, change, tab) => {
      const url = change.url ?? tab?.url;
      if (url) ctx.tabs.navigated(tabId, url);
      // Chrome resets a per-tab badge on navigation: set it again once the page has loaded.
      if (change.status === 'complete' || change.url !== undefined) badges.schedule(tabId);
      // Any navigation sends open panels a fresh snapshot. Not only when the site looks different:
      // webRequest may have recorded the new URL already, and a host without access reports no
      // URL at all (only the status changes).
      if ((change.url !== undefined || change.status !== undefined) && ctx.hub.tabs().includes(tabId)) void ctx.track(panels.pushSnapshot(tabId));
    }),
    platform.tabs.onActivated((tabId) => badges.schedule(tabId)),
    platform.tabs.onRemoved((tabId) => {
      ctx.tabs.forget(tabId);
      panels.forget(tabId);
    }),
    platform.permissions.onChanged(() => {
      for (const tabId of ctx.hub.tabs()) void ctx.track(refreshAccess(ctx, panels, badges, tabId));
    }),
    platform.storage.onLocalChanged((changes) => {
      if (SETTINGS_STORAGE_KEY in changes) settings = readSettings(changes[SETTINGS_STORAGE_KEY]?.newValue);
    }),
  );

  if (platform.webRequest) {
    const web = platform.webRequest;
    disposers.push(
      web.onHeadersReceived((d) => {
        watch.headersReceived(d);
        requests.record(d, ctx.now());
      }),
      web.onCompleted((d) => void ctx.track(ready.then(() => watch.completed(d))).catch((e: unknown) => onError('webRequest', e))),
      web.onErrorOccurred((d) => watch.failed(d)),
    );
  }

  return {
    router,
    hub: ctx.hub,
    ready,
    async idle() {
      await ready;
      while (pending.size > 0) await Promise.allSettled([...pending]);
      await ctx.store.idle();
    },
    stop() {
      stopped = true;
      for (const d of disposers.splice(0)) d();
      badges.stop();
    },
  };
}
