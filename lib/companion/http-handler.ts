/**
 * The companion's request handler: the checks every request passes before a route (URL and body
 * size, one loopback Host, an allowed Origin, the rate limit), then the routes of the `/v1` API.
 * It writes answers and throws {@link CompanionError}s; the server catches them, once, and adds the
 * per-request timeout (see server.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stringifyJson } from '../codec/index.ts';
import { COMPANION_API_PREFIX, SessionKeySchema, SessionListQuerySchema, type CompanionErrorCode } from '../protocol/index.ts';
import type { CompanionConfig } from './config.ts';
import { isAllowedHost, isAllowedOrigin, type RateLimiter } from './security.ts';
import { readSessionUpdate } from './body.ts';
import type { SessionRecord, SessionService } from './sessions.ts';

/** The companion's version, reported by health. */
export const COMPANION_VERSION = '0.1.0';

/** Longest request target accepted. */
const MAX_URL = 2048;

/** Sent with every answer (a flat name/value list: cheaper for node:http than an object). */
const BASE_HEADERS: readonly string[] = [
  'content-type',
  'application/json; charset=utf-8',
  'cache-control',
  'no-store',
  'x-content-type-options',
  'nosniff',
  'referrer-policy',
  'no-referrer',
];

/**
 * Writes an error answer unless one was already sent (the catch-all and timeout paths).
 *
 * @example
 * writeError(res, 504, errorBody('ERR_TIMEOUT', 'No answer within 5000 ms'), route.cors);
 */
export function writeError(res: ServerResponse, status: number, body: string, cors?: readonly string[]): void {
  if (res.headersSent || res.writableEnded) return;
  res.writeHead(status, [...BASE_HEADERS, 'content-length', String(Buffer.byteLength(body)), ...(cors ?? [])]);
  res.end(body);
}

/** What the handler learns about a request that the error and timeout paths need too. */
export interface RequestContext {
  /** The route template, for the log (never the path itself: it holds the key). */
  name: string;
  /** CORS headers for an allowed Origin, sent with every answer, errors included. */
  cors?: string[];
  /** The request carries a body: an answer sent before it was read closes the connection. */
  close?: boolean;
}

/** `GET /v1/health` without a token. */
const ALIVE_BODY = JSON.stringify({ ok: true, name: 'session-lens-companion', version: COMPANION_VERSION });

/** How many Host headers a request carried (node:http keeps only the first in `headers.host`). */
function hostHeaderCount(raw: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === 'host') n++;
  return n;
}

/**
 * The wire form of an error: `{ ok: false, code, message, store? }`.
 *
 * @example
 * errorBody('ERR_NOT_FOUND', 'No such endpoint') // '{"ok":false,"code":"ERR_NOT_FOUND","message":"No such endpoint"}'
 */
export function errorBody(code: CompanionErrorCode, message: string, store?: string): string {
  return JSON.stringify({ ok: false, code, message, ...(store ? { store } : {}) });
}

/**
 * The JSON of a found session, written by the codec's exact-JSON writer.
 *
 * @example
 * sessionBody(await service.get(key)) // '{"key":"…","found":true,"store":"db",…}'
 */
export function sessionBody(r: SessionRecord): string {
  return stringifyJson({
    key: r.key,
    found: true,
    store: r.store,
    expireDate: r.expireDate ? r.expireDate.toISOString() : null,
    expired: r.expired,
    verified: r.verified,
    data: r.data,
    error: r.error ? { code: r.error.code, message: r.error.message } : undefined,
  });
}

/** What the handler works with. */
export interface HandlerDeps {
  config: CompanionConfig;
  service: SessionService;
  /** True when an `Authorization` header carries the token (constant time). */
  checkToken: (authorization: string | undefined) => boolean;
  limiter: RateLimiter;
  /** True once the server is shutting down (answers then carry `Connection: close`). */
  isClosing: () => boolean;
}

