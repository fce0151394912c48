/**
 * The extension's message protocol: one typed map, validated with zod wherever a message enters a
 * context (the background validates requests; the client validates responses and pushes).
 *
 * Who talks to whom (see docs/architecture.md):
 *
 * ```
 *  panel / options / decode page                      background (service worker / event page)
 *  ─────────────────────────────                      ────────────────────────────────────────
 *  runtime.sendMessage({ type, ...params })   ───▶    router: parseRequest (zod) → handler
 *                                             ◀───    { ok: true, data } | { ok: false, code, message }
 *  runtime.connect({ name: 'panel:<tabId>' }) ───▶    port hub keyed by tab id
 *                                             ◀───    push: cookies/snapshot, cookies/changed,
 *                                                           timeline/event, findings, access/changed
 * ```
 *
 * Requests (`type` → params → response data):
 *
 * | type                  | params                                  | data                          |
 * | --------------------- | --------------------------------------- | ----------------------------- |
 * | `cookies/list`        | `{ tabId, url? }`                       | {@link CookieSnapshot}        |
 * | `session/decode`      | `{ value, cookieName?, site? }`         | {@link DecodeView}            |
 * | `timeline/get`        | `{ site }`                              | `{ site, events }`            |
 * | `timeline/clear`      | `{ site }`                              | `{ site, events: [] }`        |
 * | `settings/get`        | `{}`                                    | {@link SettingsView}          |
 * | `settings/set`        | {@link SettingsPatch}                   | {@link SettingsView}          |
 * | `keys/add`            | `{ label, key }`                        | {@link SettingsView}          |
 * | `keys/remove`         | `{ id }`                                | {@link SettingsView}          |
 * | `permissions/check`   | `{ origin }`                            | `{ origin, granted }`         |
 * | `permissions/request` | `{ origin }`                            | `{ origin, granted }`         |
 * | `companion/lookup`    | `{ key }`                               | {@link CompanionLookupView}   |
 * | `companion/test`      | `{ url?, token? }`                      | {@link CompanionStatus}       |
 * | `policy/validate`     | `{ policy }` (any JSON)                 | {@link PolicyValidation}      |
 * | `policy/catalog`      | `{}`                                    | {@link PolicyCatalog}         |
 *
 * Secret keys are write-only over the wire: `keys/add` stores one in storage.local, and every
 * response shows only a masked hint. Decoded values cross the boundary as text made by the codec's
 * `stringifyJson` (bigints exact; a bigint is never structured-cloned). Errors are
 * `{ ok: false, code, message }`: the codec's codes (`ERR_MALFORMED`, `ERR_UNKNOWN_FORMAT`, …) or
 * one of {@link PROTOCOL_ERROR_CODES}.
 *
 * Pushes on the long-lived port `panel:<tabId>` ({@link PanelPush}); the background sends a
 * `cookies/snapshot` as soon as a port connects (other pushes wait behind it, so it always comes
 * first) and again whenever the tab navigates to another site or the policy changes. Timeline
 * events carry the receiving panel's site; the background keeps the timeline per cookie domain.
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';

// zod/mini keeps the panel's bundle small; English messages for the errors shown to developers.
z.config(en());

// ─── Shared pieces ──────────────────────────────────────────────────────────────────────────────

/** Error codes the protocol adds to the codec's own. */
export const PROTOCOL_ERROR_CODES = [
  'ERR_BAD_REQUEST',
  'ERR_BAD_RESPONSE',
  'ERR_NO_TAB',
  'ERR_NOT_CONFIGURED',
  'ERR_COMPANION',
  'ERR_TRANSPORT',
  'ERR_INTERNAL',
] as const;

/** One of {@link PROTOCOL_ERROR_CODES}. */
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

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
});
export type TimelineEvent = z.infer<typeof TimelineEventSchema>;

/** Signature state shown by the panel. */
export const SignatureStateSchema = z.enum(['verified', 'unverified', 'bad', 'expired', 'none']);
export type SignatureState = z.infer<typeof SignatureStateSchema>;

