/**
 * The panel's {@link PanelSource} over the background client: one `cookies/list` + `timeline/get`
 * to load, then the `panel:<tabId>` port's pushes applied to a local copy (no polling). Maps the
 * wire types (lib/protocol) onto the components' view models. Session cookies arrive decoded (the
 * background decodes each once per change, with the stored keys); other values are decoded on
 * request. Shared by the DevTools panel and the decode page; entrypoints only wire it.
 */
import {
  ProtocolError,
  isWireErrorCode,
  type CookieSnapshot,
  type CookieView,
  type FindingView as WireFinding,
  type PanelPush,
  type SessionLensClient,
  type TimelineEvent,
} from '../lib/protocol/index.ts';
import { companionCalls, lookupCompanion } from './companion-source.ts';
import { reviveJson, toDecoded } from './decoded-view.ts';
import { createEditSource } from './edit-source.ts';
import type { OptionsSection, PanelSource, PanelUpdate } from './panel-source.ts';
import type {
  CookieRow,
  DecodedView,
  FindingView,
  PanelSnapshot,
  TimelineEntry,
} from './view-model.ts';

export { reviveJson, toDecoded };

/** Most timeline entries the panel keeps in memory (the background keeps its own bounded log). */
const TIMELINE_CAP = 500;

/** Extra actions the entry provides (they need browser.* and so live outside the components). */
export interface PanelSourceOptions {
  openFullWindow?: () => void;
  openDecoder?: () => void;
  openOptions?: (section?: OptionsSection) => void;
  /**
   * The inspected page's URL as DevTools sees it (`inspectedWindow`). When given, it is the
   * source of truth for the panel's site: the background reads that site's cookies, and a
   * snapshot of any other site (a navigation the background saw late) is ignored. Without host
   * access the background cannot even read a tab's URL; this also offers the grant for that site.
   */
  inspectedUrl?: () => Promise<string | null>;
  /** Reloads the inspected page (DevTools' `inspectedWindow.reload`), offered after an edit. */
  reloadPage?: () => void;
}

/** What the panel calls a page DevTools cannot evaluate: Chrome's network error page. */
const ERROR_PAGE_URL = 'chrome-error://chromewebdata/';

