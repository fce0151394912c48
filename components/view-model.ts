/**
 * The panel's own view-model types. Components render these and nothing else, so the UI does not
 * depend on the wire protocol: the panel entry (entrypoints/devtools-panel) maps protocol messages
 * onto them. Session data stays a codec `SessionValue` and is always rendered as text.
 */
import type { SessionValue } from '../lib/codec/index.ts';

/** `SameSite` as the panel shows it. `unspecified` = no attribute (the browser's default applies). */
export type SameSiteView = 'strict' | 'lax' | 'none' | 'unspecified';

/** Severity of a policy finding (lib/policy's severities, as the protocol carries them). */
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/** Where a finding was seen: the cookies API, a Set-Cookie header, or a header the browser dropped. */
export type FindingSource = 'cookie' | 'set-cookie' | 'dropped';

/** One cookie row of the table. */
export interface CookieRow {
  /** Stable identity: store, partition, domain, path and name. */
  id: string;
  name: string;
  value: string;
  domain: string;
  path: string;
  /** Expiry in milliseconds since the epoch; `null` for a browser-session cookie. */
  expires: number | null;
  /** `name.length + value.length`, as DevTools counts it. */
  size: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite: SameSiteView;
  /** Top-level site of a partitioned (CHIPS) cookie; `null` when unpartitioned. */
  partition: string | null;
  /** Cookie store id (incognito, Firefox containers). */
  storeId: string;
  /** True when the name is configured as a session cookie (sessionid, …). */
  isSession: boolean;
  /**
   * Chrome's `Priority` attribute, when the extension saw the Set-Cookie header that set it; absent
   * when unknown (the cookies API does not report it; Chrome's default is Medium).
   */
  priority?: 'low' | 'medium' | 'high';
}

/** A policy finding with its fix, ready to show. */
export interface FindingView {
  /** Name of the cookie it is about. */
  cookie: string;
  /** With the name, the one cookie it is about: domain (no leading dot), path, partition. */
  domain: string;
  path: string;
  partition: string | null;
  /** The rule id (a policy rule file name, e.g. `session-httponly`). */
  rule: string;
  severity: Severity;
  message: string;
  fix: string;
  /** `dropped`: the browser refused the cookie; it was seen only in a Set-Cookie header. */
  source: FindingSource;
}

/** The signature state of a decoded value. */
export type SignatureView =
  | { state: 'none' }
  /**
   * No key of its family is stored: `keyName` is the setting to add (`secret_key_base`, `APP_KEY`;
   * absent: Django's SECRET_KEY), `family` the key family Options files it under, `encrypted` when a
   * key would decrypt rather than verify.
   */
  | { state: 'unverified'; keyName?: string; family?: string; encrypted?: boolean }
  /** `keyFamily`: the family of the key that verified; `decrypted`: the key decrypted the value. */
  | { state: 'verified'; keyIndex: number; keyLabel?: string; salt?: string; algorithm?: string; keyFamily?: string; decrypted?: boolean }
  | { state: 'bad'; message: string }
  | { state: 'expired'; message: string };

/** What decoding a cookie value gave. */
export interface DecodedView {
  /** The cookie's name, when the decoded text named it. */
  cookie?: string;
  /** A pasted Cookie header's other readable cookies, after the session cookie. */
  others?: DecodedView[];
  format: string;
  /** Other frameworks' cookies: the framework (e.g. `Laravel`) and the setting its key is in (`APP_KEY`). */
  framework?: string;
  keyName?: string;
  /** The session data; `null` for an opaque key (data lives on the server). */
  data: SessionValue;
  signature: SignatureView;
  /** When the value was signed, ms since the epoch. */
  timestamp?: number;
  compressed?: boolean;
  serializer?: string;
  /** Format-specific readable parts (JWT header …). */
  details?: Record<string, SessionValue>;
}

/** A decode that failed: the typed error's code and message. */
export interface DecodeFailure {
  code: string;
  message: string;
}

