/**
 * The policy engine names the setting of the framework that set a session cookie (recognised by
 * its value: real Rails, Laravel, Starlette … cookies from tests/fixtures/frameworks), not Django's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateSetCookieHeaders } from '../../../lib/policy/index.ts';

const fx = (n: string) => JSON.parse(readFileSync(join(process.cwd(), 'tests/fixtures/frameworks', n), 'utf8')) as Record<string, Record<string, string>[]>;
const URL_ = 'https://app.example/';

function fixes(name: string, value: string) {
  const { findings } = evaluateSetCookieHeaders([`${name}=${encodeURIComponent(value)}; Path=/`], { url: URL_ });
  return Object.fromEntries(findings.map((f) => [f.rule, f.fix]));
}

describe('framework-specific fixes', () => {
  it.each([
    ['Laravel', 'laravel_session', fx('php.json').laravel![0]!.value!, /SESSION_SECURE_COOKIE=true/, /SESSION_SAME_SITE=lax/],
    ['Rails', '_app_session', fx('ruby.json').rails![0]!.value!, /config\.session_store :cookie_store.*secure: true/, /cookies_same_site_protection/],
    ['Rack', 'rack.session', fx('ruby.json').rack![0]!.value!, /Rack::Session::Cookie, secure: true/, /same_site: :lax/],
    ['Starlette', 'session', fx('python.json').starlette![0]!.value!, /https_only=True/, /same_site="lax"/],
    ['Phoenix', '_app_key', fx('phoenix.json').phoenix![0]!.value!, /@session_options \[store: :cookie.*secure: true\]/, /same_site: "Lax"/],
    ['NextAuth', 'next-auth.session-token', fx('node.json').nextauth![0]!.value!, /useSecureCookies: true/, /sameSite = "lax"/],
    ['iron-session', 'iron-session', fx('node.json').iron![0]!.value!, /cookieOptions: \{ secure: true \}/, /sameSite: "lax"/],
  ])('%s', (_n, name, value, secure, sameSite) => {
    const f = fixes(name, value);
    expect(f['secure-missing']).toMatch(secure);
    expect(f['samesite-missing']).toMatch(sameSite);
    expect(f['secure-missing']).not.toMatch(/SESSION_COOKIE_SECURE/);
  });

  const other = (n: string) => JSON.parse(readFileSync(join(process.cwd(), 'tests/fixtures/other', n), 'utf8')) as Record<string, { value: string }[]>;

  it.each([
    ['Flask', 'session', other('python.json').flask!, /^Flask: SESSION_COOKIE_SECURE = True/, /^Flask: SESSION_COOKIE_SAMESITE = "Lax"/],
    ['Express', 'connect.sid', other('node.json').express!, /^Express: session\(\{ cookie: \{ secure: true \} \}\)/, /^Express: session\(\{ cookie: \{ sameSite: 'lax' \} \}\)/],
  ])('%s (every fixture value)', (_n, name, values, secure, sameSite) => {
    for (const { value } of values) {
      const f = fixes(name, value);
      expect(f['secure-missing']).toMatch(secure);
      expect(f['samesite-missing']).toMatch(sameSite);
      expect(f['secure-missing']).not.toMatch(/check --deploy/);
    }
  });

  it("keeps Django's settings for a Django session cookie", () => {
    expect(fixes('sessionid', 'abcdefghijklmnopqrstuvwxyz012345')['secure-missing']).toMatch(/SESSION_COOKIE_SECURE = True/);
  });
});