/** The site (origin) of an http(s) URL, else `null` (about:blank, error pages, chrome://). */
function httpSiteOf(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

/**
 * Creates the panel's data source for one inspected tab.
 *
 * @example
 * const source = createPanelSource(createBrowserClient(), tabId);
 * render(<App tabId={tabId} source={source} theme="light" />, root);
 */
export function createPanelSource(
  client: SessionLensClient,
  tabId: number,
  options: PanelSourceOptions = {},
): PanelSource {
  let wire: CookieSnapshot | null = null;
  /** The inspected origin, when the background could not tell (no access yet). */
  let knownOrigin: string | null = null;
  /** The inspected page's URL from DevTools (`undefined`: not known, e.g. the full-window view). */
  let pageUrl: string | null | undefined;
  /** Bumped on every navigation: answers for an older page are dropped. */
  let generation = 0;
  /** `load()` calls waiting for the first snapshot (a reply or the push that follows connect). */
  let waiting: ((s: CookieSnapshot) => void)[] = [];
  const updates = createUpdates(() => client.subscribe(tabId, onPush));
  const emit = updates.emit;
  const log = createTimelineLog(client, emit);
  const cookieFields = (s: CookieSnapshot): PanelUpdate => cookieUpdate(s, knownOrigin);
  const loadTimeline = log.load;

  /** A snapshot is for the inspected page (when the panel knows it): same site, or both none. */
  function forThisPage(s: CookieSnapshot): boolean {
    return pageUrl === undefined || s.site === httpSiteOf(pageUrl);
  }

  const blankFor = (url: string | null) => blankSnapshot(tabId, url);

  async function fetchSnapshot(): Promise<CookieSnapshot> {
    const s = await client.listCookies(tabId, pageUrl ?? undefined);
    // The background reads the URL it was given; a non-http page has no site and no cookies.
    return forThisPage(s) ? s : blankFor(pageUrl ?? null);
  }

  function setSnapshot(snap: CookieSnapshot): void {
    if (!forThisPage(snap)) return; // a late snapshot of the previous site
    // The page's address as DevTools knows it (the background may not be allowed to read it).
    const s = pageUrl !== undefined && pageUrl !== null && snap.url !== pageUrl ? { ...snap, url: pageUrl } : snap;
    wire = s;
    const w = waiting;
    waiting = [];
    for (const resolve of w) resolve(s);
    emit(cookieFields(s));
    if (s.site !== log.site()) {
      loadTimeline(s.site);
      emit({ timeline: log.entries() });
    }
  }

  function onPush(push: PanelPush): void {
    switch (push.type) {
      case 'cookies/snapshot':
        if (push.snapshot.tabId !== tabId) return;
        if (forThisPage(push.snapshot)) setSnapshot(push.snapshot);
        // The background saw the tab on another site, which DevTools did not report (Chrome's
        // error pages): ask the page. (A snapshot without a site knows less than the panel.)
        else if (push.snapshot.site !== null) void recheck();
        return;
      case 'timeline/event':
        if (!wire || push.event.site === wire.site) log.add(push.event);
        return;
      case 'cookies/changed':
      case 'findings':
      case 'access/changed': {
        const patched = wire && patchWire(wire, push, knownOrigin);
        if (!patched) return;
        wire = patched.wire;
        emit(patched.update);
        if (push.type === 'access/changed' && push.access === 'granted') void reload();
        return;
      }
    }
  }

  async function reload(): Promise<void> {
    const gen = generation;
    try {
      const s = await fetchSnapshot();
      if (gen === generation) setSnapshot(s);
    } catch {
      // a push will bring the next state
    }
  }

  /**
   * Asks DevTools where the inspected page is. A page that cannot be evaluated is a browser error
   * page (Chrome does not report it to `onNavigated`): it shows as the non-site it is.
   */
  async function recheck(): Promise<void> {
    if (!options.inspectedUrl) return;
    const gen = generation;
    const url = await pollInspectedUrl(options.inspectedUrl, () => gen === generation);
    if (gen === generation && (url ?? ERROR_PAGE_URL) !== pageUrl) navigated(url ?? ERROR_PAGE_URL);
  }

  function navigated(url: string): void {
    const previousSite = wire?.site ?? null;
    pageUrl = url;
    generation++;
    knownOrigin = null;
    const site = httpSiteOf(url);
    if (site !== previousSite) {
      // Nothing of the previous site stays on screen while the new one loads.
      wire = blankFor(url);
      loadTimeline(site);
      emit({ ...cookieFields(wire), timeline: log.entries(), pending: true });
    }
    const gen = generation;
    fetchSnapshot().then(
      (s) => {
        if (gen !== generation) return;
        setSnapshot(s);
        emit({ pending: false });
      },
      () => gen === generation && emit({ pending: false }),
    );
  }

  return {
    /**
     * The first snapshot: the `cookies/list` reply or the push the background sends on connect,
     * whichever comes first. The timeline follows as an update.
     */
    async load(): Promise<PanelSnapshot> {
      if (options.inspectedUrl && pageUrl === undefined) {
        const url = await options.inspectedUrl().catch(() => null);
        if (pageUrl === undefined && url !== null) pageUrl = url; // a navigation meanwhile wins
      }
      const s = await new Promise<CookieSnapshot>((resolve, reject) => {
        waiting.push(resolve);
        fetchSnapshot().then(resolve, reject);
      });
      if (wire === null || wire === s || wire.site !== s.site) wire = s;
      if (wire.site === null && wire.access === 'missing') knownOrigin = httpSiteOf(pageUrl ?? null);
      loadTimeline(wire.site);
      return { ...(cookieFields(wire) as Omit<PanelSnapshot, 'timeline'>), timeline: log.entries() };
    },
    navigated,
    subscribe: updates.subscribe,
    decode: (cookie: CookieRow) => decodeCookie(client, wire, cookie),
    companion: (key: string) => lookupCompanion(client, key),
    ...companionCalls(client),
    requestAccess: (pattern: string) => requestAccess(client, pattern, reload),
    clearTimeline: () => clearTimeline(client, wire?.site ?? null, log.clear),
    openFullWindow: options.openFullWindow,
    openDecoder: options.openDecoder,
    openOptions: options.openOptions,
    edit: createEditSource(client, tabId, () => pageUrl ?? wire?.url, options.reloadPage),
  };
}

/** The state of a page the background has not answered for yet: its address, nothing else. */
function blankSnapshot(tabId: number, url: string | null): CookieSnapshot {
  const site = httpSiteOf(url);
  return { tabId, url, site, originPattern: patternFor(site), access: 'missing', cookies: [], dropped: [], findingCount: 0 };
}

type PatchPush = Extract<PanelPush, { type: 'cookies/changed' | 'findings' | 'access/changed' }>;

/** A push that patches the current snapshot: the new snapshot and the update to emit, or null when it is another site's. */
function patchWire(wire: CookieSnapshot, push: PatchPush, knownOrigin: string | null): { wire: CookieSnapshot; update: PanelUpdate } | null {
  switch (push.type) {
    case 'cookies/changed': {
      if (push.site !== wire.site) return null;
      const next = withChange(wire, push);
      return { wire: next, update: cookieUpdate(next, knownOrigin) };
    }
    case 'findings': {
      if (push.site !== wire.site) return null;
      const next = { ...wire, dropped: push.dropped, findingCount: push.findingCount };
      return { wire: next, update: { findings: findingsOf(next), findingCount: push.findingCount } };
    }
    case 'access/changed': {
      const next = { ...wire, access: push.access };
      return { wire: next, update: { access: accessFields(next, knownOrigin) } };
    }
  }
}

async function requestAccess(client: SessionLensClient, pattern: string, reload: () => Promise<void>): Promise<boolean> {
  const granted = await client.requestPermission(pattern);
  if (granted) await reload();
  return granted;
}

async function clearTimeline(client: SessionLensClient, site: string | null, clearLog: () => void): Promise<void> {
  if (!site) return;
  await client.clearTimeline(site);
  clearLog();
}

/** The panel's listeners; the port opens with the first and closes with the last. */
function createUpdates(connect: () => () => void): { emit: (u: PanelUpdate) => void; subscribe: PanelSource['subscribe'] } {
  const listeners = new Set<(u: PanelUpdate) => void>();
  let unsubscribe: (() => void) | null = null;
  return {
    emit: (u) => {
      for (const l of [...listeners]) l(u);
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!unsubscribe) unsubscribe = connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && unsubscribe) {
          unsubscribe();
          unsubscribe = null;
        }
      };
    },
  };
}