/** Kinds of session events on the timeline. */
export type TimelineKind =
  | 'created'
  | 'value-changed'
  | 'refreshed'
  | 'rotated'
  | 'removed'
  | 'flushed'
  | 'expired';

/** One entry of the session timeline. */
export interface TimelineEntry {
  id: string;
  /** When it happened, ms since the epoch. */
  at: number;
  kind: TimelineKind;
  cookie: string;
  domain: string;
  /** Short readable detail (never the cookie value). */
  detail?: string;
  /** Events this entry stands for (a burst merged into one row); absent = 1. */
  count?: number;
  /** When the first of a merged burst happened (`at` is the last). */
  firstAt?: number;
  /** What changed in the session's data (readable values only); masked values read `••••`. */
  diff?: TimelineDiff;
  /** The request whose response made the change. */
  request?: TimelineRequestView;
}

/** One session key that changed: short value texts before and after. */
export interface TimelineDiffEntry {
  key: string;
  change: 'added' | 'removed' | 'changed';
  before?: string;
  after?: string;
  masked?: boolean;
}

/** The keys that changed, and how many more than are listed. */
export interface TimelineDiff {
  entries: TimelineDiffEntry[];
  more: number;
}

/** Method, URL (query shown as `?…`) and status of a request. */
export interface TimelineRequestView {
  method: string;
  url: string;
  status: number;
}

/** Server-side data the companion returned for an opaque session key. */
export interface CompanionSessionView {
  key: string;
  found: boolean;
  store?: string;
  expireDate?: string | null;
  expired?: boolean;
  verified?: boolean | null;
  data?: SessionValue;
}

/** The companion connection state, as the panel shows it. */
export type CompanionView =
  | { status: 'off' }
  | { status: 'checking' }
  | { status: 'down'; message: string }
  | { status: 'up'; session?: CompanionSessionView; error?: string; readOnly?: boolean };

/** One session of the companion's list ("Sessions" view). */
export interface CompanionRowView {
  key: string;
  store: string;
  expireDate: string | null;
  expired: boolean;
  userId: string | null;
}

/** The companion's latest sessions, and whether it may write (`--allow-write`). */
export interface CompanionListing {
  readOnly: boolean;
  sessions: CompanionRowView[];
  /** Stores not listed (memcached cannot list; a store down) — said, not hidden. */
  unlisted: { store: string; reason: string; count?: number }[];
}

/** Whether the extension may read the inspected site's cookies. */
export interface AccessView {
  /** The inspected page's origin, e.g. `https://example.com`; `null` for pages without one. */
  origin: string | null;
  /** The host permission pattern to request, e.g. `https://example.com/*`. */
  pattern: string | null;
  granted: boolean;
}

/** Everything the panel shows for one inspected tab. */
export interface PanelSnapshot {
  url: string | null;
  access: AccessView;
  cookies: CookieRow[];
  /** Every finding of the site: the cookies' own and those of dropped Set-Cookie headers. */
  findings: FindingView[];
  /** The badge count. */
  findingCount: number;
  timeline: TimelineEntry[];
  /** True while the inspected tab has navigated and the new site's state is on its way. */
  pending?: boolean;
}

/** Light or dark, following DevTools. */
export type Theme = 'light' | 'dark';

/** A session cookie seen in a HAR capture, with the request that sent or set it. */
export interface HarCookieRow {
  source: 'request' | 'response';
  name: string;
  request: TimelineRequestView;
  /** How many times the capture holds this value. */
  seen: number;
  /** Absent for an empty value (a deletion). */
  decoded?: { status: 'ok'; result: DecodedView } | { status: 'error'; error: DecodeFailure };
}

/** What a HAR file says about its cookies (the decode page). */
export interface HarReport {
  exchanges: number;
  cookies: HarCookieRow[];
  /** One per rule and cookie, with the response that set the cookie. */
  findings: (FindingView & { request: TimelineRequestView })[];
  warnings: string[];
}
