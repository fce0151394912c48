import type { SessionLensError } from './errors.ts';
import type { Limits } from './limits.ts';
import type { SessionValue } from './value.ts';

/** Hash algorithms Django's signer can use; the signature length tells them apart. */
export type SignatureAlgorithm = 'sha256' | 'sha1' | 'sha384' | 'sha512';

/**
 * Formats `decode` recognises.
 * - `django-signed`: `signing.dumps` / `Signer.sign_object` (`PAYLOAD[:TIMESTAMP]:SIGNATURE`), which is
 *   also the signed_cookies session cookie and the 3.1+ `session_data` of the db/file engines.
 * - `django-legacy`: pre-3.1 `session_data`, base64 of `HEXHASH:SERIALIZED`.
 * - `django-messages-legacy`: the messages cookie of Django ≤ 3.0, `SHA1HEX$JSON` (newer ones are `django-signed`).
 * - `django-session-key`: an opaque db/file/cache session key (32 × `[a-z0-9]`): data lives on the server.
 * - `flask`: Flask / itsdangerous session cookie.
 * - `express-session`: `s:ID.SIGNATURE` (connect.sid).
 * - `cookie-session`: base64 JSON (Express cookie-session).
 * - `jwt`: a JWS compact token.
 * - other frameworks' cookies (lib/codec/frameworks): `rails-encrypted` (5.2+, AES-256-GCM),
 *   `rails-encrypted-cbc` (4.0–5.1), `rails-signed`, `rack` (Rack::Session::Cookie), `laravel-encrypted`,
 *   `starlette`, `tornado`, `phoenix-signed`, `phoenix-encrypted`, `gorilla` (Go securecookie),
 *   `iron-session`, `nextauth` (NextAuth / Auth.js JWE), `yii2`.
 */
export type SessionFormat =
  | 'django-signed'
  | 'django-legacy'
  | 'django-messages-legacy'
  | 'django-session-key'
  | 'flask'
  | 'express-session'
  | 'cookie-session'
  | 'jwt'
  | FrameworkFormat;

/** The formats of lib/codec/frameworks. */
export type FrameworkFormat =
  | 'rails-encrypted'
  | 'rails-encrypted-cbc'
  | 'rails-signed'
  | 'rack'
  | 'laravel-encrypted'
  | 'starlette'
  | 'tornado'
  | 'phoenix-signed'
  | 'phoenix-encrypted'
  | 'gorilla'
  | 'iron-session'
  | 'nextauth'
  | 'yii2';

/** How the payload bytes were serialized (`marshal`: Ruby, `php`: PHP serialize, `erlang`: external term format, `gob`: Go). */
export type Serializer = 'json' | 'pickle' | 'text' | 'none' | 'marshal' | 'php' | 'erlang' | 'gob';

/** Options shared by every decode/verify call. */
export interface DecodeOptions {
  /** SECRET_KEY first, then SECRET_KEY_FALLBACKS, in order. No keys: read without verifying. */
  keys?: readonly string[];
  /** A custom salt, tried before the default salts. */
  salt?: string;
  /** Also try this salt list instead of the defaults (advanced; `salt` is still tried first). */
  salts?: readonly string[];
  /**
   * The cookie's name, when known: lets `set_signed_cookie` values verify (salt v2
   * `django.http.cookies.v2:{len(salt)}:{salt}{name}` first, then the legacy `name + salt`).
   */
  cookieName?: string;
  /** Reject (as expired) a timestamped value older than this many seconds. */
  maxAge?: number;
  /** "Now" in milliseconds since the epoch (tests). Default `Date.now()`. */
  now?: number;
  /** Safety limits; defaults in `DEFAULT_LIMITS`. */
  limits?: Partial<Limits>;
  /**
   * Keys per format, for callers that keep keys per framework (the extension's Options): called
   * with the format about to be read, its `keys` (and `salts`, when given) replace the options'
   * own for that read. `keyIndex` then indexes the list it returned for the result's format.
   */
  keyring?: Keyring;
}

/** Keys (and salts) for one format: see {@link DecodeOptions.keyring}. */
export type Keyring = (format: SessionFormat) => { keys: readonly string[]; salts?: readonly string[] };

/** What `decode` found. Reading is lenient: a value that does not verify still shows its data. */
export interface DecodeResult {
  format: SessionFormat;
  /** The decoded session, exact. `null` where the format carries no readable data (an opaque key). */
  data: SessionValue;
  /** `true` verified, `false` did not verify (see `error`), `null` when no key was given or the format has no signature. */
  verified: boolean | null;
  /** Index into `keys` of the key that verified. */
  keyIndex?: number;
  /** The salt that verified. */
  salt?: string;
  /** The algorithm of the signature (known from its length even when unverified). */
  algorithm?: SignatureAlgorithm;
  /** Whether the payload was zlib-compressed. */
  compressed: boolean;
  serializer: Serializer;
  /** When the value was signed, for formats with a timestamp. */
  timestamp?: Date;
  /** True when `maxAge` was given and the value is older. */
  expired?: boolean;
  /** Why `verified` is `false` (bad signature, expired). */
  error?: SessionLensError;
  /** The web framework that writes this format, e.g. `Ruby on Rails` (formats beyond Django's own). */
  framework?: string;
  /** The setting that holds the key this format needs, e.g. `secret_key_base`, `APP_KEY`. */
  keyName?: string;
  /** Format-specific readable parts (JWT header, Flask tags, express session id …). */
  details?: Record<string, SessionValue>;
}