/** A decoded session value, safe to send: the data is JSON text. */
export const DecodeViewSchema = z.object({
  format: z.string(),
  /** `stringifyJson(data, 2)`: exact (bigints as digits, Python objects as `{"$py": …}`). */
  json: z.string(),
  signature: SignatureStateSchema,
  verified: z.nullable(z.boolean()),
  keyIndex: z.optional(z.int()),
  /** Label of the stored key that verified. */
  keyLabel: z.optional(z.string()),
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
export type DecodeView = z.infer<typeof DecodeViewSchema>;

// ─── Settings ───────────────────────────────────────────────────────────────────────────────────

/**
 * The policy as JSON (lib/policy's `PolicySchema` input: preset via `extends`, session cookie names,
 * rules, per-site overrides). The background validates it with lib/policy's `validatePolicy`; the
 * options page does too, before sending, to show errors per field.
 */
export const PolicyJsonSchema = z.record(z.string(), z.unknown());
export type PolicyJson = z.infer<typeof PolicyJsonSchema>;

/** A companion server URL: http(s) only. */
export const CompanionUrlSchema = z
  .string()
  .check(
    z.trim(),
    z.refine((s) => s === '' || /^https?:\/\/[^\s/]+/i.test(s), 'Use an http:// or https:// URL'),
  );

/** A stored secret key as shown to pages: never the key itself. */
export const KeyHintSchema = z.object({
  id: z.string(),
  label: z.string(),
  /** Masked: first 4 characters, `…`, length. */
  hint: z.string(),
  length: z.int().check(z.nonnegative()),
});
export type KeyHint = z.infer<typeof KeyHintSchema>;

/** Settings as pages see them. */
export const SettingsViewSchema = z.object({
  /** The full policy, defaults filled in (lib/policy `Policy`). */
  policy: PolicyJsonSchema,
  /** The policy's session cookie names (read-only here: change them in `policy`). */
  sessionCookieNames: z.array(z.string()),
  /** Secret keys, in the order tried (SECRET_KEY first, then fallbacks). */
  keys: z.array(KeyHintSchema),
  companion: z.object({ url: z.string(), hasToken: z.boolean() }),
});
export type SettingsView = z.infer<typeof SettingsViewSchema>;

/** What `settings/set` may change. `token: ''` clears the token; leaving it out keeps it. */
export const SettingsPatchSchema = z.object({
  policy: z.optional(PolicyJsonSchema),
  companion: z.optional(z.object({ url: CompanionUrlSchema, token: z.optional(z.string().check(z.maxLength(4096))) })),
});
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

// ─── Companion ──────────────────────────────────────────────────────────────────────────────────

/** Result of looking up an opaque session key on the companion server. */
export const CompanionLookupViewSchema = z.object({
  key: z.string(),
  found: z.boolean(),
  store: z.nullable(z.string()),
  expireDate: z.nullable(z.string()),
  expired: z.nullable(z.boolean()),
  verified: z.nullable(z.boolean()),
  /** `stringifyJson(data, 2)`, or `null` when not found. */
  json: z.nullable(z.string()),
});
export type CompanionLookupView = z.infer<typeof CompanionLookupViewSchema>;

/** Connection state of the companion server. */
export const CompanionStatusSchema = z.object({
  state: z.enum(['connected', 'unauthorized', 'unreachable', 'bad-response', 'not-configured']),
  message: z.string(),
  url: z.string(),
});
export type CompanionStatus = z.infer<typeof CompanionStatusSchema>;

// ─── Policy (validated by lib/policy in the background, so pages need not bundle it) ────────────

/** One policy problem: the field path (`sites[0].host`) and why. */
export const PolicyIssueSchema = z.object({ path: z.string(), message: z.string() });
export type PolicyIssueView = z.infer<typeof PolicyIssueSchema>;

/** `policy/validate`: the full policy (defaults filled in) or the issues by field. */
export const PolicyValidationSchema = z.object({
  ok: z.boolean(),
  policy: z.nullable(PolicyJsonSchema),
  issues: z.array(PolicyIssueSchema),
});
export type PolicyValidation = z.infer<typeof PolicyValidationSchema>;

/** `policy/catalog`: the built-in presets and the rules, for the options page. */
export const PolicyCatalogSchema = z.object({
  presets: z.array(z.object({ name: z.string(), policy: PolicyJsonSchema })),
  rules: z.array(z.object({ id: z.string(), title: z.string(), description: z.string() })),
  severities: z.array(z.string()),
});
export type PolicyCatalog = z.infer<typeof PolicyCatalogSchema>;

// ─── Requests ───────────────────────────────────────────────────────────────────────────────────

const TabIdSchema = z.int().check(z.gte(-1));
const SiteSchema = z.string().check(z.minLength(1), z.maxLength(2048));
const OriginSchema = z.string().check(z.minLength(1), z.maxLength(2048));

/** Params of each request, keyed by type. */
export const REQUEST_PARAM_SCHEMAS = {
  'cookies/list': z.object({
    tabId: TabIdSchema,
    /** The inspected page's URL, when the panel knows it (the background cannot read every tab's URL). */
    url: z.optional(z.string().check(z.maxLength(8192))),
  }),
  'session/decode': z.object({
    value: z.string().check(z.maxLength(1_000_000)),
    cookieName: z.optional(z.string().check(z.maxLength(4096))),
    site: z.optional(SiteSchema),
  }),
  'timeline/get': z.object({ site: SiteSchema }),
  'timeline/clear': z.object({ site: SiteSchema }),
  'settings/get': z.object({}),
  'settings/set': SettingsPatchSchema,
  'keys/add': z.object({
    label: z._default(z.string().check(z.trim(), z.maxLength(200)), ''),
    key: z.string().check(z.minLength(1, 'Enter a key'), z.maxLength(4096, 'Key too long')),
  }),
  'keys/remove': z.object({ id: z.string().check(z.minLength(1)) }),
  'permissions/check': z.object({ origin: OriginSchema }),
  'permissions/request': z.object({ origin: OriginSchema }),
  'companion/lookup': z.object({ key: z.string().check(z.minLength(1), z.maxLength(1024)) }),
  'companion/test': z.object({ url: z.optional(CompanionUrlSchema), token: z.optional(z.string().check(z.maxLength(4096))) }),
  'policy/validate': z.object({ policy: z.unknown() }),
  'policy/catalog': z.object({}),
} as const;

const TimelineSchema = z.object({ site: z.string(), events: z.array(TimelineEventSchema) });
const PermissionSchema = z.object({ origin: z.string(), granted: z.boolean() });

/** Response data of each request, keyed by type. */
export const RESPONSE_DATA_SCHEMAS = {
  'cookies/list': CookieSnapshotSchema,
  'session/decode': DecodeViewSchema,
  'timeline/get': TimelineSchema,
  'timeline/clear': TimelineSchema,
  'settings/get': SettingsViewSchema,
  'settings/set': SettingsViewSchema,
  'keys/add': SettingsViewSchema,
  'keys/remove': SettingsViewSchema,
  'permissions/check': PermissionSchema,
  'permissions/request': PermissionSchema,
  'companion/lookup': CompanionLookupViewSchema,
  'companion/test': CompanionStatusSchema,
  'policy/validate': PolicyValidationSchema,
  'policy/catalog': PolicyCatalogSchema,
} as const;

/** Every request type. */
export type RequestType = keyof typeof REQUEST_PARAM_SCHEMAS;
/** All request types, in protocol order. */
export const REQUEST_TYPES = Object.keys(REQUEST_PARAM_SCHEMAS) as RequestType[];
/** Params a caller passes (defaults may be left out). */
export type RequestParams<T extends RequestType> = z.input<(typeof REQUEST_PARAM_SCHEMAS)[T]>;
/** Params as a handler receives them (after validation and defaults). */
export type ParsedParams<T extends RequestType> = z.output<(typeof REQUEST_PARAM_SCHEMAS)[T]>;
/** Data a successful response carries. */
export type ResponseData<T extends RequestType> = z.output<(typeof RESPONSE_DATA_SCHEMAS)[T]>;

/** A request on the wire: `{ type, ...params }`. */
export type RequestMessage = { [T in RequestType]: { type: T } & RequestParams<T> }[RequestType];

/** A failure on the wire. */
export const WireErrorSchema = z.object({ ok: z.literal(false), code: z.string(), message: z.string() });
export type WireError = z.infer<typeof WireErrorSchema>;

/** A response on the wire. */
export type WireResponse<T extends RequestType = RequestType> = { ok: true; data: ResponseData<T> } | WireError;

/**
 * Validates a raw incoming request. Returns the typed request or an error response.
 *
 * @example
 * const parsed = parseRequest({ type: 'timeline/get', site: 'http://localhost:8000' });
 * if (parsed.ok) console.log(parsed.type, parsed.params);
 */
export function parseRequest(
  raw: unknown,
): { ok: true; type: RequestType; params: ParsedParams<RequestType> } | WireError {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, code: 'ERR_BAD_REQUEST', message: 'A request must be an object with a "type"' };
  }
  const { type, ...rest } = raw as Record<string, unknown>;
  if (typeof type !== 'string' || !Object.hasOwn(REQUEST_PARAM_SCHEMAS, type)) {
    return { ok: false, code: 'ERR_BAD_REQUEST', message: `Unknown request type "${String(type).slice(0, 64)}"` };
  }
  const t = type as RequestType;
  const result = REQUEST_PARAM_SCHEMAS[t].safeParse(rest);
  if (!result.success) {
    return { ok: false, code: 'ERR_BAD_REQUEST', message: `Bad "${t}" request: ${formatZodError(result.error)}` };
  }
  return { ok: true, type: t, params: result.data };
}