/** The timeline of one site at a time: loaded once per site, pushed events added, bounded. */
function createTimelineLog(client: SessionLensClient, emit: (u: PanelUpdate) => void) {
  let timeline: TimelineEntry[] = [];
  /** The site whose timeline is loaded or loading (one fetch per site). */
  let timelineSite: string | null = null;
  return {
    entries: () => timeline,
    site: () => timelineSite,
    /** Loads the site's timeline once per site, after the cookies are on screen. */
    load(site: string | null): void {
      if (site === timelineSite) return;
      timelineSite = site;
      timeline = [];
      if (site === null) return;
      client.getTimeline(site).then(
        (events) => {
          if (timelineSite !== site) return;
          const pushed = timeline; // events pushed while the request was in flight
          const ids = new Set(events.map((e) => e.id));
          timeline = [...events.map(toEntry), ...pushed.filter((e) => !ids.has(e.id))].slice(-TIMELINE_CAP);
          emit({ timeline });
        },
        () => undefined, // the timeline is an extra: the cookies still show
      );
    },
    add(event: TimelineEvent): void {
      if (timeline.some((e) => e.id === event.id)) return;
      timeline = [...timeline, toEntry(event)].slice(-TIMELINE_CAP);
      emit({ timeline });
    },
    clear(): void {
      timeline = [];
      emit({ timeline });
    },
  };
}

/** Who may see the site: its origin (the background's, else the one the panel knows) and the grant. */
function accessFields(s: CookieSnapshot, knownOrigin: string | null): PanelSnapshot['access'] {
  const origin = s.site ?? knownOrigin;
  return { origin, pattern: s.originPattern ?? patternFor(origin), granted: s.access === 'granted' };
}

