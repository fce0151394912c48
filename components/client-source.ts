/**
 * The panel's {@link PanelSource} over the background client: one `cookies/list` + `timeline/get`
 * to load, then the `panel:<tabId>` port's pushes applied to a local copy (no polling). Maps the
 * wire types (lib/protocol) onto the components' view models. Session cookies arrive decoded (the
 * background decodes each once per change, with the stored keys); other values are decoded on
 * request. Shared by the DevTools panel and the decode page; entrypoints only wire it.
 */
import { isSessionObject, parseExactJson, type SessionValue } from '../lib/codec/index.ts';
import {
  ProtocolError,
  isWireErrorCode,
  type CookieSnapshot,
  type CookieView,
  type DecodeView,
  type FindingView as WireFinding,
  type PanelPush,
  type SessionLensClient,
  type TimelineEvent,
} from '../lib/protocol/index.ts';
import type { PanelSource, PanelUpdate } from './panel-source.ts';
import type {
  CompanionView,
  CookieRow,
  DecodedView,
  FindingView,
  PanelSnapshot,
  SignatureView,
  TimelineEntry,
} from './view-model.ts';

/** Most timeline entries the panel keeps in memory (the background keeps its own bounded log). */
const TIMELINE_CAP = 500;

/** Extra actions the entry provides (they need browser.* and so live outside the components). */
export interface PanelSourceOptions {
  openFullWindow?: () => void;
  openDecoder?: () => void;
  openOptions?: (section?: 'keys') => void;
  /**
   * The inspected page's origin as DevTools sees it. Without host access the background cannot
   * read a tab's URL, so the panel supplies it to offer the one-click grant for that site.
   */
  inspectedOrigin?: () => Promise<string | null>;
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
  let timeline: TimelineEntry[] = [];
  /** The site whose timeline is loaded or loading (one fetch per site). */
  let timelineSite: string | null = null;
  /** `load()` calls waiting for the first snapshot (a reply or the push that follows connect). */
  let waiting: ((s: CookieSnapshot) => void)[] = [];
  const listeners = new Set<(u: PanelUpdate) => void>();
  let unsubscribe: (() => void) | null = null;

  const emit = (u: PanelUpdate) => {
    for (const l of [...listeners]) l(u);
  };
  const accessOf = (s: CookieSnapshot) => {
    const origin = s.site ?? knownOrigin;
    return { origin, pattern: s.originPattern ?? patternFor(origin), granted: s.access === 'granted' };
  };
  const cookieFields = (s: CookieSnapshot): PanelUpdate => ({
    url: s.url ?? knownOrigin,
    access: accessOf(s),
    cookies: s.cookies.map(toRow),
    findings: findingsOf(s),
    findingCount: s.findingCount,
  });

  /** Loads the site's timeline once per site, after the cookies are on screen. */
  function loadTimeline(site: string | null): void {
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
  }

  function setSnapshot(s: CookieSnapshot): void {
    wire = s;
    const w = waiting;
    waiting = [];
    for (const resolve of w) resolve(s);
    emit(cookieFields(s));
    if (s.site !== timelineSite) {
      loadTimeline(s.site);
      emit({ timeline });
    }
  }

  function onPush(push: PanelPush): void {
    switch (push.type) {
      case 'cookies/snapshot':
        if (push.snapshot.tabId === tabId) setSnapshot(push.snapshot);
        return;
      case 'cookies/changed':
        if (!wire || push.site !== wire.site) return;
        wire = withChange(wire, push);
        emit(cookieFields(wire));
        return;
      case 'timeline/event': {
        if (wire && push.event.site !== wire.site) return;
        if (timeline.some((e) => e.id === push.event.id)) return;
        timeline = [...timeline, toEntry(push.event)].slice(-TIMELINE_CAP);
        emit({ timeline });
        return;
      }
      case 'findings':
        if (!wire || push.site !== wire.site) return;
        wire = { ...wire, dropped: push.dropped, findingCount: push.findingCount };
        emit({ findings: findingsOf(wire), findingCount: push.findingCount });
        return;
      case 'access/changed':
        if (!wire) return;
        wire = { ...wire, access: push.access };
        emit({ access: accessOf(wire) });
        if (push.access === 'granted') void reload();
        return;
    }
  }

  async function reload(): Promise<void> {
    try {
      setSnapshot(await client.listCookies(tabId));
    } catch {
      // a push will bring the next state
    }
  }

