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
 * | `keys/add`            | `{ label, key, family, salts? }`        | {@link SettingsView}          |
 * | `keys/remove`         | `{ id }`                                | {@link SettingsView}          |
 * | `permissions/check`   | `{ origin }`                            | `{ origin, granted }`         |
 * | `permissions/request` | `{ origin }`                            | `{ origin, granted }`         |
 * | `companion/lookup`    | `{ key }`                               | {@link CompanionLookupView}   |
 * | `companion/test`      | `{ url?, token? }`                      | {@link CompanionStatus}       |
 * | `companion/list`, `companion/update`, `companion/delete` | see companion-views.ts |  |
 * | `policy/validate`     | `{ policy }` (any JSON)                 | {@link PolicyValidation}      |
 * | `policy/catalog`      | `{}`                                    | {@link PolicyCatalog}         |
 * | `session/resign` …    | cookie edits and files (cookie-edit.ts) | see `COOKIE_EDIT_*_SCHEMAS`   |
 * | `har/analyze`         | `{ text }` (a HAR file, har.ts)         | {@link HarView}               |
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
import {
  CompanionLookupViewSchema,
  CompanionStatusSchema,
  CompanionUrlSchema,
  KeyAddSchema,
  PolicyCatalogSchema,
  PolicyValidationSchema,
  SettingsPatchSchema,
  SettingsViewSchema,
} from './settings.ts';
import { COOKIE_EDIT_PARAM_SCHEMAS, COOKIE_EDIT_RESPONSE_SCHEMAS } from './cookie-edit.ts';
import { HAR_PARAM_SCHEMAS, HAR_RESPONSE_SCHEMAS } from './har.ts';
import { COMPANION_VIEW_PARAMS, COMPANION_VIEW_RESPONSES } from './companion-views.ts';
import { CookieSnapshotSchema, DecodeViewSchema, TimelineEventSchema } from './views.ts';
import { WireErrorSchema, formatZodError, type PortLike, type WireError } from './wire.ts';
import { z } from './zod.ts';

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
  'keys/add': KeyAddSchema,
  'keys/remove': z.object({ id: z.string().check(z.minLength(1)) }),
  'permissions/check': z.object({ origin: OriginSchema }),
  'permissions/request': z.object({ origin: OriginSchema }),
  'companion/lookup': z.object({ key: z.string().check(z.minLength(1), z.maxLength(1024)) }),
  'companion/test': z.object({ url: z.optional(CompanionUrlSchema), token: z.optional(z.string().check(z.maxLength(4096))) }),
  'policy/validate': z.object({ policy: z.unknown() }),
  'policy/catalog': z.object({}),
  ...COOKIE_EDIT_PARAM_SCHEMAS,
  ...HAR_PARAM_SCHEMAS,
  ...COMPANION_VIEW_PARAMS,
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
  ...COOKIE_EDIT_RESPONSE_SCHEMAS,
  ...HAR_RESPONSE_SCHEMAS,
  ...COMPANION_VIEW_RESPONSES,
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

/**
 * How a page reaches the background: one-shot requests and long-lived ports. The runtime
 * transport (lib/browser) uses runtime.sendMessage / runtime.connect; tests use the in-memory one
 * (lib/background) so the router runs without a browser.
 */
export interface MessageTransport {
  request(message: RequestMessage): Promise<unknown>;
  connect(name: string): PortLike;
}
