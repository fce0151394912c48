/**
 * HAR files (W3C HTTP Archive 1.2, what DevTools' "Save all as HAR" and Playwright's `recordHar`
 * write): the cookies a capture sent and received, and the policy run on every `Set-Cookie`.
 *
 * ```
 * {"log": {"version": "1.2", "entries": [{
 *   "request":  {"method": "POST", "url": "http://localhost:8000/login",
 *                "headers": [{"name": "Cookie", "value": "csrftoken=…; sessionid=.eJy…"}]},
 *   "response": {"status": 302,
 *                "headers": [{"name": "Set-Cookie", "value": "sessionid=.eJz…; HttpOnly; Path=/; SameSite=Lax"}]}}]}}
 * ```
 *
 * Read strictly where it matters and leniently elsewhere: only `request.method/url/headers` and
 * `response.status/headers` are required (zod), everything else is ignored. A header list that has
 * no cookie header falls back to the entry's `cookies` array (some tools write only that). Size
 * limits keep a hostile file from costing more than its bytes: {@link MAX_HAR_CHARS},
 * {@link MAX_HAR_ENTRIES}, {@link MAX_HAR_COOKIES}. Errors are the codec's typed ones:
 * `ERR_MALFORMED` (not JSON), `ERR_INVALID` (not a HAR: names the field), `ERR_LIMIT_EXCEEDED`.
 */
import { z } from 'zod';
import { LimitExceededError, MalformedInputError, ValidationError, parseCookieHeader } from '../codec/index.ts';
import { classifyCookie } from './classify.ts';
import { evaluateSetCookieHeaders } from './engine.ts';
import { getPreset, resolvePolicy, type Policy } from './policy.ts';
import { findingCookieKey, severityRank, type Finding } from './types.ts';

/** Longest HAR text read (characters): 64 Mi. */
export const MAX_HAR_CHARS = 64 * 1024 * 1024;
/** Most entries read. */
export const MAX_HAR_ENTRIES = 20_000;
/** Most cookie sightings kept (after removing repeats). */
export const MAX_HAR_COOKIES = 2_000;

const HeaderSchema = z.object({ name: z.string(), value: z.string() });
const CookieSchema = z.object({ name: z.string(), value: z.string() });
const EntrySchema = z.object({
  startedDateTime: z.string().optional(),
  request: z.object({ method: z.string(), url: z.string(), headers: z.array(HeaderSchema), cookies: z.array(CookieSchema).optional() }),
  response: z.object({ status: z.number(), headers: z.array(HeaderSchema), cookies: z.array(CookieSchema).optional() }),
});
const HarSchema = z.object({ log: z.object({ version: z.string().optional(), entries: z.array(EntrySchema).max(MAX_HAR_ENTRIES) }) });

/** One request/response pair, reduced to what cookies need. */
export interface HarExchange {
  /** Position in `log.entries`. */
  index: number;
  method: string;
  url: string;
  status: number;
  /** ISO 8601, when the HAR says. */
  startedAt?: string;
  /** `Cookie` request headers (HTTP/2 may send several). */
  cookieHeaders: string[];
  /** `Set-Cookie` response headers, one cookie each. */
  setCookies: string[];
}

/** A cookie seen in a capture: sent in a request's `Cookie` header, or set by a response's `Set-Cookie`. */
export interface HarCookie {
  source: 'request' | 'response';
  name: string;
  value: string;
  /** The first exchange it was seen in, and how many times it was seen with this value. */
  exchange: number;
  method: string;
  url: string;
  status: number;
  seen: number;
  /** `session`, `csrf` or `other`, under the policy for the exchange's host. */
  kind: 'session' | 'csrf' | 'other';
}

/** A policy finding from a `Set-Cookie`, with the exchange that sent it first. */
export interface HarFinding extends Finding {
  exchange: number;
  method: string;
  url: string;
  status: number;
}

/** What a capture says about its cookies. */
export interface HarAnalysis {
  exchanges: number;
  /** Every distinct cookie value seen (session cookies first), up to {@link MAX_HAR_COOKIES}. */
  cookies: HarCookie[];
  /** One per rule and cookie (repeats across responses dropped), most severe first. */
  findings: HarFinding[];
  /** Set-Cookie headers a browser would ignore, and parser warnings. */
  warnings: string[];
}

function headerValues(headers: readonly { name: string; value: string }[], name: string): string[] {
  // Firefox and some tools join several Set-Cookie headers with newlines.
  return headers.filter((h) => h.name.toLowerCase() === name).flatMap((h) => h.value.split('\n').filter((v) => v.trim() !== ''));
}