/** The view fields a cookie snapshot sets. */
function cookieUpdate(s: CookieSnapshot, knownOrigin: string | null): PanelUpdate {
  return {
    url: s.url ?? knownOrigin,
    access: accessFields(s, knownOrigin),
    cookies: s.cookies.map(toRow),
    findings: findingsOf(s),
    findingCount: s.findingCount,
  };
}

/** A cookie decoded: as the background pushed it (session cookies), else asked for. */
async function decodeCookie(client: SessionLensClient, wire: CookieSnapshot | null, cookie: CookieRow): Promise<DecodedView> {
  const pushed = wire?.cookies.find((c) => c.value === cookie.value && cookieId(c) === cookie.id)?.decoded;
  if (pushed?.ok) return toDecoded(pushed.view);
  if (pushed) throw new ProtocolError(isWireErrorCode(pushed.code) ? pushed.code : 'ERR_INTERNAL', pushed.message);
  const site = wire?.site ?? undefined;
  return toDecoded(await client.decode(cookie.value, { cookieName: cookie.name, ...(site ? { site } : {}) }));
}

/**
 * The inspected page's URL, or `null` when it cannot be evaluated. While a page commits,
 * evaluating in it can fail for a moment: only a page that keeps failing is an error page.
 */
async function pollInspectedUrl(inspectedUrl: () => Promise<string | null>, current: () => boolean): Promise<string | null> {
  let url: string | null = null;
  for (let i = 0; i < 4 && url === null && current(); i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 150));
    url = await inspectedUrl().catch(() => null);
  }
  return url;
}

/** A snapshot with one cookie change applied (the cookie replaced, added or removed). */
function withChange(s: CookieSnapshot, push: Extract<PanelPush, { type: 'cookies/changed' }>): CookieSnapshot {
  const id = cookieId(push.cookie);
  const rest = s.cookies.filter((c) => cookieId(c) !== id);
  return { ...s, cookies: push.removed ? rest : [...rest, push.cookie], findingCount: push.findingCount };
}

/** The identity of a cookie: store, partition, domain, path and name (not its value). */
export function cookieId(c: Pick<CookieView, 'storeId' | 'partition' | 'domain' | 'path' | 'name'>): string {
  return `${c.storeId}|${c.partition ?? ''}|${c.domain}|${c.path}|${c.name}`;
}

/** A wire cookie as a table row. */
export function toRow(c: CookieView): CookieRow {
  return {
    id: cookieId(c),
    name: c.name,
    value: c.value,
    domain: c.domain,
    path: c.path,
    expires: c.expires,
    size: c.size,
    httpOnly: c.httpOnly,
    secure: c.secure,
    sameSite: c.sameSite,
    partition: c.partition,
    storeId: c.storeId,
    isSession: c.sessionCookie,
  };
}

function toFinding(f: WireFinding): FindingView {
  return {
    cookie: f.cookie,
    domain: f.domain,
    path: f.path,
    partition: f.partition,
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    fix: f.fix,
    source: f.source,
  };
}

function findingsOf(s: CookieSnapshot): FindingView[] {
  return [...s.cookies.flatMap((c) => c.findings), ...s.dropped].map(toFinding);
}

/**
 * The host permission pattern for an http(s) origin (match patterns take no port).
 *
 * @example
 * patternFor('http://127.0.0.2:8000') // 'http://127.0.0.2/*'
 */
export function patternFor(origin: string | null): string | null {
  if (origin === null) return null;
  try {
    const u = new URL(origin);
    return u.protocol === 'http:' || u.protocol === 'https:' ? `${u.protocol}//${u.hostname}/*` : null;
  } catch {
    return null;
  }
}

function toEntry(e: TimelineEvent): TimelineEntry {
  const entry: TimelineEntry = { id: e.id, at: e.at, kind: e.kind, cookie: e.cookie, domain: e.site, detail: e.detail || undefined };
  if (e.count !== undefined && e.count > 1) {
    entry.count = e.count;
    entry.firstAt = e.firstAt ?? e.at;
  }
  if (e.diff) entry.diff = e.diff;
  if (e.request) entry.request = e.request;
  return entry;
}
