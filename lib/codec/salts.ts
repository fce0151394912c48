/**
 * Django's salts: the defaults `decode` tries, and the salts of `response.set_signed_cookie`
 * (legacy and the v2 of Django 5.2.15, 6.0.6 and 6.1).
 */
/** Django's default salts, in the order `decode` tries them. */
export const DEFAULT_SALTS = Object.freeze({
  /** `django.contrib.sessions.backends.signed_cookies.SessionStore` signs the cookie with this. */
  signedCookies: 'django.contrib.sessions.backends.signed_cookies',
  /** db / file / cache / cached_db `session_data`: `'django.contrib.sessions.' + SessionStore.__qualname__`. */
  sessionStore: 'django.contrib.sessions.SessionStore',
  /** `signing.dumps` / `signing.loads` with no salt. */
  signing: 'django.core.signing',
  /** The messages framework's cookie (signed with the cookie signer key). */
  messages: 'django.contrib.messages',
  /** A bare `Signer()`: its default salt is its own dotted class path (django/core/signing.py, 3.1–6.1). */
  signer: 'django.core.signing.Signer',
  /** A bare `TimestampSigner()`. */
  timestampSigner: 'django.core.signing.TimestampSigner',
});

/**
 * The salt `response.set_signed_cookie(name, value, salt=s)` signs with (key
 * `"django.http.cookies" + SECRET_KEY` either way):
 * - `v2`: Django 5.2.15, 6.0.6 (the fix for CVE-2026-6873) and 6.1 —
 *   `f"django.http.cookies.v2:{len(s)}:{s}{name}"` (django/http/response.py `set_signed_cookie`;
 *   `len` counts code points, as Python's does), so `name="ab", s=""` and `name="b", s="a"` no
 *   longer share a salt;
 * - `legacy`: every release before, and after it while `SIGNED_COOKIE_LEGACY_SALT_FALLBACK` is on — `s + name`
 *   (`salt=key + salt` in 3.2's response.py: the name first).
 * @example cookieSalt('pref', 'ui', 'v2') // 'django.http.cookies.v2:2:uipref'
 */
export function cookieSalt(name: string, salt: string, version: 'v2' | 'legacy'): string {
  return version === 'v2' ? `django.http.cookies.v2:${[...salt].length}:${salt}${name}` : name + salt;
}

/** Which `set_signed_cookie` salt a verified value used, by the salt string. */
export function cookieSaltVersion(salt: string): 'v2' | 'legacy' {
  return salt.startsWith('django.http.cookies.v2:') ? 'v2' : 'legacy';
}

/** `get_cookie_signer` prefixes SECRET_KEY with this (django/core/signing.py). */
export const COOKIE_SIGNER_KEY_PREFIX = 'django.http.cookies';

/** A candidate (key prefix, salt) pair to verify against. */
export interface SaltCandidate {
  salt: string;
  /** `cookie` for values signed by `get_cookie_signer` (key = "django.http.cookies" + SECRET_KEY). */
  signer: 'default' | 'cookie';
}
