/**
 * What the background service needs from the browser, as one small interface. lib/browser
 * implements it over `browser.*` (Chrome and Firefox); tests implement it with plain objects.
 * Every event is a function that registers a listener and returns its remover, so a fake is a
 * `Set` of callbacks and nothing more.
 *
 * ```
 * entrypoints/background.ts ─▶ lib/browser (adapter: browser.* → Platform)
 *                                   │
 *                                   ▼
 *                    lib/background/service.ts (startService(platform))
 * ```
 */
import type { PortLike } from '../protocol/index.ts';
import type { KeyValueArea } from './site-store.ts';
import type { CookieLike } from './site.ts';

/** Removes the listener it was returned for. */
export type Unsubscribe = () => void;

/** An event source: registers a listener, returns its remover. */
export type PlatformEvent<A extends unknown[]> = (listener: (...args: A) => void) => Unsubscribe;

/** A cookies.getAll filter. */
export interface CookieQuery {
  url?: string;
  domain?: string;
  name?: string;
  storeId?: string;
}

/** A cookies.set call: `url` says where the cookie is sent (scheme, host, path). */
export interface CookieSetDetails {
  url: string;
  name: string;
  value: string;
  /** Absent for a host-only cookie. */
  domain?: string;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite: 'no_restriction' | 'lax' | 'strict' | 'unspecified';
  /** Seconds since the epoch; absent for a browser-session cookie. */
  expirationDate?: number;
  storeId?: string;
  partitionKey?: { topLevelSite: string };
}

/** A cookies.remove call. */
export interface CookieRemoveDetails {
  url: string;
  name: string;
  storeId?: string;
  partitionKey?: { topLevelSite: string };
}

/** Why a cookie changed (the cookies API's OnChangedCause). */
export type CookieChangeCause = 'evicted' | 'expired' | 'explicit' | 'expired_overwrite' | 'overwrite';

/** One cookies.onChanged event. */
export interface CookieChange {
  removed: boolean;
  cause: CookieChangeCause;
  cookie: CookieLike;
}

/** A tab as far as the background reads it (`cookieStoreId` is Firefox's container). */
export interface TabLike {
  id?: number;
  url?: string;
  cookieStoreId?: string;
}

/** What tabs.onUpdated reports. */
export interface TabChange {
  status?: string;
  url?: string;
}

/** Who sent a runtime message. */
export interface MessageSender {
  /** The sending extension's id. */
  id?: string;
  tabId?: number;
  url?: string;
}

/** A response seen by webRequest.onHeadersReceived. */
export interface ResponseHeaders {
  requestId: string;
  tabId: number;
  url: string;
  type?: string;
  /** The request's method (`GET`, `POST` …) and the response's status code. */
  method?: string;
  statusCode?: number;
  responseHeaders?: { name: string; value?: string }[];
}

/** The toolbar badge of one tab. */
export interface BadgeSpec {
  text: string;
  color: string;
  title: string;
}

/**
 * Answers a runtime message: a promise of the response, or `undefined` when the message is not
 * ours (then another listener may answer it).
 */
export type MessageHandler = (message: unknown, sender: MessageSender) => Promise<unknown> | undefined;

/** The browser, as the background service sees it. */
export interface Platform {
  cookies: {
    /** Cookies matching the query, partitioned (CHIPS) ones included where the browser can. */
    getAll(query: CookieQuery): Promise<CookieLike[]>;
    /** The cookie store a tab uses, when the browser says. */
    storeOfTab(tabId: number): Promise<string | undefined>;
    /** Writes a cookie (host access to its URL needed); rejects with the browser's reason. */
    set(details: CookieSetDetails): Promise<void>;
    /** Removes a cookie; resolves whether or not there was one. */
    remove(details: CookieRemoveDetails): Promise<void>;
    onChanged: PlatformEvent<[change: CookieChange]>;
  };
  tabs: {
    /** Rejects when the tab does not exist. */
    get(tabId: number): Promise<TabLike>;
    all(): Promise<TabLike[]>;
    /** Opens the options page in a new tab, with a `#hash` (e.g. `#grant=…`). */
    openOptions(hash: string): Promise<void>;
    onUpdated: PlatformEvent<[tabId: number, change: TabChange, tab: TabLike | undefined]>;
    onActivated: PlatformEvent<[tabId: number]>;
    onRemoved: PlatformEvent<[tabId: number]>;
  };
  storage: {
    /** storage.local: the settings (secret keys included; never synced). */
    local: KeyValueArea;
    /** Per-site state: storage.session where the browser has it, else storage.local. */
    state: KeyValueArea;
    /** Changes to storage.local items. */
    onLocalChanged: PlatformEvent<[changes: Record<string, { newValue?: unknown }>]>;
  };
  action: {
    setBadge(tabId: number, badge: BadgeSpec): Promise<void>;
  };
  permissions: {
    contains(origin: string): Promise<boolean>;
    /** Shows the browser's prompt; rejects when it cannot be shown from here (no user gesture). */
    request(origin: string): Promise<boolean>;
    /** Host access was granted or removed. */
    onChanged: PlatformEvent<[]>;
  };
  /** Absent where the browser gives no webRequest (then dropped cookies are not seen). */
  webRequest?: {
    /** Responses with their headers, Set-Cookie included. */
    onHeadersReceived: PlatformEvent<[details: ResponseHeaders]>;
    onCompleted: PlatformEvent<[details: { requestId: string }]>;
    onErrorOccurred: PlatformEvent<[details: { requestId: string }]>;
  };
  runtime: {
    /** This extension's id: messages from other extensions are not answered. */
    id: string;
    onMessage(handler: MessageHandler): Unsubscribe;
    onConnect: PlatformEvent<[port: PortLike]>;
  };
}
