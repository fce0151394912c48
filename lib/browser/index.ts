/**
 * The only lib code that touches browser.*: the background's {@link Platform} over the
 * WebExtension APIs, and the runtime transport pages use to reach the background.
 *
 * @example
 * import { createBrowserClient } from '../lib/browser/index.ts';
 * const client = createBrowserClient();
 * const stop = client.subscribe(tabId, (push) => render(push));
 */
export { createBrowserPlatform } from './platform.ts';
export { createBrowserClient, createRuntimeTransport, requestHostPermission } from './runtime-transport.ts';
