/**
 * Shared types of the cookie policy engine: severities, findings, rule ids.
 *
 * The engine is pure: a {@link PolicyCookie} plus the URL it came from plus a policy give a list of
 * {@link Finding}s. Nothing here touches `browser.*` or `node:*`.
 */

/** Severity scale, lowest first: info < low < medium < high < critical. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;

/** One step of {@link SEVERITIES}. */
export type Severity = (typeof SEVERITIES)[number];

/** Every rule id; each is also the file name of its rule under `lib/policy/rules/`. */
export const RULE_IDS = [
  'httponly-missing',
  'secure-missing',
  'samesite-missing',
  'samesite-none-insecure',
  'samesite-invalid',
  'expiry-too-long',
  'expired',
  'prefix-invalid',
  'domain-too-broad',
  'path-too-broad',
  'too-large',
  'session-id-in-url',
  'partitioned-without-secure',
] as const;

/** A stable rule id, e.g. `httponly-missing`. */
export type RuleId = (typeof RULE_IDS)[number];

/**
 * One answer about one cookie: what is wrong and which setting fixes it.
 *
 * @example
 * { cookie: 'sessionid', rule: 'httponly-missing', severity: 'high',
 *   message: 'Session cookie "sessionid" is readable by JavaScript (no HttpOnly).',
 *   fix: 'SESSION_COOKIE_HTTPONLY = True (check --deploy security.W013; ZAP 10010)' }
 */
export interface Finding {
  /** The cookie's name. */
  cookie: string;
  /**
   * The cookie's domain (lower case, no leading dot), path and partition (the top-level site of a
   * partitioned cookie, `''` when partitioned but unknown, `null` when unpartitioned): with the
   * name, the identity of the one cookie a finding is about ({@link findingCookieKey}). Two
   * `sessionid` cookies at `/` and `/app` never share findings.
   */
  domain: string;
  path: string;
  partition: string | null;
  rule: RuleId;
  severity: Severity;
  /** What is wrong, in one sentence. Plain text: render it as text, never as HTML. */
  message: string;
  /** The setting that fixes it (a Django setting where there is one) and the check/ZAP ids. */
  fix: string;
}

/** The four parts that identify one cookie in a jar (with the store, which the engine does not see). */
export interface CookieIdentity {
  name: string;
  domain: string;
  path: string;
  partition: string | null;
}

/**
 * The key findings are grouped by: name, domain, path and partition of the one cookie they are
 * about. Domains compare without a leading dot and case.
 *
 * @example
 * findingCookieKey({ name: 'sessionid', domain: '.Example.com', path: '/app', partition: null })
 * // 'sessionid|example.com|/app|'
 */
export function findingCookieKey(c: CookieIdentity): string {
  return `${c.name}|${c.domain.replace(/^\./, '').toLowerCase()}|${c.path}|${c.partition === null ? '' : `p:${c.partition}`}`;
}

/**
 * Numeric rank of a severity (info = 0 … critical = 4), for comparing.
 *
 * @example
 * severityRank('high') >= severityRank('medium') // true
 */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/**
 * True when `s` is at or above `threshold`.
 *
 * @example
 * atLeast('critical', 'high') // true
 */
export function atLeast(s: Severity, threshold: Severity): boolean {
  return severityRank(s) >= severityRank(threshold);
}

/** True when `v` is one of the five severity names. */
export function isSeverity(v: unknown): v is Severity {
  return typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);
}
