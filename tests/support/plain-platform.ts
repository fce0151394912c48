/**
 * A {@link Platform} made of plain objects, for testing the background service without any
 * browser or WebExtension fake: a cookie jar, tabs, two storage areas, granted origins, badges
 * and the events the service listens to, each a `Set` of listeners a test fires by hand.
 */
import type { BadgeSpec, CookieChange, CookieLike, CookieSetDetails, Platform, PlatformEvent, ResponseHeaders, TabLike } from '../../lib/background/index.ts';
import { createClient, type PortLike, type SessionLensClient } from '../../lib/protocol/index.ts';
import { createPortPair } from './memory-transport.ts';

/** An event a test fires. */
export interface Emitter<A extends unknown[]> {
  on: PlatformEvent<A>;
  emit(...args: A): void;
  size(): number;
}

/** Creates an event a test fires by hand. */
export function emitter<A extends unknown[]>(): Emitter<A> {
  const listeners = new Set<(...args: A) => void>();
  return {
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (...args) => {
      for (const l of [...listeners]) l(...args);
    },
    size: () => listeners.size,
  };
}

function area() {
  const items = new Map<string, unknown>();
  return {
    items,
    async get(keys: string[]) {
      return Object.fromEntries(keys.filter((k) => items.has(k)).map((k) => [k, structuredClone(items.get(k))]));
    },
    async set(values: Record<string, unknown>) {
      for (const [k, v] of Object.entries(values)) items.set(k, structuredClone(v));
    },
    async remove(keys: string[]) {
      for (const k of keys) items.delete(k);
    },
  };
}

/** A cookie with Chrome's defaults for what the test leaves out. */
export function cookie(partial: Partial<CookieLike> & { name: string; value: string; domain: string }): CookieLike {
  return { hostOnly: true, path: '/', secure: false, httpOnly: true, sameSite: 'lax', session: true, storeId: '0', ...partial };
}

/** Everything a test drives, plus the platform to start the service on. */
export interface PlainPlatform {
  platform: Platform;
  jar: CookieLike[];
  tabs: Map<number, TabLike>;
  local: ReturnType<typeof area>;
  state: ReturnType<typeof area>;
  granted: Set<string>;
  badges: Map<number, BadgeSpec>;
  opened: string[];
  /** How many times the jar was read. */
  reads: { count: number };
  events: {
    cookieChanged: Emitter<[CookieChange]>;
    tabUpdated: Emitter<[number, { status?: string; url?: string }, TabLike | undefined]>;
    permissionsChanged: Emitter<[]>;
    headers: Emitter<[ResponseHeaders]>;
    completed: Emitter<[{ requestId: string }]>;
    connect: Emitter<[PortLike]>;
    message: { handler: ((message: unknown, sender: { id?: string }) => Promise<unknown> | undefined) | null };
  };
  /** Sets a cookie and reports the change, as the browser would. */
  setCookie(c: CookieLike): void;
  /** Every cookies.set call the background made. */
  writes: CookieSetDetails[];
}

/**
 * A fresh plain platform: tab 1 shows `http://localhost:8000/`, localhost is granted.
 *
 * @example
 * const p = plainPlatform();
 * const bg = startService(p.platform);
 */
