/**
 * The companion HTTP server (node:http, JSON, read-only unless `--allow-write`).
 *
 * Every request passes, in order: URL and body size limits → a loopback Host header (403
 * ERR_FORBIDDEN_HOST; two Host headers: 400) → an allowed Origin if one is sent (403
 * ERR_FORBIDDEN_ORIGIN) → the per-client rate limit (429) → CORS preflight → `GET /v1/health` (without
 * a token: only "alive"; the store list needs the token) → `Authorization: Bearer` (401) → the
 * route, under a per-request timeout (504). Slow headers get 408; answers sent while shutting down
 * carry `Connection: close`. A store that is down answers 503
 * ERR_STORE_UNAVAILABLE. Errors are caught here, once, and written as `{ ok: false, code, message }`.
 * The log (only with `verbose`, plus store up/down changes) never holds keys, tokens or data.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { stringifyJson } from '../codec/index.ts';
import { COMPANION_API_PREFIX, SessionKeySchema, SessionListQuerySchema, type CompanionErrorCode } from '../protocol/index.ts';
import { EXPOSE_FLAG, isLoopbackAddress, type CompanionConfig } from './config.ts';
import { CompanionError } from './errors.ts';
import { generateToken, isAllowedHost, isAllowedOrigin, RateLimiter, tokenChecker } from './security.ts';
import { SessionService, type SessionRecord } from './sessions.ts';
import { createStores } from './stores/create.ts';
import type { StoreAdapter } from './stores/types.ts';

/** The companion's version, reported by health. */
export const COMPANION_VERSION = '0.1.0';

/** Longest request target accepted. */
const MAX_URL = 2048;

/** Options of {@link startCompanionServer}. */
export interface CompanionServerOptions {
  config: CompanionConfig;
  /** Ready-made stores (tests); default: created from `config.stores`. */
  stores?: StoreAdapter[];
  /** Where log lines go (default: nowhere). */
  log?: (line: string) => void;
  /** Milliseconds since the epoch (tests). */
  now?: () => number;
}

/** A running companion. */
export interface CompanionServer {
  /** `http://host:port` */
  url: string;
  port: number;
  /** The bearer token in force. */
  token: string;
  /** True when the token was generated at start (the caller prints it once). */
  tokenGenerated: boolean;
  service: SessionService;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), closes the stores. */
  close(graceMs?: number): Promise<void>;
}

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

function writeError(res: ServerResponse, status: number, body: string, cors?: readonly string[]): void {
  if (res.headersSent || res.writableEnded) return;
  res.writeHead(status, [...BASE_HEADERS, 'content-length', String(Buffer.byteLength(body)), ...(cors ?? [])]);
  res.end(body);
}

/** What the handler learns about a request that the error and timeout paths need too. */
interface RequestContext {
  /** The route template, for the log (never the path itself: it holds the key). */
  name: string;
  /** CORS headers for an allowed Origin, sent with every answer, errors included. */
  cors?: string[];
}

/** `GET /v1/health` without a token. */
const ALIVE_BODY = JSON.stringify({ ok: true, name: 'session-lens-companion', version: COMPANION_VERSION });

/** How many Host headers a request carried (node:http keeps only the first in `headers.host`). */
function hostHeaderCount(raw: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === 'host') n++;
  return n;
}

function errorBody(code: CompanionErrorCode, message: string, store?: string): string {
  return JSON.stringify({ ok: false, code, message, ...(store ? { store } : {}) });
}

/** The JSON of a found session, written by the codec's exact-JSON writer. */
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

/**
 * Starts the companion and resolves once it listens.
 *
 * @example
 * const server = await startCompanionServer({ config: parseServeConfig(argv, process.env, process.cwd()) as CompanionConfig });
 * console.log(server.url, server.token);
 * await server.close();
 */