/**
 * Validates a raw response for a request type. A malformed response becomes `ERR_BAD_RESPONSE`.
 *
 * @example
 * const res = parseResponse('settings/get', raw);
 * if (res.ok) console.log(res.data.sessionCookieNames);
 */
export function parseResponse<T extends RequestType>(type: T, raw: unknown): WireResponse<T> {
  const err = WireErrorSchema.safeParse(raw);
  if (err.success) return err.data;
  const ok = z.object({ ok: z.literal(true), data: RESPONSE_DATA_SCHEMAS[type] }).safeParse(raw);
  if (ok.success) return ok.data as WireResponse<T>;
  return {
    ok: false,
    code: 'ERR_BAD_RESPONSE',
    message: `Bad "${type}" response: ${formatZodError(ok.error)}`,
  };
}

// ─── Port pushes ────────────────────────────────────────────────────────────────────────────────

/** Prefix of the long-lived port a panel opens; the tab id follows: `panel:42`. */
export const PANEL_PORT_PREFIX = 'panel:';

/**
 * The port name for a tab.
 *
 * @example
 * browser.runtime.connect({ name: panelPortName(42) }) // 'panel:42'
 */
export function panelPortName(tabId: number): string {
  return `${PANEL_PORT_PREFIX}${tabId}`;
}

