/**
 * Talking to the companion server from the background: `GET /v1/health` and
 * `GET /v1/sessions/{key}` with the Bearer token, every answer validated with
 * lib/protocol/companion.ts. The token goes only to the configured URL; secret keys never do.
 */
import { isSessionObject, parseExactJson, stringifyJson, type SessionValue } from '../codec/index.ts';
import {
  companionUrlError,
  ErrorResponseSchema,
  HealthResponseSchema,
  ProtocolError,
  SessionKeySchema,
  SessionResponseSchema,
  type CompanionLookupView,
  type CompanionStatus,
} from '../protocol/index.ts';

/** Where the companion is and how to authenticate. */
export interface CompanionConfig {
  url: string;
  token: string;
}

/** Longest wait for the companion, ms. */
export const COMPANION_TIMEOUT_MS = 5_000;
/** Largest answer read, bytes. */
const MAX_BODY = 2 * 1024 * 1024;

/** `fetch`, as the background is given it (tests pass their own). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * One call to the companion (GET unless `write` says otherwise): the token, a timeout, no
 * cookies, no redirects, and a bounded answer.
 *
 * @example
 * const { status, body, text } = await get(config, '/v1/health', fetch);
 */
export async function get(
  config: CompanionConfig,
  path: string,
  fetchFn: FetchLike,
  write?: { method: 'PUT' | 'DELETE'; json?: string },
): Promise<{ status: number; body: unknown; text: string }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (config.token) headers.authorization = `Bearer ${config.token}`;
  if (write?.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetchFn(`${config.url}${path}`, {
    headers,
    ...(write ? { method: write.method, ...(write.json !== undefined ? { body: write.json } : {}) } : {}),
    signal: AbortSignal.timeout(COMPANION_TIMEOUT_MS),
    credentials: 'omit',
    redirect: 'error',
  });
  const text = await res.text();
  if (text.length > MAX_BODY) throw new ProtocolError('ERR_COMPANION', `The companion's answer is larger than ${MAX_BODY} bytes`);
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: validated below
  }
  return { status: res.status, body, text };
}

const originOf = (url: string): string | null => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/**
 * What "Test connection" tests: the URL and token typed in, else the saved ones — but the saved
 * token only ever goes to the origin it was saved for, never to a newly typed URL.
 *
 * @example
 * testConfigFor({ url: 'http://127.0.0.1:8399', token: 't' }, { url: 'https://other.example' }) // { url: 'https://other.example', token: '' }
 */
export function testConfigFor(saved: CompanionConfig, typed: { url?: string; token?: string }): CompanionConfig {
  const url = (typed.url ?? saved.url).replace(/\/+$/, '');
  const origin = originOf(url);
  const sameOrigin = origin !== null && origin === originOf(saved.url);
  return { url, token: typed.token ?? (sameOrigin ? saved.token : '') };
}

/**
 * Checks the connection: health (which checks the token when one is set), then an authenticated call.
 *
 * @example
 * await testCompanion({ url: 'http://127.0.0.1:8399', token: 't' }) // { state: 'connected', … }
 */
export async function testCompanion(config: CompanionConfig, fetchFn: FetchLike = fetch): Promise<CompanionStatus> {
  const url = config.url;
  if (!url) return { state: 'not-configured', message: 'No companion URL is set', url };
  const refused = companionUrlError(url);
  if (refused) return { state: 'bad-response', message: refused, url };
  try {
    // With a token, health checks it (401) and lists the stores; without one it only says "alive".
    const health = await get(config, '/v1/health', fetchFn);
    const denied = ErrorResponseSchema.safeParse(health.body);
    if (health.status === 401 && denied.success && denied.data.code === 'ERR_UNAUTHORIZED') {
      return { state: 'unauthorized', message: 'The companion refused the token', url };
    }
    const h = HealthResponseSchema.safeParse(health.body);
    if (!h.success) return { state: 'bad-response', message: `Not a Session Lens companion (HTTP ${health.status})`, url };
    // Any well-formed key: a 404 means the token was accepted, a 401 that it was not.
    const probe = await get(config, `/v1/sessions/${'0'.repeat(32)}`, fetchFn);
    const err = ErrorResponseSchema.safeParse(probe.body);
    if (err.success && err.data.code === 'ERR_UNAUTHORIZED') {
      return { state: 'unauthorized', message: 'The companion refused the token', url };
    }
    const stores = h.data.stores ?? [];
    const down = stores.filter((s) => !s.reachable).length;
    return {
      state: 'connected',
      message: `Connected to ${h.data.name} ${h.data.version}: ${stores.length} store(s)${down ? `, ${down} unreachable` : ''}`,
      url,
    };
  } catch (e) {
    if (e instanceof ProtocolError) return { state: 'bad-response', message: e.message, url };
    return { state: 'unreachable', message: `Cannot reach ${url}`, url };
  }
}

/**
 * Throws `ERR_NOT_CONFIGURED` unless a usable companion URL is set.
 *
 * @example
 * checkConfigured({ url: '', token: '' }) // throws ProtocolError('ERR_NOT_CONFIGURED', …)
 */
export function checkConfigured(config: CompanionConfig): void {
  if (!config.url) throw new ProtocolError('ERR_NOT_CONFIGURED', 'No companion URL is set (Options → Companion)');
  const refused = companionUrlError(config.url);
  if (refused) throw new ProtocolError('ERR_NOT_CONFIGURED', `${refused} (Options → Companion)`);
}

/**
 * Looks up an opaque session key on the companion. Data comes back as exact JSON text.
 *
 * @example
 * const view = await lookupSession({ url, token }, 'k3…');
 */
export async function lookupSession(config: CompanionConfig, key: string, fetchFn: FetchLike = fetch): Promise<CompanionLookupView> {
  checkConfigured(config);
  if (!SessionKeySchema.safeParse(key).success) throw new ProtocolError('ERR_BAD_REQUEST', 'Not a session key (8–40 characters of [a-z0-9])');
  let res: Awaited<ReturnType<typeof get>>;
  let readOnly: boolean | undefined;
  try {
    const [r, health] = await Promise.all([get(config, `/v1/sessions/${key}`, fetchFn), get(config, '/v1/health', fetchFn).catch(() => null)]);
    res = r;
    readOnly = HealthResponseSchema.safeParse(health?.body).data?.readOnly;
  } catch (e) {
    if (e instanceof ProtocolError) throw e;
    throw new ProtocolError('ERR_COMPANION', `Cannot reach the companion at ${config.url}`);
  }
  const err = ErrorResponseSchema.safeParse(res.body);
  if (err.success) throw new ProtocolError('ERR_COMPANION', `Companion: ${err.data.code}: ${err.data.message.slice(0, 300)}`);
  const parsed = SessionResponseSchema.safeParse(res.body);
  if (!parsed.success) throw new ProtocolError('ERR_COMPANION', `Unexpected answer from the companion (HTTP ${res.status})`);
  const r = parsed.data;
  const ro = readOnly === undefined ? {} : { readOnly };
  if (!r.found) return { key, found: false, store: null, expireDate: null, expired: null, verified: null, json: null, ...ro };
  // Re-read the body with the codec so integers beyond 2^53 stay exact.
  let data: SessionValue = null;
  try {
    const exact = parseExactJson(res.text);
    if (isSessionObject(exact)) data = exact.data ?? null;
  } catch {
    data = null;
  }
  return {
    key,
    found: true,
    store: r.store,
    expireDate: r.expireDate,
    expired: r.expired,
    verified: r.verified,
    json: r.data === null ? null : stringifyJson(data, 2),
    ...ro,
  };
}
