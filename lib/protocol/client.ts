/**
 * The typed client pages use to talk to the background. It takes a {@link MessageTransport}
 * (the runtime one in the extension, the in-memory one in tests), validates every response and
 * push with zod, and throws a {@link ProtocolError} for `{ ok: false }` answers. Preact hooks get a
 * client through props or context, so components never touch browser.*.
 */
import {
  parseResponse,
  type MessageTransport,
  type RequestMessage,
  type RequestParams,
  type RequestType,
  type ResponseData,
} from './messages.ts';
import type { KeyFamily } from './key-families.ts';
import type { CompanionListView, CompanionWriteView } from './companion-views.ts';
import { panelPortName, parsePanelPush, type PanelPush } from './pushes.ts';
import type { CompanionLookupView, CompanionStatus, PolicyCatalog, PolicyValidation, SettingsPatch, SettingsView } from './settings.ts';
import type { CookieSnapshot, DecodeView, TimelineEvent } from './views.ts';
import { ProtocolError, isWireErrorCode, type PortLike } from './wire.ts';

/** Connection state of a subscription. */
export type SubscriptionStatus = 'connecting' | 'connected' | 'disconnected';

/** Options of {@link SessionLensClient.subscribe}. */
export interface SubscribeOptions {
  /** Called when the port connects, drops, or reconnects. */
  onStatus?: (status: SubscriptionStatus) => void;
  /** Delay before reconnecting after the background went away, ms (default 250). */
  reconnectDelay?: number;
}

/** Typed calls for every request, plus live pushes. */
export interface SessionLensClient {
  request<T extends RequestType>(type: T, params: RequestParams<T>): Promise<ResponseData<T>>;
  /** The state of a tab's site; `url` is the inspected page's URL when the caller knows it (the DevTools panel). */
  listCookies(tabId: number, url?: string): Promise<CookieSnapshot>;
  decode(value: string, options?: { cookieName?: string; site?: string }): Promise<DecodeView>;
  getTimeline(site: string): Promise<TimelineEvent[]>;
  clearTimeline(site: string): Promise<void>;
  getSettings(): Promise<SettingsView>;
  setSettings(patch: SettingsPatch): Promise<SettingsView>;
  /** Stores a key for a family (Django's when not given); Phoenix keys take their salts. */
  addKey(key: string, label?: string, family?: KeyFamily, salts?: readonly string[]): Promise<SettingsView>;
  removeKey(id: string): Promise<SettingsView>;
  checkPermission(origin: string): Promise<boolean>;
  /** Asks for host access to an origin pattern. Call from a user gesture (a click). */
  requestPermission(origin: string): Promise<boolean>;
  lookupSession(key: string): Promise<CompanionLookupView>;
  testCompanion(options?: { url?: string; token?: string }): Promise<CompanionStatus>;
  /** The companion's latest sessions, optionally only one user's. */
  listCompanionSessions(query?: { limit?: number; userId?: string }): Promise<CompanionListView>;
  /** Rewrites a session's data on the companion (`json`: the whole dict, exact JSON text). */
  updateCompanionSession(key: string, json: string): Promise<CompanionWriteView>;
  /** Deletes a session on the companion: that user is logged out. */
  deleteCompanionSession(key: string): Promise<CompanionWriteView>;
  /** Validates any JSON as a policy with lib/policy (in the background). */
  validatePolicy(policy: unknown): Promise<PolicyValidation>;
  /** The built-in presets and the rules. */
  policyCatalog(): Promise<PolicyCatalog>;
  /**
   * Receives the background's pushes for a tab over the `panel:<tabId>` port; reconnects when the
   * background restarts (a fresh `cookies/snapshot` follows every connect). Returns unsubscribe.
   */
  subscribe(tabId: number, listener: (push: PanelPush) => void, options?: SubscribeOptions): () => void;
}

/** Extra behaviour the runtime client plugs in. */
export interface ClientOptions {
  /**
   * Asks for a permission directly in the page (keeps the user gesture). Return `undefined` when
   * the page cannot (no permissions API), so the background is asked instead.
   */
  requestPermission?: (origin: string) => Promise<boolean | undefined>;
}

/**
 * Creates a client over a transport.
 *
 * @example
 * const client = createClient(createRuntimeTransport());
 * const { cookies } = await client.listCookies(tabId);
 * const stop = client.subscribe(tabId, (push) => console.log(push.type));
 */
export function createClient(transport: MessageTransport, options: ClientOptions = {}): SessionLensClient {
  async function request<T extends RequestType>(type: T, params: RequestParams<T>): Promise<ResponseData<T>> {
    let raw: unknown;
    try {
      raw = await transport.request({ type, ...params } as RequestMessage);
    } catch (e) {
      throw new ProtocolError('ERR_TRANSPORT', `Cannot reach the background: ${e instanceof Error ? e.message : String(e)}`);
    }
    const res = parseResponse(type, raw);
    if (!res.ok) throw new ProtocolError(isWireErrorCode(res.code) ? res.code : 'ERR_BAD_RESPONSE', res.message);
    return res.data;
  }

  return {
    request,
    listCookies: (tabId, url) => request('cookies/list', url === undefined ? { tabId } : { tabId, url }),
    decode: (value, o = {}) => request('session/decode', { value, ...o }),
    getTimeline: async (site) => (await request('timeline/get', { site })).events,
    clearTimeline: async (site) => void (await request('timeline/clear', { site })),
    getSettings: () => request('settings/get', {}),
    setSettings: (patch) => request('settings/set', patch),
    addKey: (key, label = '', family = 'django', salts) => request('keys/add', salts?.length ? { key, label, family, salts: [...salts] } : { key, label, family }),
    removeKey: (id) => request('keys/remove', { id }),
    checkPermission: async (origin) => (await request('permissions/check', { origin })).granted,
    async requestPermission(origin) {
      const direct = await options.requestPermission?.(origin);
      if (direct !== undefined) return direct;
      return (await request('permissions/request', { origin })).granted;
    },
    lookupSession: (key) => request('companion/lookup', { key }),
    testCompanion: (o = {}) => request('companion/test', o),
    listCompanionSessions: (q = {}) => request('companion/list', q),
    updateCompanionSession: (key, json) => request('companion/update', { key, json }),
    deleteCompanionSession: (key) => request('companion/delete', { key }),
    validatePolicy: (policy) => request('policy/validate', { policy }),
    policyCatalog: () => request('policy/catalog', {}),
    subscribe(tabId, listener, o = {}) {
      let stopped = false;
      let port: PortLike | null = null;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onMessage = (raw: unknown) => {
        const push = parsePanelPush(raw);
        if (push) listener(push);
      };
      const onDisconnect = () => {
        port = null;
        if (stopped) return;
        o.onStatus?.('disconnected');
        timer = setTimeout(connect, o.reconnectDelay ?? 250);
      };
      function connect() {
        if (stopped) return;
        o.onStatus?.('connecting');
        try {
          port = transport.connect(panelPortName(tabId));
        } catch {
          onDisconnect();
          return;
        }
        port.onMessage.addListener(onMessage);
        port.onDisconnect.addListener(onDisconnect);
        o.onStatus?.('connected');
      }
      connect();
      return () => {
        stopped = true;
        clearTimeout(timer);
        const p = port;
        port = null;
        if (p) {
          p.onMessage.removeListener(onMessage);
          p.onDisconnect.removeListener(onDisconnect);
          p.disconnect();
        }
      };
    },
  };
}
