/**
 * The real transport: runtime.sendMessage for requests and runtime.connect for panel ports.
 */
import { browser } from 'wxt/browser';
import { createClient, type MessageTransport, type SessionLensClient } from '../protocol/index.ts';

/**
 * A transport over the extension runtime.
 *
 * @example
 * const transport = createRuntimeTransport();
 * await transport.request({ type: 'settings/get' });
 */
export function createRuntimeTransport(): MessageTransport {
  return {
    request: (message) => browser.runtime.sendMessage(message),
    connect: (name) => browser.runtime.connect({ name }),
  };
}

/**
 * Asks for host access in the page itself (keeps the click's user gesture). `undefined` when this
 * page has no permissions API (Firefox DevTools panels), so the client asks the background instead.
 *
 * @example
 * await requestHostPermission('https://example.com/*') // true when the user allowed it
 */
export async function requestHostPermission(origin: string): Promise<boolean | undefined> {
  const permissions = (browser as { permissions?: typeof browser.permissions }).permissions;
  if (!permissions?.request) return undefined;
  try {
    return await permissions.request({ origins: [origin] });
  } catch {
    return undefined;
  }
}

/**
 * The client extension pages use: runtime transport, permission requests from the page.
 *
 * @example
 * const client = createBrowserClient();
 * render(<App client={client} tabId={tabId} />, root);
 */
export function createBrowserClient(): SessionLensClient {
  return createClient(createRuntimeTransport(), { requestPermission: requestHostPermission });
}
