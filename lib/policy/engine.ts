/**
 * Applies a policy to cookies. Never throws: a rule that fails on odd input is skipped.
 *
 * ```ts
 * const { findings } = evaluateSetCookieHeaders(
 *   ['sessionid=k3…; Path=/; SameSite=Lax'], { url: 'https://example.com/', policy: getPreset('django-default') });
 * // [{ cookie: 'sessionid', rule: 'httponly-missing', severity: 'high', … },
 * //  { cookie: 'sessionid', rule: 'secure-missing', severity: 'high', … }]
 * ```
 */
import { classifyCookie, configuredKind } from './classify.ts';
import type { PolicyCookie } from './cookie.ts';
import { getPreset, resolvePolicy, type Policy } from './policy.ts';
import type { RuleContext } from './rule.ts';
import { RULES } from './rules.ts';
import { frameworkFix } from './framework-fixes.ts';
import { parseSetCookie, safeUrl } from './set-cookie.ts';
import { SEVERITIES, severityRank, type Finding, type Severity } from './types.ts';

/** Where the cookies came from and which policy to apply. */
export interface EvaluateContext {
  /** The URL that set the cookie (check) or the page it belongs to (the extension). */
  url?: string | URL;
  /** Other URLs seen along the way (a redirect chain), for `session-id-in-url`. */
  relatedUrls?: readonly (string | URL)[];
  /** Default: the `django-default` preset. */
  policy?: Policy;
  /** "Now" in milliseconds since the epoch. Default `Date.now()`. */
  now?: number;
}

let defaultPolicy: Policy | undefined;


/** http://localhost, *.localhost, 127.0.0.0/8 and [::1]. */
function isLocalHost(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host) || host === '::1';
}

function escalate(s: Severity): Severity {
  return SEVERITIES[Math.min(severityRank(s) + 1, SEVERITIES.length - 1)] ?? s;
}

/**
 * Applies every rule to one cookie.
 *
 * @example
 * evaluateCookie(fromBrowserCookie(c), { url: tab.url, policy })
 */
export function evaluateCookie(cookie: PolicyCookie, context: EvaluateContext = {}): Finding[] {
  const url = safeUrl(context.url);
  const host = url ? url.hostname.replace(/^\[|\]$/g, '').toLowerCase() : '';
  const policy = resolvePolicy(context.policy ?? (defaultPolicy ??= getPreset('django-default')), host);
  const ctx: RuleContext = {
    cookie,
    kind: classifyCookie(cookie.name, policy),
    configured: configuredKind(cookie.name, policy),
    url,
    host,
    https: url?.protocol === 'https:',
    local: isLocalHost(host),
    relatedUrls: (context.relatedUrls ?? []).map(safeUrl).filter((u): u is URL => u !== null),
    policy,
    now: context.now ?? Date.now(),
  };
  // An expired cookie is a deletion: report only that (ZAP does not flag deleting cookies).
  const isExpired = cookie.expires !== undefined && cookie.expires * 1000 <= ctx.now;
  const identity = {
    cookie: cookie.name,
    domain: cookie.domain,
    path: cookie.path,
    partition: cookie.partitioned ? (cookie.partitionSite ?? '') : null,
  };
  const findings: Finding[] = [];
  for (const rule of RULES) {
    if (isExpired && rule.id !== 'expired') continue;
    const setting = policy.rules[rule.id];
    if (setting === 'off') continue;
    let hit;
    try {
      hit = rule.check(ctx);
    } catch {
      hit = null;
    }
    if (!hit) continue;
    let severity = setting ?? hit.severity;
    if (policy.escalate) severity = escalate(severity);
    // Another framework's session cookie (Rails, Laravel, …): its own setting, not Django's.
    const fix = frameworkFix(rule.id, cookie.value) ?? hit.fix;
    findings.push({ ...identity, rule: rule.id, severity, message: hit.message, fix });
  }
  return findings;
}

/**
 * Applies every rule to each cookie; findings sorted by severity (highest first), stable.
 *
 * @example
 * const findings = evaluateCookies(cookies.map(fromBrowserCookie), { url });
 */
export function evaluateCookies(cookies: readonly PolicyCookie[], context: EvaluateContext = {}): Finding[] {
  return sortFindings(cookies.flatMap((c) => evaluateCookie(c, context)));
}

/** Sorts findings by severity, highest first, keeping the original order within a severity. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => [f, i] as const)
    .sort((a, b) => severityRank(b[0].severity) - severityRank(a[0].severity) || a[1] - b[1])
    .map(([f]) => f);
}

/** A header a browser would ignore entirely, and why. */
export interface IgnoredHeader {
  header: string;
  reason: string;
}

/**
 * Parses `Set-Cookie` header values and evaluates the cookies they set.
 *
 * @example
 * const r = evaluateSetCookieHeaders(res.headers.getSetCookie(), { url: res.url });
 * r.findings // sorted, highest first
 */
export function evaluateSetCookieHeaders(
  headers: readonly string[],
  context: EvaluateContext = {},
): { cookies: PolicyCookie[]; findings: Finding[]; ignored: IgnoredHeader[]; warnings: string[] } {
  const cookies: PolicyCookie[] = [];
  const ignored: IgnoredHeader[] = [];
  const warnings: string[] = [];
  const opts = context.now === undefined ? { url: context.url } : { url: context.url, now: context.now };
  for (const header of headers) {
    const r = parseSetCookie(header, opts);
    if (r.ok) {
      cookies.push(r.cookie);
      for (const w of r.warnings) warnings.push(`${r.cookie.name}: ${w}`);
    } else ignored.push({ header: header.slice(0, 200), reason: r.reason });
  }
  return { cookies, findings: evaluateCookies(cookies, context), ignored, warnings };
}

/** Counts per severity, for a toolbar badge. */
export interface SeveritySummary {
  info: number;
  low: number;
  medium: number;
  high: number;
  critical: number;
  total: number;
  /** The highest severity present, or `null` when there are no findings. */
  highest: Severity | null;
}

/**
 * Counts findings per severity.
 *
 * @example
 * const s = summarize(findings);
 * badge.text = s.highest ? String(s.total) : '';
 */
export function summarize(findings: readonly Pick<Finding, 'severity'>[]): SeveritySummary {
  const out: SeveritySummary = { info: 0, low: 0, medium: 0, high: 0, critical: 0, total: 0, highest: null };
  for (const f of findings) {
    out[f.severity]++;
    out.total++;
    if (out.highest === null || severityRank(f.severity) > severityRank(out.highest)) out.highest = f.severity;
  }
  return out;
}
