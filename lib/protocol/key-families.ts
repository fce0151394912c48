/**
 * Key families: which framework a stored secret key belongs to, the setting that holds it there,
 * the form that setting takes, and which session formats it opens. Options stores each key with its
 * family; the background tries a cookie only with the keys of the families of its format.
 *
 * | family       | setting                              | form checked                              |
 * | ------------ | ------------------------------------ | ----------------------------------------- |
 * | django       | SECRET_KEY (then _FALLBACKS)         | any text                                  |
 * | rails        | secret_key_base                      | hex (bin/rails secret), else a warning    |
 * | rack         | Rack::Session::Cookie secret         | any text                                  |
 * | laravel      | APP_KEY                              | `base64:` + 16/32 bytes, or 16/32 chars   |
 * | flask        | SECRET_KEY / SessionMiddleware key   | any text                                  |
 * | tornado      | cookie_secret                        | any text                                  |
 * | phoenix      | secret_key_base (+ salts)            | ≥ 64 bytes (Plug raises below)            |
 * | gorilla      | hashKey / blockKey                   | any text                                  |
 * | iron-session | password                             | ≥ 32 characters (iron-session throws)     |
 * | nextauth     | NEXTAUTH_SECRET / AUTH_SECRET        | any text                                  |
 * | yii2         | cookieValidationKey                  | any text                                  |
 * | express      | express-session secret, cookie-session keys | any text                           |
 * | jwt          | the HS256/384/512 signing secret     | any text                                  |
 */
import type { SessionFormat } from '../codec/index.ts';
import { z } from './zod.ts';

/** Every key family, Django's first (the default, and what keys stored before families became). */
export const KEY_FAMILIES = [
  'django',
  'rails',
  'rack',
  'laravel',
  'flask',
  'tornado',
  'phoenix',
  'gorilla',
  'iron-session',
  'nextauth',
  'yii2',
  'express',
  'jwt',
] as const;
export const KeyFamilySchema = z.enum(KEY_FAMILIES);
export type KeyFamily = z.infer<typeof KeyFamilySchema>;

/** What Options shows of a family. */
export interface KeyFamilyInfo {
  /** The framework, as a person names it. */
  label: string;
  /** The setting that holds the key, in the framework's own words. */
  setting: string;
  /** Where to find it. */
  where: string;
  /** The session formats its keys open (see {@link keyFamiliesFor}). */
  formats: readonly SessionFormat[];
  /** Takes salts too (Phoenix: the endpoint's signing_salt and encryption_salt). */
  salts?: true;
}

/** The families, with their settings and formats. */
export const KEY_FAMILY_INFO: Readonly<Record<KeyFamily, KeyFamilyInfo>> = {
  django: {
    label: 'Django',
    setting: 'SECRET_KEY',
    where: 'settings.py SECRET_KEY, then each of SECRET_KEY_FALLBACKS',
    formats: ['django-signed', 'django-legacy', 'django-messages-legacy', 'django-session-key'],
  },
  rails: {
    label: 'Ruby on Rails',
    setting: 'secret_key_base',
    where: 'bin/rails credentials:show, or ENV["SECRET_KEY_BASE"] (128 hex digits from bin/rails secret)',
    formats: ['rails-encrypted', 'rails-encrypted-cbc', 'rails-signed', 'rack'],
  },
  rack: {
    label: 'Rack',
    setting: 'secret',
    where: 'use Rack::Session::Cookie, secret: … (or a Rails 3 secret_token)',
    formats: ['rack', 'rails-signed'],
  },
  laravel: { label: 'Laravel', setting: 'APP_KEY', where: '.env APP_KEY=base64:… (php artisan key:generate)', formats: ['laravel-encrypted'] },
  flask: {
    label: 'Flask / Starlette / FastAPI',
    setting: 'SECRET_KEY',
    where: "Flask's SECRET_KEY (app.secret_key), Starlette's SessionMiddleware(secret_key=…)",
    formats: ['flask', 'starlette'],
  },
  tornado: { label: 'Tornado', setting: 'cookie_secret', where: 'tornado.web.Application(cookie_secret=…)', formats: ['tornado'] },
  phoenix: {
    label: 'Phoenix / Plug',
    setting: 'secret_key_base',
    where: 'config :my_app, MyAppWeb.Endpoint, secret_key_base: … (mix phx.gen.secret); salts from endpoint.ex @session_options',
    formats: ['phoenix-signed', 'phoenix-encrypted'],
    salts: true,
  },
  gorilla: {
    label: 'Go gorilla/securecookie',
    setting: 'hashKey / blockKey',
    where: 'securecookie.New(hashKey, blockKey) or sessions.NewCookieStore(…): add each key',
    formats: ['gorilla'],
  },
  'iron-session': {
    label: 'iron-session',
    setting: 'password',
    where: 'getIronSession(…, { password }) (often SECRET_COOKIE_PASSWORD)',
    formats: ['iron-session'],
  },
  nextauth: { label: 'NextAuth / Auth.js', setting: 'NEXTAUTH_SECRET / AUTH_SECRET', where: '.env NEXTAUTH_SECRET (v4) or AUTH_SECRET (v5)', formats: ['nextauth'] },
  yii2: { label: 'Yii 2', setting: 'cookieValidationKey', where: "config/web.php 'request' => ['cookieValidationKey' => …]", formats: ['yii2'] },
  express: {
    label: 'Express (express-session, cookie-session)',
    setting: 'secret / keys',
    where: 'session({ secret }) or cookieSession({ keys })',
    formats: ['express-session', 'cookie-session'],
  },
  jwt: { label: 'JWT (HS256/384/512)', setting: 'signing secret', where: "the application's JWT signing secret", formats: ['jwt'] },
};

