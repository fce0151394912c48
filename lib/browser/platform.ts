/**
 * The background's {@link Platform} over `browser.*` (Chrome MV3 and Firefox). This adapter is all
 * the browser-specific code the background has: where the two browsers differ (partitioned
 * cookies, `extraHeaders`, storage.session, containers) it is handled here, and the service in
 * lib/background sees one small interface.
 */
import { browser } from 'wxt/browser';
import type { KeyValueArea, Platform, PlatformEvent } from '../background/index.ts';

/** An event of the WebExtension API (its listener type `L`). */
interface BrowserEvent<L> {
  addListener(listener: L, ...extra: never[]): void;
  removeListener(listener: L): void;
}

/** Turns a browser event into a {@link PlatformEvent}; a missing event (older browser) never fires. */
function adapt<L, A extends unknown[]>(event: BrowserEvent<L> | undefined, wrap: (emit: (...args: A) => void) => L): PlatformEvent<A> {
  return (listener) => {
    if (!event) return () => undefined;
    const l = wrap(listener);
    event.addListener(l);
    return () => event.removeListener(l);
  };
}

/** storage.session where the browser has it (Chrome 102+, Firefox 115+), else storage.local. */
function stateArea(): KeyValueArea {
  const storage: { session?: KeyValueArea; local: KeyValueArea } = browser.storage;
  return storage.session ?? storage.local;
}

type CookieQuery = Parameters<Platform['cookies']['getAll']>[0];

/** `cookies.getAll` with every partition (`partitionKey: {}`) where supported. */
async function getAllCookies(query: CookieQuery) {
  try {
    return await browser.cookies.getAll({ ...query, partitionKey: {} });
  } catch {
    return await browser.cookies.getAll(query);
  }
}

function webRequestOf(): Platform['webRequest'] {
  const webRequest = (browser as { webRequest?: typeof browser.webRequest }).webRequest;
  if (!webRequest) return undefined;
  const filter = { urls: ['<all_urls>'] };
  type HeadersListener = Parameters<typeof webRequest.onHeadersReceived.addListener>[0];
  return {
    onHeadersReceived(listener) {
      const l: HeadersListener = (details) => {
        listener(details);
        return undefined;
      };
      try {
        // Chrome hides Set-Cookie unless 'extraHeaders' is asked for.
        webRequest.onHeadersReceived.addListener(l, filter, ['responseHeaders', 'extraHeaders']);
      } catch {
        // Firefox has no 'extraHeaders' (and shows Set-Cookie without it).
        webRequest.onHeadersReceived.addListener(l, filter, ['responseHeaders']);
      }
      return () => webRequest.onHeadersReceived.removeListener(l);
    },
    onCompleted(listener) {
      const l = (details: { requestId: string }) => listener(details);
      webRequest.onCompleted.addListener(l, filter);
      return () => webRequest.onCompleted.removeListener(l);
    },
    onErrorOccurred(listener) {
      const l = (details: { requestId: string }) => listener(details);
      webRequest.onErrorOccurred.addListener(l, filter);
      return () => webRequest.onErrorOccurred.removeListener(l);
    },
  };
}

/**
 * The platform of the running extension.
 *
 * @example
 * // entrypoints/background.ts
 * export default defineBackground(() => { startService(createBrowserPlatform()); });
 */
export function createBrowserPlatform(): Platform {
  const permissions = (browser as { permissions?: typeof browser.permissions }).permissions;
  const permissionEvents = [permissions?.onAdded, permissions?.onRemoved];
  return {
    cookies: {
      getAll: getAllCookies,
      async storeOfTab(tabId) {
        const stores = await browser.cookies.getAllCookieStores();
        return stores.find((s) => s.tabIds.includes(tabId))?.id;
      },
      async set(details) {
        // Chrome stores `unspecified` as such; Firefox takes no `unspecified` and leaves it unset.
        const { sameSite, ...rest } = details;
        const set = browser.cookies.set as (d: object) => Promise<unknown>;
        await set(sameSite === 'unspecified' && import.meta.env.FIREFOX ? rest : details);
      },
      async remove(details) {
        await browser.cookies.remove(details);
      },
      onChanged: adapt(browser.cookies.onChanged, (emit) => (info) => emit(info)),
    },
    tabs: {
      get: (tabId) => browser.tabs.get(tabId),
      all: () => browser.tabs.query({}),
      async openOptions(hash) {
        await browser.tabs.create({ url: `${browser.runtime.getURL('/options.html')}${hash}` });
      },
      onUpdated: adapt(browser.tabs.onUpdated, (emit) => (tabId, change, tab) => emit(tabId, change, tab)),
      onActivated: adapt(browser.tabs.onActivated, (emit) => (info) => emit(info.tabId)),
      onRemoved: adapt(browser.tabs.onRemoved, (emit) => (tabId) => emit(tabId)),
    },
    storage: {
      local: browser.storage.local,
      state: stateArea(),
      onLocalChanged: adapt(browser.storage.onChanged, (emit) => (changes, area) => {
        if (area === 'local') emit(changes);
      }),
    },
    action: {
      async setBadge(tabId, badge) {
        await browser.action.setBadgeText({ tabId, text: badge.text });
        await browser.action.setBadgeBackgroundColor({ tabId, color: badge.color });
        await browser.action.setTitle({ tabId, title: badge.title });
      },
    },
    permissions: {
      contains: async (origin) => (permissions ? permissions.contains({ origins: [origin] }) : false),
      async request(origin) {
        if (!permissions) throw new Error('No permissions API');
        return permissions.request({ origins: [origin] });
      },
      onChanged(listener) {
        const l = () => listener();
        for (const e of permissionEvents) e?.addListener(l);
        return () => {
          for (const e of permissionEvents) e?.removeListener(l);
        };
      },
    },
    webRequest: webRequestOf(),
    runtime: {
      id: browser.runtime.id,
      onMessage(handler) {
        // sendResponse + `return true` rather than a returned promise: works the same in Chrome,
        // Firefox and the polyfill, and never answers messages that are not ours.
        const l = (message: unknown, sender: { id?: string; tab?: { id?: number }; url?: string }, sendResponse: (response: unknown) => void) => {
          const answer = handler(message, { id: sender.id, tabId: sender.tab?.id, url: sender.url });
          if (!answer) return false;
          void answer.then(sendResponse);
          return true;
        };
        browser.runtime.onMessage.addListener(l);
        return () => browser.runtime.onMessage.removeListener(l);
      },
      onConnect: adapt(browser.runtime.onConnect, (emit) => (port) => emit(port)),
    },
  };
}