export function plainPlatform(): PlainPlatform {
  const jar: CookieLike[] = [];
  const tabs = new Map<number, TabLike>([[1, { id: 1, url: 'http://localhost:8000/' }]]);
  const local = area();
  const state = area();
  const granted = new Set(['http://localhost/*']);
  const badges = new Map<number, BadgeSpec>();
  const opened: string[] = [];
  const reads = { count: 0 };
  const writes: CookieSetDetails[] = [];
  function setCookie(c: CookieLike): void {
    const i = jar.findIndex((o) => o.name === c.name && o.domain === c.domain && o.path === c.path);
    if (i >= 0) {
      const [old] = jar.splice(i, 1);
      events.cookieChanged.emit({ removed: true, cause: 'overwrite', cookie: old! });
    }
    jar.push(c);
    events.cookieChanged.emit({ removed: false, cause: 'explicit', cookie: c });
  }
  const events = {
    cookieChanged: emitter<[CookieChange]>(),
    tabUpdated: emitter<[number, { status?: string; url?: string }, TabLike | undefined]>(),
    permissionsChanged: emitter<[]>(),
    headers: emitter<[ResponseHeaders]>(),
    completed: emitter<[{ requestId: string }]>(),
    connect: emitter<[PortLike]>(),
    message: { handler: null as PlainPlatform['events']['message']['handler'] },
  };
  const localChanged = emitter<[Record<string, { newValue?: unknown }>]>();
  const never = emitter<never[]>();
  const platform: Platform = {
    cookies: {
      async getAll(q) {
        reads.count++;
        return jar.filter((c) => (q.name === undefined || c.name === q.name) && (q.domain === undefined || c.domain.replace(/^\./, '') === q.domain) && (q.url === undefined || new URL(q.url).hostname === c.domain.replace(/^\./, '')));
      },
      storeOfTab: async () => '0',
      async set(d) {
        writes.push(d);
        const host = new URL(d.url).hostname;
        const c: CookieLike = {
          name: d.name,
          value: d.value,
          domain: d.domain ?? host,
          hostOnly: d.domain === undefined,
          path: d.path,
          secure: d.secure,
          httpOnly: d.httpOnly,
          sameSite: d.sameSite,
          session: d.expirationDate === undefined,
          storeId: d.storeId ?? '0',
          ...(d.expirationDate !== undefined ? { expirationDate: d.expirationDate } : {}),
          ...(d.partitionKey ? { partitionKey: d.partitionKey } : {}),
        };
        setCookie(c);
      },
      async remove(d) {
        const host = new URL(d.url).hostname;
        const i = jar.findIndex((c) => c.name === d.name && c.domain.replace(/^\./, '') === host && (d.storeId === undefined || c.storeId === d.storeId) && new URL(d.url).pathname.startsWith(c.path));
        if (i < 0) return;
        const [old] = jar.splice(i, 1);
        events.cookieChanged.emit({ removed: true, cause: 'explicit', cookie: old! });
      },
      onChanged: events.cookieChanged.on,
    },
    tabs: {
      async get(tabId) {
        const t = tabs.get(tabId);
        if (!t) throw new Error(`No tab with id: ${tabId}`);
        return t;
      },
      all: async () => [...tabs.values()],
      async openOptions(hash) {
        opened.push(`/options.html${hash}`);
      },
      onUpdated: events.tabUpdated.on,
      onActivated: never.on,
      onRemoved: never.on,
    },
    storage: { local, state, onLocalChanged: localChanged.on },
    action: {
      async setBadge(tabId, badge) {
        badges.set(tabId, badge);
      },
    },
    permissions: {
      contains: async (origin) => granted.has(origin),
      async request() {
        throw new Error('This function must be called during a user gesture');
      },
      onChanged: events.permissionsChanged.on,
    },
    webRequest: { onHeadersReceived: events.headers.on, onCompleted: events.completed.on, onErrorOccurred: never.on },
    runtime: {
      id: 'session-lens-test',
      onMessage(handler) {
        events.message.handler = handler;
        return () => {
          events.message.handler = null;
        };
      },
      onConnect: events.connect.on,
    },
  };
  return {
    platform,
    jar,
    tabs,
    local,
    state,
    granted,
    badges,
    opened,
    reads,
    events,
    setCookie,
    writes,
  };
}

/**
 * A client of the service running on a plain platform, as a page would talk to it: every request
 * and answer goes through JSON (nothing structured-cloned), ports are in-memory pairs.
 *
 * @example
 * const client = plainClient(p);
 * await client.addKey(SECRET);
 */
export function plainClient(p: PlainPlatform): SessionLensClient {
  return createClient({
    request: async (message) => JSON.parse(JSON.stringify(await p.events.message.handler!(JSON.parse(JSON.stringify(message)), {}))),
    connect(name) {
      const [clientEnd, serverEnd] = createPortPair(name);
      p.events.connect.emit(serverEnd);
      return clientEnd;
    },
  });
}