/**
 * Formats Django keys are tried on as well, after their own family's: before keys had families
 * every key was tried on every format, and SimpleJWT signs with SECRET_KEY by default.
 */
const DJANGO_KEYS_ALSO: ReadonlySet<SessionFormat> = new Set(['flask', 'express-session', 'cookie-session', 'jwt']);

/**
 * The families whose keys a format is tried with, in order.
 *
 * @example
 * keyFamiliesFor('rails-signed') // ['rails', 'rack']
 * keyFamiliesFor('jwt') // ['jwt', 'django']
 */
export function keyFamiliesFor(format: SessionFormat | string): KeyFamily[] {
  const out = KEY_FAMILIES.filter((f) => (KEY_FAMILY_INFO[f].formats as readonly string[]).includes(format));
  if (DJANGO_KEYS_ALSO.has(format as SessionFormat)) out.push('django');
  return out;
}

/** Formats whose payload is encrypted: a key that opens them decrypts, not only verifies. */
const ENCRYPTED_FORMATS: ReadonlySet<string> = new Set([
  'rails-encrypted',
  'rails-encrypted-cbc',
  'laravel-encrypted',
  'phoenix-encrypted',
  'iron-session',
  'nextauth',
]);

/**
 * True when a format's payload is encrypted (gorilla only with a block key: see its details).
 *
 * @example
 * isEncryptedFormat('laravel-encrypted') // true
 */
export function isEncryptedFormat(format: string): boolean {
  return ENCRYPTED_FORMATS.has(format);
}

/** What {@link keyFormCheck} found: an error refuses the key, a warning only says so. */
export interface KeyFormCheck {
  error?: string;
  warning?: string;
}

const bytesOf = (s: string) => new TextEncoder().encode(s).length;

function base64Length(text: string): number | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  try {
    return atob(text).length;
  } catch {
    return undefined;
  }
}

/** Laravel's Encrypter::supported: AES-128 keys are 16 bytes, AES-256 keys 32 (Laravel 8 Encrypter.php). */
function laravelError(key: string): string | undefined {
  if (key.startsWith('base64:')) {
    const n = base64Length(key.slice(7));
    if (n === undefined) return 'The part after "base64:" is not valid base64: copy the whole APP_KEY=base64:… value from .env';
    if (n !== 32 && n !== 16) return `This APP_KEY decodes to ${n} bytes: Laravel's are 32 (AES-256) or 16 (AES-128)`;
    return undefined;
  }
  const n = bytesOf(key);
  if (n !== 32 && n !== 16) return `An APP_KEY without "base64:" is used as is and must be 32 bytes (AES-256) or 16 (AES-128), not ${n}: copy it from .env with its base64: prefix`;
  return undefined;
}

/** Per family: a form error, or `undefined`. */
const FORM_ERRORS: Partial<Record<KeyFamily, (key: string) => string | undefined>> = {
  laravel: laravelError,
  // Plug.Session.COOKIE: "cookie store expects conn.secret_key_base to be at least 64 bytes"
  phoenix: (key) => (bytesOf(key) < 64 ? `Phoenix's secret_key_base is at least 64 bytes (Plug refuses shorter ones); this is ${bytesOf(key)}` : undefined),
  // iron-session v8: "iron-session: Bad usage. Password must be at least 32 characters long."
  'iron-session': (key) => (key.length < 32 ? `iron-session passwords are at least 32 characters (iron-session refuses shorter ones); this is ${key.length}` : undefined),
};

/**
 * Checks a key against the form its family's setting holds: errors refuse it (Options and the
 * background alike), warnings only say it looks unusual. Never echoes the key.
 *
 * @example
 * keyFormCheck('laravel', 'base64:c2Vz…') // {}
 * keyFormCheck('laravel', 'short').error // 'An APP_KEY without "base64:" is used as is …'
 */
export function keyFormCheck(family: KeyFamily, key: string): KeyFormCheck {
  if (key === '') return { error: 'Enter a key' };
  if (key.length > 4096) return { error: 'Key too long (over 4096 characters)' };
  if (/^\s|\s$/.test(key)) return { error: 'The key starts or ends with whitespace (copied with a newline?): remove it' };
  const error = FORM_ERRORS[family]?.(key);
  if (error) return { error };
  if (family !== 'laravel' && key.startsWith('base64:')) return { warning: 'This looks like a Laravel APP_KEY (base64:…): choose Laravel if it is one' };
  if (family !== 'django' && key.startsWith('django-insecure-')) return { warning: 'This looks like a Django SECRET_KEY: choose Django if it is one' };
  if (family === 'rails' && !/^[0-9a-fA-F]+$/.test(key)) {
    return { warning: 'Not hex: bin/rails secret makes 128 hex digits. Stored anyway (Rails takes any text), but check it is secret_key_base' };
  }
  return {};
}

/** A salt (Phoenix's signing_salt, encryption_salt): not secret, but bounded. */
export const KeySaltSchema = z.string().check(z.minLength(1), z.maxLength(256));
