/**
 * Fix texts in the words of the framework that set a cookie, when its value shows which one
 * (lib/codec's shape detection: a Rails, Laravel, Starlette, Flask, Express … session cookie), instead of Django's
 * settings. One entry per family and rule; rules without an entry keep their own fix.
 */
import { detectFramework, EXPRESS_RE, FLASK_RE, normalizeValue, type FrameworkFormat } from '../codec/index.ts';

type Family = 'flask' | 'express' | 'rails' | 'rack' | 'laravel' | 'starlette' | 'tornado' | 'phoenix' | 'gorilla' | 'iron-session' | 'nextauth' | 'yii2';
type FixRule = 'secure-missing' | 'httponly-missing' | 'samesite-missing' | 'expiry-too-long';

const FAMILY: Record<FrameworkFormat, Family> = {
  'rails-encrypted': 'rails',
  'rails-encrypted-cbc': 'rails',
  'rails-signed': 'rails',
  rack: 'rack',
  'laravel-encrypted': 'laravel',
  starlette: 'starlette',
  tornado: 'tornado',
  'phoenix-signed': 'phoenix',
  'phoenix-encrypted': 'phoenix',
  gorilla: 'gorilla',
  'iron-session': 'iron-session',
  nextauth: 'nextauth',
  yii2: 'yii2',
};

