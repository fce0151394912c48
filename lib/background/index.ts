/**
 * The background's pure logic (no browser.*): message routing, panel ports, the session timeline,
 * per-site state, cookie views and findings, dropped cookies, the badge, settings, decoding and
 * the companion client. lib/browser/background.ts wires it to the WebExtension APIs.
 *
 * @example
 * import { createRouter, createPortHub, createMemoryTransport } from '../lib/background/index.ts';
 */
export { BADGE_COLORS, computeBadge, type BadgeState } from './badge.ts';
export { COMPANION_TIMEOUT_MS, lookupSession, testCompanion, type CompanionConfig } from './companion.ts';
export { isSessionCookie, toCookieView, toCookieViews, toFindingView, type ViewContext } from './cookie-view.ts';
export { decodeToView, sessionFacts, signatureState, toDecodeView, type DecodeContext } from './decode-view.ts';
export { MAX_DROPPED_PER_SITE, cookiesToStore, dropReason, droppedFindings, isStored, mergeDropped } from './dropped.ts';
export { createMemoryTransport, createPortPair, type MemoryBackend } from './memory-transport.ts';
export { createPortHub, type PortHub } from './port-hub.ts';
export { ProtocolError, createRouter, errorToWire, type Handlers, type RequestContext, type Router } from './router.ts';
export {
  MAX_KEYS,
  SETTINGS_STORAGE_KEY,
  SettingsError,
  StoredSettingsSchema,
  addKey,
  applyPatch,
  defaultSettings,
  maskKey,
  readSettings,
  removeKey,
  settingsView,
  storeSettings,
  type Settings,
} from './settings.ts';
export { MAX_SITES, createSiteStore, type KeyValueArea, type SiteStore } from './site-store.ts';
export { cookieId, cookieMatchesHost, originPatternOf, siteOf, timelineKeys, type CookieLike } from './site.ts';
export {
  MAX_EVENTS_PER_SITE,
  MAX_KNOWN_PER_SITE,
  ROTATION_WINDOW_MS,
  applyChange,
  emptyTimeline,
  type SessionCookieChange,
  type SessionFacts,
  type SiteTimeline,
} from './timeline.ts';