  return {
    /**
     * The first snapshot: the `cookies/list` reply or the push the background sends on connect,
     * whichever comes first. The timeline follows as an update.
     */
    async load(): Promise<PanelSnapshot> {
      const s = await new Promise<CookieSnapshot>((resolve, reject) => {
        waiting.push(resolve);
        client.listCookies(tabId).then(resolve, reject);
      });
      if (wire === null || wire === s || wire.site !== s.site) wire = s;
      if (wire.site === null && wire.access === 'missing' && options.inspectedOrigin) {
        knownOrigin = await options.inspectedOrigin().catch(() => null);
      }
      loadTimeline(wire.site);
      return { ...(cookieFields(wire) as Omit<PanelSnapshot, 'timeline'>), timeline };
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!unsubscribe) unsubscribe = client.subscribe(tabId, onPush);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && unsubscribe) {
          unsubscribe();
          unsubscribe = null;
        }
      };
    },
    async decode(cookie: CookieRow): Promise<DecodedView> {
      const pushed = wire?.cookies.find((c) => c.value === cookie.value && cookieId(c) === cookie.id)?.decoded;
      if (pushed?.ok) return toDecoded(pushed.view);
      if (pushed) throw new ProtocolError(isWireErrorCode(pushed.code) ? pushed.code : 'ERR_INTERNAL', pushed.message);
      const site = wire?.site ?? undefined;
      return toDecoded(await client.decode(cookie.value, { cookieName: cookie.name, ...(site ? { site } : {}) }));
    },
    companion: (key: string) => lookupCompanion(client, key),
    async requestAccess(pattern: string): Promise<boolean> {
      const granted = await client.requestPermission(pattern);
      if (granted) await reload();
      return granted;
    },
    async clearTimeline(): Promise<void> {
      const site = wire?.site;
      if (!site) return;
      await client.clearTimeline(site);
      timeline = [];
      emit({ timeline });
    },
    openFullWindow: options.openFullWindow,
    openDecoder: options.openDecoder,
    openOptions: options.openOptions,
  };
}

/** A snapshot with one cookie change applied (the cookie replaced, added or removed). */
function withChange(s: CookieSnapshot, push: Extract<PanelPush, { type: 'cookies/changed' }>): CookieSnapshot {
  const id = cookieId(push.cookie);
  const rest = s.cookies.filter((c) => cookieId(c) !== id);
  return { ...s, cookies: push.removed ? rest : [...rest, push.cookie], findingCount: push.findingCount };
}

/** The companion's server-side data for an opaque session key, as the panel shows it. */
async function lookupCompanion(client: SessionLensClient, key: string): Promise<CompanionView> {
  try {
    const r = await client.lookupSession(key);
    return {
      status: 'up',
      session: {
        key: r.key,
        found: r.found,
        store: r.store ?? undefined,
        expireDate: r.expireDate,
        expired: r.expired ?? undefined,
        verified: r.verified,
        data: r.json === null ? null : reviveJson(r.json),
      },
    };
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
    if (code === 'ERR_NOT_CONFIGURED') return { status: 'off' };
    return { status: 'down', message: e instanceof Error ? e.message : String(e) };
  }
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
  return { id: e.id, at: e.at, kind: e.kind, cookie: e.cookie, domain: e.site, detail: e.detail || undefined };
}

/** A wire decode result as the panel's view. */
export function toDecoded(d: DecodeView): DecodedView {
  const details = d.details ? reviveJson(d.details) : undefined;
  return {
    format: d.format,
    data: reviveJson(d.json),
    signature: toSignature(d),
    timestamp: d.timestamp,
    compressed: d.compressed,
    serializer: d.serializer,
    details: isSessionObject(details) ? details : undefined,
  };
}

function toSignature(d: DecodeView): SignatureView {
  switch (d.signature) {
    case 'verified':
      return { state: 'verified', keyIndex: d.keyIndex ?? 0, keyLabel: d.keyLabel, salt: d.salt, algorithm: d.algorithm };
    case 'bad':
      return { state: 'bad', message: d.error?.message ?? 'Signature does not match' };
    case 'expired':
      return { state: 'expired', message: d.error?.message ?? 'Signature has expired' };
    case 'unverified':
      return { state: 'unverified' };
    case 'none':
      return { state: 'none' };
  }
}

/** The codec's exact JSON text back as session values (bigints, floats, tuples, key order kept). */
export function reviveJson(text: string): SessionValue {
  return parseExactJson(text);
}