/**
 * The tab id in a panel port name, or `null` when the name is not one.
 *
 * @example
 * parsePanelPortName('panel:42') // 42
 */
export function parsePanelPortName(name: string): number | null {
  const m = /^panel:(-?\d{1,12})$/.exec(name);
  return m ? Number(m[1]) : null;
}

/** Why a cookie changed (the cookies API's OnChangedCause). */
export const ChangeCauseSchema = z.enum(['evicted', 'expired', 'explicit', 'expired_overwrite', 'overwrite']);

/** Messages the background pushes on a panel port. */
export const PanelPushSchema = z.discriminatedUnion('type', [
  /** The full state for the tab: on connect and after navigating to another site. */
  z.object({ type: z.literal('cookies/snapshot'), snapshot: CookieSnapshotSchema }),
  /** One cookie of the tab's site changed. */
  z.object({
    type: z.literal('cookies/changed'),
    tabId: z.int(),
    site: z.string(),
    removed: z.boolean(),
    cause: ChangeCauseSchema,
    cookie: CookieViewSchema,
    findingCount: z.int().check(z.nonnegative()),
  }),
  /** A session timeline event for the tab's site. */
  z.object({ type: z.literal('timeline/event'), tabId: z.int(), event: TimelineEventSchema }),
  /** Findings from Set-Cookie headers (dropped cookies included) and the new badge count. */
  z.object({
    type: z.literal('findings'),
    tabId: z.int(),
    site: z.string(),
    dropped: z.array(FindingViewSchema),
    findingCount: z.int().check(z.nonnegative()),
  }),
  /** Host access for the tab's site was granted or removed. */
  z.object({ type: z.literal('access/changed'), tabId: z.int(), access: AccessSchema }),
]);
export type PanelPush = z.infer<typeof PanelPushSchema>;

/**
 * Validates a push received on a panel port; `null` when it is not a valid push.
 *
 * @example
 * port.onMessage.addListener((raw) => { const push = parsePanelPush(raw); if (push) render(push); });
 */
export function parsePanelPush(raw: unknown): PanelPush | null {
  const r = PanelPushSchema.safeParse(raw);
  return r.success ? r.data : null;
}

// ─── Transport ──────────────────────────────────────────────────────────────────────────────────

/** A port as both runtime ports and the in-memory transport provide it. */
export interface PortLike {
  readonly name: string;
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(cb: (message: unknown) => void): void; removeListener(cb: (message: unknown) => void): void };
  onDisconnect: { addListener(cb: () => void): void; removeListener(cb: () => void): void };
}

/**
 * How a page reaches the background: one-shot requests and long-lived ports. The runtime
 * transport (lib/browser) uses runtime.sendMessage / runtime.connect; tests use the in-memory one
 * (lib/background) so the router runs without a browser.
 */
export interface MessageTransport {
  request(message: RequestMessage): Promise<unknown>;
  connect(name: string): PortLike;
}

/**
 * Short text for a zod error: the first three issues with their paths.
 *
 * @example
 * formatZodError({ issues: [{ path: ['tabId'], message: 'Invalid input' }] }) // 'tabId: Invalid input'
 */
export function formatZodError(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}
