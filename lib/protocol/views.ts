/**
 * The views the background sends pages: cookies with their policy findings, a tab's snapshot,
 * session timeline events and decoded session values.
 */
import { KeyFamilySchema } from './key-families.ts';
import { WireErrorSchema } from './wire.ts';
import { z } from './zod.ts';

/** Signature state shown by the panel. */
export const SignatureStateSchema = z.enum(['verified', 'unverified', 'bad', 'expired', 'none']);
export type SignatureState = z.infer<typeof SignatureStateSchema>;

/** A decoded session value, safe to send: the data is JSON text. */
const DecodeViewBaseSchema = z.object({
  /** The cookie's name, when the decoded text named it (`name=value`, a Set-Cookie or Cookie line). */
  cookie: z.optional(z.string()),
  format: z.string(),
  /** Other frameworks' cookies: the framework, and the setting holding the key it needs. */
  framework: z.optional(z.string()),
  keyName: z.optional(z.string()),
  /** `stringifyJson(data, 2)`: exact (bigints as digits, Python objects as `{"$py": …}`). */
  json: z.string(),
  signature: SignatureStateSchema,
  verified: z.nullable(z.boolean()),
  keyIndex: z.optional(z.int()),
  /** Label of the stored key that verified. */
  keyLabel: z.optional(z.string()),
  /** Family of the stored key that verified (`rails`, `laravel` …; `django` for Django's). */
  keyFamily: z.optional(KeyFamilySchema),
  /** True when the key decrypted the value (encrypted formats), not only verified it. */
  decrypted: z.optional(z.boolean()),
  salt: z.optional(z.string()),
  algorithm: z.optional(z.string()),
  compressed: z.boolean(),
  serializer: z.string(),
  /** Signing time, ms since the epoch. */
  timestamp: z.optional(z.number()),
  /** Age in seconds at decode time. */
  age: z.optional(z.number()),
  expired: z.optional(z.boolean()),
  error: z.optional(z.object({ code: z.string(), message: z.string() })),
  /** `stringifyJson(details)` when the format has readable parts (JWT header …). */
  details: z.optional(z.string()),
});

/** A decoded value; for a pasted Cookie header, the session cookie, with the header's other readable cookies in `others`. */
export const DecodeViewSchema = z.extend(DecodeViewBaseSchema, {
  others: z.optional(z.array(DecodeViewBaseSchema).check(z.maxLength(200))),
});
export type DecodeView = z.infer<typeof DecodeViewSchema>;

/**
 * A session cookie's value as the background decoded it (once per change, with the stored keys),
 * sent with the cookie so the panel need not ask: the view, or the codec's error.
 */
export const CookieDecodeSchema = z.union([z.object({ ok: z.literal(true), view: DecodeViewSchema }), WireErrorSchema]);
export type CookieDecode = z.infer<typeof CookieDecodeSchema>;

/** The SameSite values the cookies API reports (Firefox says `no_restriction` too; normalised). */
export const SameSiteSchema = z.enum(['strict', 'lax', 'none', 'unspecified']);

/** How severe a policy finding is: lib/policy's scale, lowest first. */
export const SeveritySchema = z.enum(['info', 'low', 'medium', 'high', 'critical']);

/** Where a finding was seen: the cookies API, a Set-Cookie header, or a header the browser dropped. */
export const FindingSourceSchema = z.enum(['cookie', 'set-cookie', 'dropped']);

/** A policy finding as it crosses the wire. */
export const FindingViewSchema = z.object({
  /** Cookie name. */
  cookie: z.string(),
  /**
   * The cookie's domain (no leading dot), path and partition (`null` unpartitioned): with the
   * name, the one cookie the finding is about (lib/policy's `findingCookieKey`).
   */
  domain: z.string(),
  path: z.string(),
  partition: z.nullable(z.string()),
  /** Rule id (the policy rule's file name). */
  rule: z.string(),
  severity: SeveritySchema,
  message: z.string(),
  /** How to fix it (a Django setting, a header change …). */
  fix: z.string(),
  source: FindingSourceSchema,
});
export type FindingView = z.infer<typeof FindingViewSchema>;

