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
 * The log (only with `verbose`, plus store up/down changes) never holds keys, tokens or data. The
 * checks and routes live in http-handler.ts; this file listens, times requests out and shuts down.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { EXPOSE_FLAG, isLoopbackAddress, type CompanionConfig } from './config.ts';
import { CompanionError } from './errors.ts';
import { createRequestHandler, errorBody, writeError, type RequestContext } from './http-handler.ts';
import { generateToken, RateLimiter, tokenChecker } from './security.ts';
import { SessionService } from './sessions.ts';
import { createStores } from './stores/create.ts';
import type { StoreAdapter } from './stores/types.ts';

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

/** One request in flight, watched by the timeout sweeper. */
interface Pending {
  res: ServerResponse;
  route: RequestContext;
  deadline: number;
  done: Promise<void>;
}

/**
 * Per-request timeouts: one sweeper instead of a timer per request (this is the hot path). A request
 * still unanswered at its deadline gets 504 ERR_TIMEOUT.
 */
function startTimeoutSweeper(pending: Set<Pending>, timeoutMs: number): NodeJS.Timeout {
  const sweeper = setInterval(
    () => {
      const t = performance.now();
      for (const p of pending) {
        if (p.deadline > t || p.res.headersSent) continue;
        writeError(p.res, 504, errorBody('ERR_TIMEOUT', `No answer within ${timeoutMs} ms`), p.route.cors);
        pending.delete(p);
      }
    },
    Math.max(10, Math.min(100, timeoutMs / 4)),
  );
  sweeper.unref();
  return sweeper;
}

/** Malformed requests, headers too large, headers too slow: a bare status line, then close. */
function onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  const status =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? '431 Request Header Fields Too Large'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? '408 Request Timeout'
        : '400 Bad Request';
  if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  else socket.destroy();
}

/** Listens, then warns when the address is reachable from the network; resolves to its URL. */
async function listen(server: Server, config: CompanionConfig, log: (line: string) => void): Promise<{ url: string; port: number }> {
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
  return { url: `http://${hostForUrl}:${addr.port}`, port: addr.port };
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
  let closing: Promise<void> | undefined;
  const handle = createRequestHandler({ config, service, checkToken, limiter, isClosing: () => closing !== undefined });
  const pending = new Set<Pending>();
  const sweeper = startTimeoutSweeper(pending, config.timeoutMs);

  const headersTimeout = config.headersTimeoutMs ?? 10_000;
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
      const entry: Pending = {
        res,
        route,
        deadline: started + config.timeoutMs,
        done: handle(req, res, route)
          .catch((e: unknown) => {
            if (res.headersSent) return;
            // A refused body may be unread: the connection is not reused.
            const headers = route.close ? [...(route.cors ?? []), 'connection', 'close'] : route.cors;
            if (e instanceof CompanionError) return writeError(res, e.status, errorBody(e.code, e.message, e.store), headers);
            log(`internal error in ${route.name}: ${e instanceof Error ? e.name : typeof e}`);
            writeError(res, 500, errorBody('ERR_INTERNAL', 'Internal error'), headers);
          })
          .finally(() => {
            pending.delete(entry);
            if (config.verbose) log(`${req.method} ${route.name} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms`);
          }),
      };
      pending.add(entry);
      // Drain (and drop) any body the client sends anyway; a PUT's body is read by its route.
      if (req.method !== 'PUT') req.resume();
    },
  );
  server.on('clientError', onClientError);
  const { url, port } = await listen(server, config, log);

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

  return { url, port, token, tokenGenerated, service, close };
}
