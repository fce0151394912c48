/** The rule registry: every rule, in report order. */
import type { Rule } from './rule.ts';
import type { RuleId } from './types.ts';
import { domainTooBroad } from './rules/domain-too-broad.ts';
import { expired } from './rules/expired.ts';
import { expiryTooLong } from './rules/expiry-too-long.ts';
import { httponlyMissing } from './rules/httponly-missing.ts';
import { partitionedWithoutSecure } from './rules/partitioned-without-secure.ts';
import { pathTooBroad } from './rules/path-too-broad.ts';
import { prefixInvalid } from './rules/prefix-invalid.ts';
import { samesiteInvalid } from './rules/samesite-invalid.ts';
import { samesiteMissing } from './rules/samesite-missing.ts';
import { samesiteNoneInsecure } from './rules/samesite-none-insecure.ts';
import { secureMissing } from './rules/secure-missing.ts';
import { sessionIdInUrl } from './rules/session-id-in-url.ts';
import { tooLarge } from './rules/too-large.ts';

/**
 * Every rule, in the order findings are reported for one cookie.
 *
 * @example
 * RULES.map((r) => r.id) // ['httponly-missing', 'secure-missing', …]
 */
export const RULES: readonly Rule[] = Object.freeze([
  httponlyMissing,
  secureMissing,
  samesiteMissing,
  samesiteNoneInsecure,
  samesiteInvalid,
  expiryTooLong,
  expired,
  prefixInvalid,
  domainTooBroad,
  pathTooBroad,
  tooLarge,
  sessionIdInUrl,
  partitionedWithoutSecure,
]);

/**
 * The rule with this id.
 *
 * @example
 * getRule('secure-missing').title // 'Cookie without Secure'
 */
export function getRule(id: RuleId): Rule {
  const rule = RULES.find((r) => r.id === id);
  if (!rule) throw new RangeError(`Unknown rule ${id}`);
  return rule;
}
