/**
 * The only lib code that touches browser.*: the background service, the runtime transport, and
 * the typed client pages use (the client itself is transport-agnostic).
 *
 * @example
 * import { createBrowserClient } from '../lib/browser/index.ts';
 * const client = createBrowserClient();
 * const stop = client.subscribe(tabId, (push) => render(push));
 */
export { startBackground, type BackgroundHandle, type BackgroundOptions } from './background.ts';
export {
  ClientError,
  createClient,
  type ClientOptions,
  type SessionLensClient,
  type SubscribeOptions,
  type SubscriptionStatus,
} from './client.ts';
export { createBrowserClient, createRuntimeTransport, requestHostPermission } from './runtime-transport.ts';
