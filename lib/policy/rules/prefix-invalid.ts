/** `prefix-invalid`: a `__Secure-` / `__Host-` cookie that breaks its prefix's rules. */
import { byKind, describe, djangoSetting, type Rule } from '../rule.ts';

/**
 * RFC 6265bis §4.1.3: `__Secure-` needs Secure; `__Host-` needs Secure, no Domain and `Path=/`.
 * Browsers silently drop a cookie that breaks them. Prefixes match case-insensitively (§5.7).
 *
 * @example
 * prefixInvalid.check(ctx) // __Host-sessionid=…; Domain=example.com; Secure; Path=/
 */
export const prefixInvalid: Rule = {
  id: 'prefix-invalid',
  title: 'Cookie prefix requirements not met',
  description: '__Secure- cookies must be Secure; __Host- cookies must be Secure, host-only (no Domain) and have Path=/.',
  references: ['RFC 6265bis §4.1.3', 'RFC 6265bis §5.7'],
  check(ctx) {
    const { cookie } = ctx;
    const lower = cookie.name.toLowerCase();
    const isHost = lower.startsWith('__host-');
    if (!isHost && !lower.startsWith('__secure-')) return null;
    const problems: string[] = [];
    const fixes: string[] = [];
    if (!cookie.secure) {
      problems.push('no Secure');
      fixes.push(`${djangoSetting(ctx.configured, 'SECURE') ?? 'secure'} = True`);
    }
    if (isHost && !cookie.hostOnly) {
      problems.push(`Domain=${cookie.domain}`);
      fixes.push(`${djangoSetting(ctx.configured, 'DOMAIN') ?? 'domain'} = None`);
    }
    if (isHost && (cookie.path !== '/' || !cookie.pathSet)) {
      problems.push(cookie.pathSet ? `Path=${cookie.path}` : 'no Path=/');
      fixes.push(`${djangoSetting(ctx.configured, 'PATH') ?? 'path'} = '/'`);
    }
    if (problems.length === 0) return null;
    const prefix = isHost ? '__Host-' : '__Secure-';
    return {
      severity: byKind(ctx.kind, { session: 'high', csrf: 'high', other: 'medium' }),
      message: `${describe(ctx)} breaks the ${prefix} prefix rules (${problems.join(', ')}): browsers reject it.`,
      fix: `${fixes.join(', ')} (RFC 6265bis §4.1.3)`,
    };
  },
};
