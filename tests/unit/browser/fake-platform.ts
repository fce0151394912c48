/**
 * The parts of the WebExtension API that WXT's fakeBrowser leaves unimplemented — cookies (with
 * Chrome's change events), permissions, webRequest and runtime ports — added to fakeBrowser so the
 * real background (lib/background's service on lib/browser/platform.ts) runs unchanged in tests.
 */
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { vi } from 'vitest';
import { createPortPair } from '../../support/memory-transport.ts';
import type { CookieLike } from '../../../lib/background/site.ts';
import type { MessageTransport, PortLike, RequestMessage } from '../../../lib/protocol/index.ts';

type Cb = (...args: never[]) => unknown;

/** An event with a `trigger`, like fakeBrowser's own. */
export function fakeEvent() {
  const listeners: Cb[] = [];
  return {
    listeners,
    addListener: (cb: Cb) => void listeners.push(cb),
    removeListener: (cb: Cb) => {
      const i = listeners.indexOf(cb);
      if (i >= 0) listeners.splice(i, 1);
    },
    hasListener: (cb: Cb) => listeners.includes(cb),
    hasListeners: () => listeners.length > 0,
    async trigger(...args: unknown[]) {
      return Promise.all(listeners.map((l) => (l as (...a: unknown[]) => unknown)(...args)));
    },
  };
}

function hostMatch(c: CookieLike, host: string): boolean {
  const d = c.domain.replace(/^\./, '');
  return c.hostOnly ? host === d : host === d || host.endsWith(`.${d}`);
}

function idOf(c: Pick<CookieLike, 'storeId' | 'domain' | 'path' | 'name' | 'partitionKey'>): string {
  return [c.storeId, c.partitionKey?.topLevelSite ?? '', c.domain, c.path, c.name].join('|');
}

/** A cookie jar behaving like Chrome's: overwrite = removed(overwrite) then added(explicit). */
export class FakeJar {
  readonly cookies = new Map<string, CookieLike>();
  readonly onChanged = fakeEvent();

  static cookie(partial: Partial<CookieLike> & { name: string; value: string; domain: string }): CookieLike {
    return {
      hostOnly: !partial.domain.startsWith('.'),
      path: '/',
      secure: false,
      httpOnly: true,
      sameSite: 'lax',
      session: partial.expirationDate === undefined,
      storeId: '0',
      ...partial,
    };
  }

  /** Sets a cookie as a response would; an expiry in the past deletes it (expired_overwrite). */
  async set(partial: Partial<CookieLike> & { name: string; value: string; domain: string }, nowSeconds = Date.now() / 1000): Promise<void> {
    const c = FakeJar.cookie(partial);
    const id = idOf(c);
    const old = this.cookies.get(id);
    if (c.expirationDate !== undefined && c.expirationDate <= nowSeconds) {
      if (old) {
        this.cookies.delete(id);
        await this.onChanged.trigger({ removed: true, cause: 'expired_overwrite', cookie: old });
      }
      return;
    }
    if (old) await this.onChanged.trigger({ removed: true, cause: 'overwrite', cookie: old });
    this.cookies.set(id, c);
    await this.onChanged.trigger({ removed: false, cause: 'explicit', cookie: c });
  }

  async remove(name: string, domain: string, cause: 'explicit' | 'expired' | 'evicted' = 'explicit'): Promise<void> {
    for (const [id, c] of this.cookies) {
      if (c.name === name && c.domain === domain) {
        this.cookies.delete(id);
        await this.onChanged.trigger({ removed: true, cause, cookie: c });
      }
    }
  }

  getAll(details: { url?: string; domain?: string; name?: string; storeId?: string }): CookieLike[] {
    return [...this.cookies.values()].filter((c) => {
      if (details.name !== undefined && c.name !== details.name) return false;
      if (details.storeId !== undefined && c.storeId !== details.storeId) return false;
      if (details.domain !== undefined) {
        const d = details.domain.replace(/^\./, '');
        const cd = c.domain.replace(/^\./, '');
        if (cd !== d && !cd.endsWith(`.${d}`)) return false;
      }
      if (details.url !== undefined) {
        const u = new URL(details.url);
        if (!hostMatch(c, u.hostname)) return false;
        if (c.secure && u.protocol !== 'https:') return false;
        if (!u.pathname.startsWith(c.path)) return false;
      }
      return true;
    });
  }
}

/** Host patterns the fake grants (install-time: localhost and 127.0.0.1). */
export class FakePermissions {
  readonly origins = new Set(['http://localhost/*', 'http://127.0.0.1/*']);
  readonly onAdded = fakeEvent();
  readonly onRemoved = fakeEvent();
  /** What the next permissions.request answers (a user clicking Allow / Deny). */
  answer = true;

  async grant(origin: string): Promise<void> {
    this.origins.add(origin);
    await this.onAdded.trigger({ origins: [origin] });
  }
}

/** Everything installed, for a test to drive. */
export interface FakePlatform {
  jar: FakeJar;
  permissions: FakePermissions;
  webRequest: { onHeadersReceived: ReturnType<typeof fakeEvent>; onCompleted: ReturnType<typeof fakeEvent>; onErrorOccurred: ReturnType<typeof fakeEvent> };
  onConnect: ReturnType<typeof fakeEvent>;
  /** The runtime transport a page would use, over fakeBrowser's runtime. */
  transport: MessageTransport;
  /** Simulates the worker stopping: server ends of all ports disconnect. */
  dropPorts(): void;
}

/**
 * Resets fakeBrowser and installs the fakes. Call in beforeEach.
 *
 * @example
 * beforeEach(() => { platform = installFakePlatform(); });
 */
export function installFakePlatform(): FakePlatform {
  fakeBrowser.reset();
  const jar = new FakeJar();
  const permissions = new FakePermissions();
  const webRequest = { onHeadersReceived: fakeEvent(), onCompleted: fakeEvent(), onErrorOccurred: fakeEvent() };
  const onConnect = fakeEvent();
  const servers = new Set<PortLike>();
  const b = fakeBrowser as unknown as Record<string, Record<string, unknown>>;
  b.cookies = {
    getAll: vi.fn(async (d: Parameters<FakeJar['getAll']>[0]) => jar.getAll(d)),
    getAllCookieStores: vi.fn(async () => [{ id: '0', tabIds: (await fakeBrowser.tabs.query({})).map((t) => t.id) }]),
    onChanged: jar.onChanged,
  };
  b.permissions = {
    contains: vi.fn(async ({ origins }: { origins: string[] }) => origins.every((o) => permissions.origins.has(o))),
    request: vi.fn(async ({ origins }: { origins: string[] }) => {
      if (!permissions.answer) return false;
      for (const o of origins) await permissions.grant(o);
      return true;
    }),
    onAdded: permissions.onAdded,
    onRemoved: permissions.onRemoved,
  };
  b.webRequest = webRequest;
  b.runtime!.onConnect = onConnect;
  const transport: MessageTransport = {
    request: (message: RequestMessage) => fakeBrowser.runtime.sendMessage(message),
    connect(name) {
      const [client, server] = createPortPair(name);
      servers.add(server);
      void onConnect.trigger(server);
      return client;
    },
  };
  return {
    jar,
    permissions,
    webRequest,
    onConnect,
    transport,
    dropPorts() {
      for (const s of servers) s.disconnect();
      servers.clear();
    },
  };
}