/** The two ways a request is answered. */
interface Reply {
  send(status: number, body: string, extra?: Record<string, string>): void;
  fail(status: number, code: CompanionErrorCode, message: string, extra?: Record<string, string>): void;
}

function replyTo(req: IncomingMessage, res: ServerResponse, route: RequestContext, isClosing: () => boolean): Reply {
  const send = (status: number, body: string, extra?: Record<string, string>) => {
    if (res.headersSent || res.writableEnded) return;
    const h = [...BASE_HEADERS, 'content-length', String(Buffer.byteLength(body))];
    if (route.cors) h.push(...route.cors);
    if (extra) for (const k in extra) h.push(k, extra[k]!);
    if ((isClosing() || route.close) && !extra?.connection) h.push('connection', 'close');
    res.writeHead(status, h);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  return { send, fail: (status, code, message, extra) => send(status, errorBody(code, message), extra) };
}

/**
 * The checks before any route: size limits, one allowed Host, an allowed Origin (which sets the
 * CORS headers), the rate limit. Answers and returns false when the request is refused.
 */
function admit(req: IncomingMessage, reply: Reply, route: RequestContext, deps: HandlerDeps): boolean {
  const { config } = deps;
  const refuse = (...args: Parameters<Reply['fail']>) => (reply.fail(...args), false);
  if ((req.url ?? '/').length > MAX_URL) return refuse(414, 'ERR_TOO_LARGE', `Request target longer than ${MAX_URL} characters`, { connection: 'close' });
  const hasBody = (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;
  // Only PUT takes a body (checked, and read with its limit, by its route); it closes the connection until then.
  if (hasBody && req.method !== 'PUT') return refuse(413, 'ERR_TOO_LARGE', 'This API takes no request body', { connection: 'close' });
  if (hasBody) route.close = true;
  if (hostHeaderCount(req.rawHeaders) > 1) return refuse(400, 'ERR_BAD_REQUEST', 'More than one Host header', { connection: 'close' });
  if (!isAllowedHost(req.headers.host, config.allowHosts)) return refuse(403, 'ERR_FORBIDDEN_HOST', 'Host header must name the loopback interface');
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (!isAllowedOrigin(origin, config.allowOrigins)) return refuse(403, 'ERR_FORBIDDEN_ORIGIN', 'Origin not allowed');
    route.cors = ['access-control-allow-origin', origin, 'vary', 'Origin'];
  }
  const client = req.socket.remoteAddress ?? 'unknown';
  if (!deps.limiter.take(client)) return refuse(429, 'ERR_RATE_LIMITED', 'Too many requests', { 'retry-after': '1' });
  return true;
}

/**
 * `/v1/sessions/{key}`: GET reads one session; PUT rewrites its data and DELETE removes it (both
 * only with `--allow-write`).
 */
async function sessionRoute(req: IncomingMessage, key: string, reply: Reply, deps: HandlerDeps): Promise<void> {
  const { config, service } = deps;
  const method = req.method ?? 'GET';
  const isGet = method === 'GET' || method === 'HEAD';
  if (method === 'DELETE' || method === 'PUT') {
    if (!config.allowWrite) return reply.fail(405, 'ERR_READ_ONLY', `The server is read-only; start it with --allow-write to ${method === 'PUT' ? 'edit' : 'delete'}`, { allow: 'GET' });
  } else if (!isGet) {
    return reply.fail(405, 'ERR_METHOD_NOT_ALLOWED', `Use ${config.allowWrite ? 'GET, PUT or DELETE' : 'GET'}`, { allow: config.allowWrite ? 'GET, PUT, DELETE' : 'GET' });
  }
  // Validated before any store sees it: 8–40 characters of [a-z0-9], nothing else.
  if (!SessionKeySchema.safeParse(key).success) return reply.fail(400, 'ERR_BAD_KEY', 'A session key is 8–40 characters of [a-z0-9]');
  if (method === 'DELETE') {
    const deleted = await service.delete(key);
    return reply.send(200, JSON.stringify({ key, deleted }));
  }
  if (method === 'PUT') {
    const data = await readSessionUpdate(req);
    const updated = await service.update(key, data);
    if (!updated) return reply.send(404, JSON.stringify({ key, found: false }));
    return reply.send(200, JSON.stringify({ key, updated }));
  }
  const record = await service.get(key);
  if (!record) return reply.send(404, JSON.stringify({ key, found: false }));
  return reply.send(200, sessionBody(record));
}

/**
 * The handler of every request: admission checks, preflight, health, the bearer token, the routes.
 * `route` is filled in as it goes (CORS headers, the route's name for the log).
 *
 * @example
 * const handle = createRequestHandler({ config, service, checkToken, limiter, isClosing: () => false });
 * await handle(req, res, { name: '(rejected)' });
 */
export function createRequestHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse, route: RequestContext) => Promise<void> {
  const { config, service, checkToken } = deps;
  const allowMethods = config.allowWrite ? 'GET, PUT, DELETE, OPTIONS' : 'GET, OPTIONS';

  return async (req, res, route) => {
    const reply = replyTo(req, res, route, deps.isClosing);
    const { send, fail } = reply;
    const unauthorized = () => fail(401, 'ERR_UNAUTHORIZED', 'Missing or wrong bearer token', { 'www-authenticate': 'Bearer realm="session-lens"' });
    if (!admit(req, reply, route, deps)) return;

    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = q === -1 ? target : target.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : target.slice(q + 1));
    const method = req.method ?? 'GET';

    if (method === 'OPTIONS') {
      route.name = 'preflight';
      return send(204, '', {
        'access-control-allow-methods': allowMethods,
        'access-control-allow-headers': config.allowWrite ? 'Authorization, Content-Type' : 'Authorization',
        'access-control-max-age': '600',
      });
    }
    const isGet = method === 'GET' || method === 'HEAD';

    if (path === `${COMPANION_API_PREFIX}/health`) {
      route.name = '/v1/health';
      if (!isGet) return fail(405, 'ERR_METHOD_NOT_ALLOWED', 'Use GET', { allow: 'GET' });
      // Without a token: alive, nothing more (store names, kinds and reachability need the token).
      if (req.headers.authorization === undefined) return send(200, ALIVE_BODY);
      if (!checkToken(req.headers.authorization)) return unauthorized();
      const stores = await service.health();
      return send(200, JSON.stringify({ ok: stores.every((s) => s.reachable), name: 'session-lens-companion', version: COMPANION_VERSION, readOnly: !config.allowWrite, stores }));
    }

    if (!checkToken(req.headers.authorization)) return unauthorized();

    if (path === `${COMPANION_API_PREFIX}/sessions`) {
      route.name = '/v1/sessions';
      if (!isGet) return fail(405, 'ERR_METHOD_NOT_ALLOWED', 'Use GET', { allow: 'GET' });
      const parsed = SessionListQuerySchema.safeParse({ limit: query.get('limit') ?? undefined, user: query.get('user') ?? undefined });
      if (!parsed.success) return fail(400, 'ERR_BAD_REQUEST', 'limit must be a whole number from 1 to 1000, user 1–150 characters');
      const { sessions, unlisted } = await service.list(parsed.data.limit, parsed.data.user);
      const body = JSON.stringify({
        sessions: sessions.map((s) => ({ ...s, expireDate: s.expireDate ? s.expireDate.toISOString() : null })),
        unlisted,
      });
      return send(200, body);
    }

    const prefix = `${COMPANION_API_PREFIX}/sessions/`;
    if (path.startsWith(prefix) && !path.slice(prefix.length).includes('/')) {
      route.name = '/v1/sessions/{key}';
      return sessionRoute(req, path.slice(prefix.length), reply, deps);
    }

    route.name = '(unknown)';
    return fail(404, 'ERR_NOT_FOUND', 'No such endpoint');
  };
}
