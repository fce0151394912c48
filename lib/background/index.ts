/**
 * The background service (no browser.*): `startService` over a {@link Platform}, and its parts —
 * message routing, panel ports and pushes, the session timeline, per-site state, cookie views and
 * findings, dropped cookies, the badge, settings, decoding and the companion client.
 * lib/browser implements the Platform over the WebExtension APIs.
 *
 * @example
 * import { startService, type Platform } from '../lib/background/index.ts';
 * const bg = startService(platform);
 */
export { BADGE_COLORS, computeBadge, countBadge, type BadgeState } from './badge.ts';
export { COMPANION_TIMEOUT_MS, lookupSession, testCompanion, type CompanionConfig } from './companion.ts';
export { isSessionCookie, toCookieView, toCookieViews, toFindingView, type ViewContext } from './cookie-view.ts';
export { decodeCookie, decodeOptions, decodeToView, sessionFacts, signatureState, toDecodeView, type CookieDecoding, type DecodeContext, type DecodeKey } from './decode-view.ts';
export {
  MAX_DROPPED_PER_SITE,
  PER_SITE_COOKIE_LIMIT,
  cookiesToStore,
  dropReason,
  droppedFindings,
  isStored,
  mergeDropped,
  perSiteLimitFinding,
} from './dropped.ts';
export { analyzeHarText } from './har.ts';
export { createPortHub, type PortHub } from './port-hub.ts';
export { MAX_LOGGED_REQUESTS, REQUEST_MATCH_MS, createRequestLog, requestUrlText, setCookieHeaders, type RequestLog } from './request-log.ts';
export { createRouter, errorToWire, type Handlers, type RequestContext, type Router } from './router.ts';
export {
  MAX_KEYS,
  SETTINGS_STORAGE_KEY,
  SettingsError,
  StoredSettingsSchema,
  addKey,
  applyPatch,
  defaultSettings,
  keysForFormat,
  maskKey,
  readSettings,
  removeKey,
  settingsView,
  storeSettings,
  type KeyInput,
  type KeyLike,
  type Settings,
  type StoredKey,
} from './settings.ts';
export { MAX_SITES, createSiteStore, type KeyValueArea, type SiteStore } from './site-store.ts';
export { cookieId, cookieMatchesHost, hostOf, originPatternOf, siteOf, timelineKeys, type CookieLike } from './site.ts';
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
export {
  type BadgeSpec,
  type CookieChange,
  type CookieChangeCause,
  type CookieQuery,
  type CookieRemoveDetails,
  type CookieSetDetails,
  type MessageHandler,
  type MessageSender,
  type Platform,
  type PlatformEvent,
  type ResponseHeaders,
  type TabChange,
  type TabLike,
  type Unsubscribe,
} from './platform.ts';
export { startService, type BackgroundHandle, type ServiceOptions } from './service.ts';
export { createTabDirectory, type TabDirectory, type TabInfo } from './tabs.ts';
