/** `path-too-broad`: the policy scopes a path and the cookie's Path is wider. */
import { byKind, describe, djangoSetting, type Rule } from '../rule.ts';

const trimSlash = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);

/**
 * When the application lives under `policy.path` (say `/app`), a cookie with `Path=/` is sent to
 * every other application on the same host too.
 *
 * @example
 * pathTooBroad.check(ctx) // policy.path '/app', cookie Path=/
 */
export const pathTooBroad: Rule = {
  id: 'path-too-broad',
  title: 'Cookie path too broad',
  description: "The cookie's Path is a parent of the path the policy scopes the application to.",
  references: ['RFC 6265bis §5.1.4', 'Django SESSION_COOKIE_PATH'],
  check(ctx) {
    const scope = ctx.policy.path;
    if (scope === undefined) return null;
    const want = trimSlash(scope);
    const have = trimSlash(ctx.cookie.path);
    if (want === have) return null;
    // The cookie's path must be a strict path-prefix of the scope (RFC 6265bis §5.1.4 path-match).
    const prefix = have === '/' ? '/' : `${have}/`;
    if (!want.startsWith(prefix)) return null;
    const setting = djangoSetting(ctx.configured, 'PATH');
    return {
      severity: byKind(ctx.kind, { session: 'medium', csrf: 'low', other: 'info' }),
      message: `${describe(ctx)} has Path=${ctx.cookie.path}, wider than the application's path ${scope}.`,
      fix: setting ? `${setting} = '${scope}'` : `response.set_cookie(…, path='${scope}')`,
    };
  },
};
