/**
 * Which cookies are session cookies. Severities depend on it: a session cookie readable by
 * JavaScript is high, an analytics cookie readable by JavaScript is info.
 *
 * - `session`: the configured names (Django's `sessionid` by default), and — as Mozilla
 *   HTTP Observatory does — any name containing `sess` or `login` (case-insensitive), plus
 *   Express's `connect.sid`.
 * - `csrf`: the anti-CSRF cookie names (Django's `csrftoken` by default).
 * - `other`: everything else (preferences, analytics …).
 *
 * A `__Host-` / `__Secure-` prefix is ignored when matching names.
 */
import type { EffectivePolicy } from './policy.ts';

/** What a cookie is for, as far as severities go. */
export type CookieKind = 'session' | 'csrf' | 'other';

/** Observatory's test (httpobs/scanner/analyzer/headers.py): "sess" or "login" in the name. */
const OBSERVATORY_SESSION = /sess|login/i;
/** Well-known session cookie names the Observatory pattern misses. */
const WELL_KNOWN_SESSION = new Set(['connect.sid']);

/**
 * Strips a `__Host-` or `__Secure-` prefix (case-insensitive, RFC 6265bis §4.1.3).
 *
 * @example
 * unprefixedName('__Host-sessionid') // 'sessionid'
 */
export function unprefixedName(name: string): string {
  return name.replace(/^__(host|secure)-/i, '');
}

/**
 * Classifies a cookie name under a policy.
 *
 * @example
 * classifyCookie('sessionid', resolvePolicy(getPreset('django-default'), 'example.com')) // 'session'
 * classifyCookie('_ga', …) // 'other'
 */
export function classifyCookie(
  name: string,
  policy: Pick<EffectivePolicy, 'sessionCookieNames' | 'csrfCookieNames' | 'sessionNameHeuristic'>,
): CookieKind {
  const bare = unprefixedName(name);
  const is = (list: readonly string[]) => list.includes(name) || list.includes(bare);
  if (is(policy.sessionCookieNames)) return 'session';
  if (is(policy.csrfCookieNames)) return 'csrf';
  if (policy.sessionNameHeuristic && (OBSERVATORY_SESSION.test(bare) || WELL_KNOWN_SESSION.has(bare.toLowerCase()))) {
    return 'session';
  }
  return 'other';
}

/**
 * Classifies a cookie by the configured names only (no heuristic): which framework setting, if
 * any, configures it.
 *
 * @example
 * configuredKind('sessionid', policy) // 'session'
 * configuredKind('my_session', policy) // 'other' (application code sets it)
 */
export function configuredKind(
  name: string,
  policy: Pick<EffectivePolicy, 'sessionCookieNames' | 'csrfCookieNames'>,
): CookieKind {
  return classifyCookie(name, { ...policy, sessionNameHeuristic: false });
}