/**
 * Parses HAR text into its exchanges. Throws `ERR_MALFORMED`, `ERR_INVALID` or `ERR_LIMIT_EXCEEDED`.
 *
 * @example
 * parseHar(text)[0] // { index: 0, method: 'GET', url: 'http://localhost:8000/', status: 200, cookieHeaders: [], setCookies: ['sessionid=…'] }
 */
export function parseHar(text: string): HarExchange[] {
  if (text.length > MAX_HAR_CHARS) throw new LimitExceededError(`HAR file is ${text.length} characters, over the ${MAX_HAR_CHARS} limit`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new MalformedInputError(`HAR file is not JSON: ${e instanceof Error ? e.message.slice(0, 120) : 'parse error'}`);
  }
  const entries = (raw as { log?: { entries?: unknown } } | null)?.log?.entries;
  if (Array.isArray(entries) && entries.length > MAX_HAR_ENTRIES) {
    throw new LimitExceededError(`HAR file has ${entries.length} entries, over the ${MAX_HAR_ENTRIES} limit`);
  }
  const r = HarSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    throw new ValidationError(issues, 'HAR file');
  }
  return r.data.log.entries.map((e, index) => {
    let cookieHeaders = headerValues(e.request.headers, 'cookie');
    if (cookieHeaders.length === 0 && e.request.cookies?.length) cookieHeaders = [e.request.cookies.map((c) => `${c.name}=${c.value}`).join('; ')];
    let setCookies = headerValues(e.response.headers, 'set-cookie');
    if (setCookies.length === 0 && e.response.cookies?.length) setCookies = e.response.cookies.map((c) => `${c.name}=${c.value}`);
    const x: HarExchange = { index, method: e.request.method, url: e.request.url, status: e.response.status, cookieHeaders, setCookies };
    if (e.startedDateTime !== undefined) x.startedAt = e.startedDateTime;
    return x;
  });
}

function hostname(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

const KIND_ORDER = { session: 0, csrf: 1, other: 2 } as const;

/**
 * The cookies a capture sent and set, and the policy's findings on every `Set-Cookie` (evaluated
 * against the URL that sent it).
 *
 * @example
 * const { cookies, findings } = analyzeHar(parseHar(text), { policy: getPreset('django-default') });
 * cookies.filter((c) => c.kind === 'session') // decode these
 */
export function analyzeHar(exchanges: readonly HarExchange[], options: { policy?: Policy; now?: number } = {}): HarAnalysis {
  const cookies = new Map<string, HarCookie>();
  const findings = new Map<string, HarFinding>();
  const warnings: string[] = [];
  const urls = exchanges.map((x) => x.url);
  for (const x of exchanges) {
    const host = hostname(x.url);
    const effective = resolvePolicy(options.policy ?? getPreset('django-default'), host || 'localhost');
    const kindOf = (name: string) => classifyCookie(name, effective);
    const see = (source: HarCookie['source'], name: string, value: string) => {
      const key = `${source}\n${name}\n${value}`;
      const seen = cookies.get(key);
      if (seen) seen.seen++;
      else if (cookies.size < MAX_HAR_COOKIES) cookies.set(key, { source, name, value, exchange: x.index, method: x.method, url: x.url, status: x.status, seen: 1, kind: kindOf(name) });
    };
    for (const h of x.cookieHeaders) for (const p of parseCookieHeader(`Cookie: ${h}`)) see('request', p.name, p.value);
    if (x.setCookies.length === 0) continue;
    const r = evaluateSetCookieHeaders(x.setCookies, {
      ...(host ? { url: x.url } : {}),
      relatedUrls: urls,
      ...(options.policy ? { policy: options.policy } : {}),
      ...(options.now !== undefined ? { now: options.now } : {}),
    });
    for (const c of r.cookies) see('response', c.name, c.value);
    for (const f of r.findings) {
      const key = `${f.rule}\n${findingCookieKey({ ...f, name: f.cookie })}`;
      if (!findings.has(key)) findings.set(key, { ...f, exchange: x.index, method: x.method, url: x.url, status: x.status });
    }
    warnings.push(...r.warnings.map((w) => `${x.method} ${x.url}: ${w}`), ...r.ignored.map((i) => `${x.method} ${x.url}: ignored Set-Cookie "${i.header.slice(0, 60)}": ${i.reason}`));
  }
  const list = [...cookies.values()].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.exchange - b.exchange);
  const sorted = [...findings.values()].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.exchange - b.exchange);
  return { exchanges: exchanges.length, cookies: list, findings: sorted, warnings: warnings.slice(0, 200) };
}