/** A cookie as the panel sees it. Times are milliseconds since the epoch. */
export const CookieViewSchema = z.object({
  name: z.string(),
  value: z.string(),
  domain: z.string(),
  hostOnly: z.boolean(),
  path: z.string(),
  /** Expiry in ms since the epoch; `null` for a browser-session cookie. */
  expires: z.nullable(z.number()),
  /** Seconds left until expiry at the time of the snapshot; `null` for a browser-session cookie. */
  maxAge: z.nullable(z.number()),
  /** `name.length + value.length`, the size the browser counts against its limits. */
  size: z.int().check(z.nonnegative()),
  httpOnly: z.boolean(),
  secure: z.boolean(),
  sameSite: SameSiteSchema,
  /** The partition's top-level site for a partitioned (CHIPS) cookie, else `null`. */
  partition: z.nullable(z.string()),
  /** Cookie store (incognito, Firefox container). */
  storeId: z.string(),
  /** True when the name is one of the configured session cookie names. */
  sessionCookie: z.boolean(),
  /** Policy findings for this cookie. */
  findings: z.array(FindingViewSchema),
  /** Session cookies only: the value decoded and verified by the background. */
  decoded: z.optional(CookieDecodeSchema),
});
export type CookieView = z.infer<typeof CookieViewSchema>;

/** Whether the extension may read the site's cookies. */
export const AccessSchema = z.enum(['granted', 'missing']);

/** Everything the panel needs for one tab. */
export const CookieSnapshotSchema = z.object({
  tabId: z.int(),
  /** The tab's URL (`null` for pages with no readable URL). */
  url: z.nullable(z.string()),
  /** Site key: the URL's origin, e.g. `http://localhost:8000`. */
  site: z.nullable(z.string()),
  /** Origin pattern to request when access is missing, e.g. `https://example.com/*`. */
  originPattern: z.nullable(z.string()),
  access: AccessSchema,
  /** Session cookies first, then by name. */
  cookies: z.array(CookieViewSchema),
  /** Findings not tied to a stored cookie: dropped Set-Cookie headers. */
  dropped: z.array(FindingViewSchema),
  /** Total findings (the badge count). */
  findingCount: z.int().check(z.nonnegative()),
});
export type CookieSnapshot = z.infer<typeof CookieSnapshotSchema>;

/** Kinds of session timeline event. */
export const TimelineKindSchema = z.enum([
  'created',
  'value-changed',
  'refreshed',
  'rotated',
  'removed',
  'flushed',
  'expired',
]);
export type TimelineKind = z.infer<typeof TimelineKindSchema>;

/** The request whose response changed the session cookie (webRequest): method, URL without its query, status. */
export const TimelineRequestSchema = z.object({
  method: z.string().check(z.maxLength(32)),
  /** Origin and path; a query string is shown as `?…` (it may hold tokens). */
  url: z.string().check(z.maxLength(2048)),
  status: z.int(),
});
export type TimelineRequest = z.infer<typeof TimelineRequestSchema>;

/** One session key that changed; values are short texts, `••••` where the policy masks them. */
export const SessionDiffEntrySchema = z.object({
  key: z.string().check(z.maxLength(1024)),
  change: z.enum(['added', 'removed', 'changed']),
  before: z.optional(z.string().check(z.maxLength(1024))),
  after: z.optional(z.string().check(z.maxLength(1024))),
  masked: z.optional(z.boolean()),
});
export type SessionDiffEntryView = z.infer<typeof SessionDiffEntrySchema>;

/** What changed in the session's data (lib/policy's `diffSessions`): keys sorted, `more` past the cap. */
export const SessionDiffSchema = z.object({
  entries: z.array(SessionDiffEntrySchema).check(z.maxLength(100)),
  more: z.int().check(z.nonnegative()),
});
export type SessionDiffView = z.infer<typeof SessionDiffSchema>;

/** One event in a site's session timeline. */
export const TimelineEventSchema = z.object({
  /** Unique, increasing per background instance. */
  id: z.string(),
  site: z.string(),
  /** When it happened, ms since the epoch. */
  at: z.number(),
  kind: TimelineKindSchema,
  cookie: z.string(),
  storeId: z.string(),
  /** Short human text, e.g. "login: new session key". Never a secret; values are shortened. */
  detail: z.string(),
  /** Changes this event stands for when a burst was coalesced (absent: one), and when the first was. */
  count: z.optional(z.int().check(z.positive())),
  firstAt: z.optional(z.number()),
  /** What changed in the data, when the values are readable (signed cookies). */
  diff: z.optional(SessionDiffSchema),
  /** The request whose Set-Cookie caused it, when webRequest saw one. */
  request: z.optional(TimelineRequestSchema),
});
export type TimelineEvent = z.infer<typeof TimelineEventSchema>;