export async function startCompanionServer(opts: CompanionServerOptions): Promise<CompanionServer> {
  const { config } = opts;
  if (!config.exposeOnNetwork && !isLoopbackAddress(config.host)) {
    throw new CompanionError('ERR_BAD_REQUEST', 400, `${config.host} is not a loopback address; binding it needs --${EXPOSE_FLAG}`);
  }
  const log = opts.log ?? (() => {});
  const now = opts.now ?? Date.now;
  const tokenGenerated = !config.token;
  const token = config.token ?? generateToken();
  const checkToken = tokenChecker(token);
  const limiter = new RateLimiter(config.rateLimit, config.rateLimit);
  const stores = opts.stores ?? (await createStores(config.stores, { readOnly: !config.allowWrite, timeoutMs: Math.max(50, config.timeoutMs - 100) }));
  const service = new SessionService(stores, {
    keys: config.secretKeys,
    salt: config.salt,
    now,
    onStoreState: (store, up, reason) => log(up ? `store ${store} is back` : `store ${store} is unavailable (${reason ?? 'unknown'})`),
  });
  const allowMethods = config.allowWrite ? 'GET, DELETE, OPTIONS' : 'GET, OPTIONS';

  const handle = async (req: IncomingMessage, res: ServerResponse, route: RequestContext): Promise<void> => {
    const send = (status: number, body: string, extra?: Record<string, string>) => {
      if (res.headersSent || res.writableEnded) return;
      const h = [...BASE_HEADERS, 'content-length', String(Buffer.byteLength(body))];
      if (route.cors) h.push(...route.cors);
      if (extra) for (const k in extra) h.push(k, extra[k]!);
      if (closing && !extra?.connection) h.push('connection', 'close');
      res.writeHead(status, h);
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const fail = (status: number, code: CompanionErrorCode, message: string, extra?: Record<string, string>) => send(status, errorBody(code, message), extra);
    const unauthorized = () => fail(401, 'ERR_UNAUTHORIZED', 'Missing or wrong bearer token', { 'www-authenticate': 'Bearer realm="session-lens"' });

    const target = req.url ?? '/';
    if (target.length > MAX_URL) return fail(414, 'ERR_TOO_LARGE', `Request target longer than ${MAX_URL} characters`, { connection: 'close' });
    const hasBody = (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;
    if (hasBody) return fail(413, 'ERR_TOO_LARGE', 'This API takes no request body', { connection: 'close' });
    if (hostHeaderCount(req.rawHeaders) > 1) return fail(400, 'ERR_BAD_REQUEST', 'More than one Host header', { connection: 'close' });
    if (!isAllowedHost(req.headers.host, config.allowHosts)) return fail(403, 'ERR_FORBIDDEN_HOST', 'Host header must name the loopback interface');
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (!isAllowedOrigin(origin, config.allowOrigins)) return fail(403, 'ERR_FORBIDDEN_ORIGIN', 'Origin not allowed');
      route.cors = ['access-control-allow-origin', origin, 'vary', 'Origin'];
    }
    const client = req.socket.remoteAddress ?? 'unknown';
    if (!limiter.take(client)) return fail(429, 'ERR_RATE_LIMITED', 'Too many requests', { 'retry-after': '1' });

    const q = target.indexOf('?');
    const path = q === -1 ? target : target.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : target.slice(q + 1));
    const method = req.method ?? 'GET';

    if (method === 'OPTIONS') {
      route.name = 'preflight';
      return send(204, '', {
        'access-control-allow-methods': allowMethods,
        'access-control-allow-headers': 'Authorization',
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
      const parsed = SessionListQuerySchema.safeParse({ limit: query.get('limit') ?? undefined });
      if (!parsed.success) return fail(400, 'ERR_BAD_REQUEST', 'limit must be a whole number from 1 to 1000');
      const { sessions, unlisted } = await service.list(parsed.data.limit);
      const body = JSON.stringify({
        sessions: sessions.map((s) => ({ ...s, expireDate: s.expireDate ? s.expireDate.toISOString() : null })),
        unlisted,
      });
      return send(200, body);
    }

    const prefix = `${COMPANION_API_PREFIX}/sessions/`;
    if (path.startsWith(prefix) && !path.slice(prefix.length).includes('/')) {
      route.name = '/v1/sessions/{key}';
      const key = path.slice(prefix.length);
      if (method === 'DELETE') {
        if (!config.allowWrite) return fail(405, 'ERR_READ_ONLY', 'The server is read-only; start it with --allow-write to delete', { allow: 'GET' });
      } else if (!isGet) {
        return fail(405, 'ERR_METHOD_NOT_ALLOWED', `Use ${config.allowWrite ? 'GET or DELETE' : 'GET'}`, { allow: config.allowWrite ? 'GET, DELETE' : 'GET' });
      }
      // Validated before any store sees it: 8–40 characters of [a-z0-9], nothing else.
      if (!SessionKeySchema.safeParse(key).success) return fail(400, 'ERR_BAD_KEY', 'A session key is 8–40 characters of [a-z0-9]');
      if (method === 'DELETE') {
        const deleted = await service.delete(key);
        return send(200, JSON.stringify({ key, deleted }));
      }
      const record = await service.get(key);
      if (!record) return send(404, JSON.stringify({ key, found: false }));
      return send(200, sessionBody(record));
    }

    route.name = '(unknown)';
    return fail(404, 'ERR_NOT_FOUND', 'No such endpoint');
  };

  // Per-request timeouts: one sweeper instead of a timer per request (this is the hot path).
  const pending = new Set<{ res: ServerResponse; route: RequestContext; deadline: number; done: Promise<void> }>();
  const sweeper = setInterval(
    () => {
      const t = performance.now();
      for (const p of pending) {
        if (p.deadline > t || p.res.headersSent) continue;
        writeError(p.res, 504, errorBody('ERR_TIMEOUT', `No answer within ${config.timeoutMs} ms`), p.route.cors);
        pending.delete(p);
      }
    },
    Math.max(10, Math.min(100, config.timeoutMs / 4)),
  );
  sweeper.unref();

  const headersTimeout = config.headersTimeoutMs ?? 10_000;
  let closing: Promise<void> | undefined;
  const server: Server = createServer(
    {
      maxHeaderSize: 8192,
      requestTimeout: 30_000,
      headersTimeout,
      keepAliveTimeout: 5_000,
      // node:http checks the two timeouts above only this often (default 30 s).
      connectionsCheckingInterval: Math.min(1000, Math.max(50, headersTimeout / 2)),
    },
    (req, res) => {
      const started = performance.now();
      const route: RequestContext = { name: '(rejected)' };
      const entry = {
        res,
        route,
        deadline: started + config.timeoutMs,
        done: handle(req, res, route)
          .catch((e: unknown) => {
            if (res.headersSent) return;
            if (e instanceof CompanionError) return writeError(res, e.status, errorBody(e.code, e.message, e.store), route.cors);
            log(`internal error in ${route.name}: ${e instanceof Error ? e.name : typeof e}`);
            writeError(res, 500, errorBody('ERR_INTERNAL', 'Internal error'), route.cors);
          })
          .finally(() => {
            pending.delete(entry);
            if (config.verbose) log(`${req.method} ${route.name} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms`);
          }),
      };
      pending.add(entry);
      // Drain (and drop) any body the client sends anyway.
      req.resume();
    },
  );
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const status =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  if (!isLoopbackAddress(addr.address)) {
    log(
      `WARNING: listening on ${addr.address}, reachable from the network. The API is plain HTTP: the token ` +
        'and every session it serves cross the network unencrypted. Use this only on a network you trust.',
    );
  }
  const hostForUrl = addr.family === 'IPv6' || addr.address.includes(':') ? `[${addr.address}]` : addr.address;

  const close = (graceMs = 3000): Promise<void> => {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.allSettled([...pending].map((p) => p.done)), grace]);
      clearInterval(sweeper);
      server.closeAllConnections();
      await closed;
      await service.close();
    })();
    return closing;
  };

  return { url: `http://${hostForUrl}:${addr.port}`, port: addr.port, token, tokenGenerated, service, close };
}
