/**
 * The companion's front door: loopback-only Host names (against DNS rebinding), the CORS origins
 * it answers, a constant-time bearer token check, and per-client rate limits.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const IPV4_LOOPBACK = /^127\.(?:\d{1,3})\.(?:\d{1,3})\.(?:\d{1,3})$/;

/**
 * The host name of a Host header, lower-cased, without port, brackets or a trailing dot;
 * `null` when the header is malformed.
 *
 * @example
 * hostName('[::1]:8399') // '::1'
 */
export function hostName(header: string | undefined): string | null {
  if (!header || header.length > 255) return null;
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end === -1) return null;
    const rest = h.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return null;
    return h.slice(1, end);
  }
  const m = /^([a-z0-9.-]+)(?::\d{1,5})?$/.exec(h);
  return m ? m[1]!.replace(/\.$/, '') : null;
}

/**
 * True when the Host header names this machine's loopback (`localhost`, `127.x.y.z`, `::1`) or a
 * name given with `--allow-host`. A DNS-rebinding page reaches 127.0.0.1 under its own host name,
 * which this refuses.
 *
 * @example
 * isAllowedHost('127.0.0.1:8399', []) // true
 * isAllowedHost('evil.example:8399', []) // false
 */
export function isAllowedHost(header: string | undefined, extra: readonly string[]): boolean {
  const name = hostName(header);
  if (name === null) return false;
  if (name === 'localhost' || name === '::1' || name === '0:0:0:0:0:0:0:1' || IPV4_LOOPBACK.test(name)) return true;
  return extra.some((e) => hostName(e) === name);
}

/** Chrome extension ids are 32 letters a–p; Firefox uses a per-install UUID. */
const EXTENSION_ORIGIN = /^(?:chrome-extension:\/\/[a-p]{32}|moz-extension:\/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/**
 * True for an origin the server answers with CORS headers: any Chrome or Firefox extension, or an
 * origin given with `--allow-origin`. Web pages (and `null`) are refused.
 *
 * @example
 * isAllowedOrigin('chrome-extension://abcdefghijklmnopabcdefghijklmnop', []) // true
 * isAllowedOrigin('https://evil.example', []) // false
 */
export function isAllowedOrigin(origin: string, extra: readonly string[]): boolean {
  const o = origin.toLowerCase();
  return EXTENSION_ORIGIN.test(o) || extra.some((e) => e.toLowerCase().replace(/\/$/, '') === o);
}

/** A new random bearer token (256 bits, base64url). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Checks `Authorization: Bearer <token>` in constant time: both sides are hashed to SHA-256 first
 * and only the fixed-size digests are compared, so neither the time taken nor the buffers compared
 * depend on the token's length or on where the bytes differ.
 *
 * @example
 * const check = tokenChecker('s3cret-token-of-16+chars');
 * check('Bearer s3cret-token-of-16+chars') // true
 */
export function tokenChecker(token: string): (authorization: string | undefined) => boolean {
  const wantHash = createHash('sha256').update(token, 'utf8').digest();
  return (authorization) => {
    const m = /^Bearer[ ]+(\S{1,1024})\s*$/i.exec(authorization ?? '');
    const gotHash = createHash('sha256')
      .update(m ? m[1]! : '', 'utf8')
      .digest();
    return timingSafeEqual(wantHash, gotHash) && m !== null;
  };
}

/**
 * Token buckets per client address: `rate` tokens per second, holding at most `burst`.
 * Keeps at most `maxClients` buckets (the stalest are dropped).
 *
 * @example
 * const limiter = new RateLimiter(100, 100);
 * if (!limiter.take('127.0.0.1')) reply429();
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
    private readonly maxClients = 10_000,
  ) {}

  /** Takes one token for `client`; false when the bucket is empty. */
  take(client: string): boolean {
    const t = this.now();
    let b = this.buckets.get(client);
    if (!b) {
      if (this.buckets.size >= this.maxClients) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      b = { tokens: this.burst, at: t };
      this.buckets.set(client, b);
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.rate);
      b.at = t;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** True when `client` has no token left right now (without taking one). */
  exhausted(client: string): boolean {
    const b = this.buckets.get(client);
    if (!b) return false;
    return Math.min(this.burst, b.tokens + ((this.now() - b.at) / 1000) * this.rate) < 1;
  }
}