/** Each framework's setting per rule (from its own documentation of the session cookie options). */
const FIXES: Record<Family, Partial<Record<FixRule, string>>> = {
  // Flask's session cookie settings (flask.palletsprojects.com, "Builtin Configuration Values").
  flask: {
    'secure-missing': 'Flask: SESSION_COOKIE_SECURE = True (response.set_cookie(…, secure=True) for other cookies)',
    'httponly-missing': 'Flask: SESSION_COOKIE_HTTPONLY = True (the default; response.set_cookie(…, httponly=True) for others)',
    'samesite-missing': 'Flask: SESSION_COOKIE_SAMESITE = "Lax"',
    'expiry-too-long': 'Flask: PERMANENT_SESSION_LIFETIME = timedelta(hours=12)',
  },
  // express-session's `cookie` options; res.cookie's for other cookie-signature (`s:`) cookies.
  express: {
    'secure-missing': "Express: session({ cookie: { secure: true } }) (app.set('trust proxy', 1) behind a proxy; res.cookie(…, { secure: true }) for others)",
    'httponly-missing': 'Express: session({ cookie: { httpOnly: true } }) (the default; res.cookie(…, { httpOnly: true }) for others)',
    'samesite-missing': "Express: session({ cookie: { sameSite: 'lax' } })",
    'expiry-too-long': 'Express: session({ cookie: { maxAge: 43200000 } }) (milliseconds)',
  },
  rails: {
    'secure-missing': 'Rails: config.session_store :cookie_store, key: "_app_session", secure: true (or config.force_ssl = true)',
    'httponly-missing': 'Rails: config.session_store :cookie_store, httponly: true (the default; cookies[...] = { httponly: true } for others)',
    'samesite-missing': 'Rails: config.action_dispatch.cookies_same_site_protection = :lax (session_store same_site: :lax)',
    'expiry-too-long': 'Rails: config.session_store :cookie_store, expire_after: 12.hours',
  },
  rack: {
    'secure-missing': 'Rack: use Rack::Session::Cookie, secure: true',
    'httponly-missing': 'Rack: use Rack::Session::Cookie, httponly: true',
    'samesite-missing': 'Rack: use Rack::Session::Cookie, same_site: :lax',
    'expiry-too-long': 'Rack: use Rack::Session::Cookie, expire_after: 43200',
  },
  laravel: {
    'secure-missing': 'Laravel: SESSION_SECURE_COOKIE=true (config/session.php "secure")',
    'httponly-missing': 'Laravel: config/session.php "http_only" => true',
    'samesite-missing': 'Laravel: SESSION_SAME_SITE=lax (config/session.php "same_site")',
    'expiry-too-long': 'Laravel: SESSION_LIFETIME=120 (minutes), SESSION_EXPIRE_ON_CLOSE=true',
  },
  starlette: {
    'secure-missing': 'Starlette / FastAPI: SessionMiddleware(app, secret_key=…, https_only=True)',
    'samesite-missing': 'Starlette / FastAPI: SessionMiddleware(app, secret_key=…, same_site="lax")',
    'expiry-too-long': 'Starlette / FastAPI: SessionMiddleware(app, secret_key=…, max_age=43200)',
  },
  tornado: {
    'secure-missing': 'Tornado: self.set_signed_cookie(name, value, secure=True)',
    'httponly-missing': 'Tornado: self.set_signed_cookie(name, value, httponly=True)',
    'samesite-missing': 'Tornado: self.set_signed_cookie(name, value, samesite="Lax")',
    'expiry-too-long': 'Tornado: self.set_signed_cookie(name, value, expires_days=…) — shorter',
  },
  phoenix: {
    'secure-missing': 'Phoenix: @session_options [store: :cookie, key: "_app_key", secure: true] in endpoint.ex (or force_ssl)',
    'httponly-missing': 'Phoenix: @session_options [http_only: true] in endpoint.ex (the default)',
    'samesite-missing': 'Phoenix: @session_options [same_site: "Lax"] in endpoint.ex',
    'expiry-too-long': 'Phoenix: @session_options [max_age: 43200] in endpoint.ex',
  },
  gorilla: {
    'secure-missing': 'gorilla/sessions: store.Options = &sessions.Options{Secure: true, …}',
    'httponly-missing': 'gorilla/sessions: store.Options = &sessions.Options{HttpOnly: true, …}',
    'samesite-missing': 'gorilla/sessions: store.Options = &sessions.Options{SameSite: http.SameSiteLaxMode, …}',
    'expiry-too-long': 'gorilla/sessions: store.Options = &sessions.Options{MaxAge: 43200, …}',
  },
  'iron-session': {
    'secure-missing': 'iron-session: cookieOptions: { secure: true } (the default outside development)',
    'httponly-missing': 'iron-session: cookieOptions: { httpOnly: true }',
    'samesite-missing': 'iron-session: cookieOptions: { sameSite: "lax" }',
    'expiry-too-long': 'iron-session: ttl: 43200 (seconds)',
  },
  nextauth: {
    'secure-missing': 'NextAuth / Auth.js: useSecureCookies: true (the default on https NEXTAUTH_URL / AUTH_URL)',
    'httponly-missing': 'NextAuth / Auth.js: cookies.sessionToken.options.httpOnly = true (the default)',
    'samesite-missing': 'NextAuth / Auth.js: cookies.sessionToken.options.sameSite = "lax"',
    'expiry-too-long': 'NextAuth / Auth.js: session: { maxAge: 43200 }',
  },
  yii2: {
    'secure-missing': "Yii2: 'session' => ['cookieParams' => ['secure' => true]] and 'request' => ['csrfCookie' => ['secure' => true]]",
    'httponly-missing': "Yii2: 'session' => ['cookieParams' => ['httponly' => true]]",
    'samesite-missing': "Yii2: 'session' => ['cookieParams' => ['sameSite' => yii\\web\\Cookie::SAME_SITE_LAX]]",
    'expiry-too-long': "Yii2: 'user' => ['authTimeout' => 43200], shorter login cookie duration",
  },
};

/**
 * The framework fix for a rule, when the cookie's value is another framework's session format.
 *
 * @example
 * frameworkFix('secure-missing', laravelCookieValue) // 'Laravel: SESSION_SECURE_COOKIE=true …'
 */
export function frameworkFix(rule: string, value: string): string | undefined {
  if (!value || value.length > 8192) return undefined;
  const normalized = normalizeValue(value);
  const format = detectFramework(normalized)?.format;
  const family = format ? FAMILY[format] : FLASK_RE.test(normalized) ? 'flask' : EXPRESS_RE.test(normalized) ? 'express' : undefined;
  return family ? FIXES[family][rule as FixRule] : undefined;
}

