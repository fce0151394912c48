/**
 * Errors the companion answers with. Each carries a wire `code` (lib/protocol/companion.ts) and an
 * HTTP status; the HTTP handler is the one place that turns them into `{ ok: false, code, message }`.
 * Messages never contain session data, session keys, tokens or secret keys.
 */
import type { CompanionErrorCode } from '../protocol/index.ts';

/**
 * Base class of every error the companion raises on purpose.
 *
 * @example
 * throw new CompanionError('ERR_BAD_KEY', 400, 'A session key is 8–40 characters of [a-z0-9]')
 */
export class CompanionError extends Error {
  constructor(
    readonly code: CompanionErrorCode,
    readonly status: number,
    message: string,
    options?: { cause?: unknown; store?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CompanionError';
    this.store = options?.store;
  }
  /** The store at fault, when there is one. */
  readonly store: string | undefined;
}

/**
 * A store cannot be reached (connection refused, reset, timed out): HTTP 503. The server keeps
 * running and answers again as soon as the store is back.
 *
 * @example
 * throw new StoreUnavailableError('redis://127.0.0.1:6379/0', 'connection refused')
 */
export class StoreUnavailableError extends CompanionError {
  constructor(store: string, reason: string, options?: { cause?: unknown }) {
    super('ERR_STORE_UNAVAILABLE', 503, `Store ${store} is unavailable: ${reason}`, { ...options, store });
    this.name = 'StoreUnavailableError';
    this.reason = reason;
  }
  /** A short reason without secrets (e.g. `ECONNREFUSED`). */
  readonly reason: string;
}

/**
 * A short, secret-free reason for a low-level failure: the Node error code when there is one
 * (`ECONNREFUSED`, `ETIMEDOUT`, PostgreSQL's `57P01` …), else the error class name.
 *
 * @example
 * describeFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })) // 'ECONNREFUSED'
 */
export function describeFailure(e: unknown): string {
  if (e && typeof e === 'object') {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Za-z0-9_]{1,40}$/.test(code)) return code;
    if (typeof code === 'number') return String(code);
    if (e instanceof AggregateError && e.errors.length > 0) return describeFailure(e.errors[0]);
    if (e instanceof Error && /timed? ?out/i.test(e.message)) return 'ETIMEDOUT';
    if (e instanceof Error) return e.name;
  }
  return 'unknown failure';
}
