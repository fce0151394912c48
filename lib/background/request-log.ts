/**
 * The requests that set session cookies, for the timeline's "which request did this": webRequest
 * shows each response's Set-Cookie headers (method, URL, status) just before the browser stores
 * them and reports the change, so a change is matched to the newest response that named its
 * cookie, for a host the cookie's domain covers, a moment before. Each response explains one
 * change per cookie name; a later change (an API delete, an expiry) is not pinned on it.
 */
import type { TimelineRequest } from '../protocol/index.ts';
import type { ResponseHeaders } from './platform.ts';
import { cookieMatchesHost, hostOf } from './site.ts';

/** A change later than this after the response is not its doing. */
export const REQUEST_MATCH_MS = 5_000;
/** Responses remembered (oldest forgotten first). */
export const MAX_LOGGED_REQUESTS = 200;

/**
 * The Set-Cookie headers of a response, one per cookie (Firefox joins them with newlines).
 *
 * @example
 * setCookieHeaders({ responseHeaders: [{ name: 'Set-Cookie', value: 'a=1\nb=2' }] }) // ['a=1', 'b=2']
 */
export function setCookieHeaders(details: Pick<ResponseHeaders, 'responseHeaders'>): string[] {
  const headers: string[] = [];
  for (const h of details.responseHeaders ?? []) {
    if (h.name.toLowerCase() !== 'set-cookie' || h.value === undefined) continue;
    headers.push(...h.value.split('\n').filter((v) => v.trim() !== ''));
  }
  return headers;
}

/**
 * A URL as the timeline shows it: origin and path, a query string as `?…` (it may carry tokens).
 *
 * @example
 * requestUrlText('http://localhost:8000/login?next=/&token=abc') // 'http://localhost:8000/login?…'
 */
export function requestUrlText(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`.slice(0, 2048);
  } catch {
    return '(unreadable URL)';
  }
}

interface Logged {
  at: number;
  host: string;
  /** Cookie names the response set and no change has claimed yet. */
  names: Set<string>;
  request: TimelineRequest;
}

/** The log: recorded from webRequest, asked by the timeline. */
export interface RequestLog {
  /** Remembers a response that sets cookies (others are ignored). */
  record(details: ResponseHeaders, at: number): void;
  /** The newest response that set cookie `name` on a host `domain` covers, claimed for this change. */
  claim(name: string, domain: string, hostOnly: boolean, at: number): TimelineRequest | undefined;
}

/**
 * Creates an empty log.
 *
 * @example
 * const log = createRequestLog();
 * log.record(details, Date.now());
 * log.claim('sessionid', 'localhost', true, Date.now()) // { method: 'POST', url: 'http://localhost:8000/login', status: 302 }
 */
export function createRequestLog(max = MAX_LOGGED_REQUESTS): RequestLog {
  const log: Logged[] = [];
  return {
    record(details, at) {
      const names = new Set(setCookieHeaders(details).map((h) => h.slice(0, Math.max(0, h.indexOf('='))).trim()));
      names.delete('');
      if (names.size === 0) return;
      const request = { method: (details.method ?? 'GET').toUpperCase().slice(0, 32), url: requestUrlText(details.url), status: details.statusCode ?? 0 };
      log.push({ at, host: hostOf(details.url), names, request });
      if (log.length > max) log.splice(0, log.length - max);
    },
    claim(name, domain, hostOnly, at) {
      const cookie = { domain: domain.replace(/^\./, ''), hostOnly };
      for (let i = log.length - 1; i >= 0; i--) {
        const r = log[i]!;
        if (at - r.at > REQUEST_MATCH_MS) break;
        if (!r.names.has(name) || !cookieMatchesHost(cookie, r.host)) continue;
        r.names.delete(name);
        return r.request;
      }
      return undefined;
    },
  };
}
