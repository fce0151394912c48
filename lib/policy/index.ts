/**
 * The cookie policy engine: cookie + URL + policy → findings. Pure: no `browser.*`, no `node:*`.
 *
 * @example
 * import { evaluateCookies, fromBrowserCookie, getPreset, summarize } from '../lib/policy/index.ts';
 * const findings = evaluateCookies(cookies.map(fromBrowserCookie), { url: tab.url, policy: getPreset('django-default') });
 * const { total, highest } = summarize(findings);
 */
export { SEVERITIES, RULE_IDS, severityRank, atLeast, isSeverity, findingCookieKey } from './types.ts';
export type { Severity, RuleId, Finding, CookieIdentity } from './types.ts';
export { fromBrowserCookie, utf8Length } from './cookie.ts';
export type { PolicyCookie, CookieSameSite, BrowserCookieLike } from './cookie.ts';
export { parseSetCookie, parseCookieDate, defaultPath } from './set-cookie.ts';
export type { SetCookieParseResult, SetCookieParseOptions } from './set-cookie.ts';
export { classifyCookie, configuredKind, unprefixedName } from './classify.ts';
export type { CookieKind } from './classify.ts';
export {
  PolicySchema,
  SiteOverrideSchema,
  PRESET_NAMES,
  DJANGO_SESSION_COOKIE_AGE,
  PolicyError,
  getPreset,
  isPresetName,
  validatePolicy,
  parsePolicy,
  loadPolicy,
  exportPolicy,
  hostMatches,
  resolvePolicy,
  withoutLocalExemptions,
} from './policy.ts';
export type { Policy, PolicyInput, SiteOverride, PresetName, PolicyIssue, EffectivePolicy } from './policy.ts';
export { RULES, getRule } from './rules.ts';
export { SET_COOKIE_FIX } from './rule.ts';
export type { Rule, RuleContext, RuleHit } from './rule.ts';
export { evaluateCookie, evaluateCookies, evaluateSetCookieHeaders, sortFindings, summarize } from './engine.ts';
export type { EvaluateContext, IgnoredHeader, SeveritySummary } from './engine.ts';
export {
  MASK,
  MASKED_KEY_PATTERN,
  MAX_DIFF_KEYS,
  MAX_SUMMARY_KEYS,
  MAX_VALUE_TEXT,
  diffSessions,
  isMaskedSessionKey,
  shortValueText,
  summarizeSession,
} from './session-diff.ts';
export type { SessionDiff, SessionDiffEntry, SessionKeyText, SessionSummary } from './session-diff.ts';
export { MAX_HAR_CHARS, MAX_HAR_COOKIES, MAX_HAR_ENTRIES, analyzeHar, parseHar } from './har.ts';
export type { HarAnalysis, HarCookie, HarExchange, HarFinding } from './har.ts';
