/**
 * What an audit needs to test one candidate key against another framework's cookie, as plain data
 * (it crosses into worker threads): the bytes a MAC covers and the MAC, or the cipher text an
 * authenticated cipher checks, and how the framework turns its configured key into the MAC/cipher
 * key. Built from the same parsers `decode` uses; the fast checking itself is Node-only
 * (lib/cli/audit), and a found key is confirmed with `decode`.
 */
import { utf8 } from '../backend.ts';
import { b64Decode, stdB64Decode } from '../base64.ts';
import type { FrameworkFormat } from '../types.ts';
import { frameworkDecoder } from './detect.ts';
import { parseGorilla } from './gorilla.ts';
import { parseLaravel } from './laravel.ts';
import { jweHeader } from './nextauth.ts';
import { fromHex } from './crypto.ts';
import { phoenixAuditSpec } from './phoenix-audit.ts';

/** How a candidate becomes the key that is checked. */
export type KeyDerivation =
  /** The candidate's bytes. */
  | { kind: 'raw' }
  /** Laravel APP_KEY: `base64:…` decoded, else raw. */
  | { kind: 'laravel' }
  /** itsdangerous django-concat: SHA1(salt + "signer" + key). */
  | { kind: 'itsdangerous'; salt: string }
  /** PBKDF2-HMAC(hash) of the candidate with each salt; `digests` are tried in turn. */
  | { kind: 'pbkdf2'; digests: ('sha1' | 'sha256')[]; salts: string[]; iterations: number; length: number }
  /** HKDF-SHA256 with each (salt, info). */
  | { kind: 'hkdf'; params: { salt: string; info: string }[]; length: number };

/** The check one candidate key must pass. */
export type AuditCheck =
  /** HMAC(hash, key, message) equals `mac` (raw bytes; `hex`/`b64url` say how the cookie writes it — already decoded here). */
  | { kind: 'hmac'; hash: 'sha1' | 'sha256' | 'sha384' | 'sha512'; message: Uint8Array; mac: Uint8Array; macText?: 'hex' | 'b64url' }
  /**
   * AES-GCM with a 16-byte tag authenticates (`aad` optional). `plaintextStart`: the byte every
   * plaintext of the format starts with (a JWT claims set: `{`), worth checking before the tag.
   */
  | { kind: 'gcm'; iv: Uint8Array; ciphertext: Uint8Array; tag: Uint8Array; aad?: Uint8Array; plaintextStart?: number }
  /** RFC 7518 A256CBC-HS512: HMAC-SHA512 of the first 32 key bytes over aad . iv . ct . AL, truncated. */
  | { kind: 'cbc-hs512'; aad: Uint8Array; iv: Uint8Array; ciphertext: Uint8Array; tag: Uint8Array }
  /**
   * Plug.Crypto.MessageEncryptor: the derived key unwraps the content key (AES-GCM, the `sign`
   * derivation of the same candidate as AAD), which opens the term (AES-GCM, `aad`). See phoenix-audit.ts.
   */
  | {
      kind: 'plug-gcm';
      sign: Extract<KeyDerivation, { kind: 'pbkdf2' }>;
      wrapped: { iv: Uint8Array; ciphertext: Uint8Array; tag: Uint8Array };
      content: { iv: Uint8Array; ciphertext: Uint8Array; tag: Uint8Array; aad: Uint8Array };
    };

/** One cookie, ready for the audit. */
export interface FrameworkAuditSpec {
  format: FrameworkFormat;
  /** The framework setting a found key lives in, to rotate. */
  setting: string;
  derive: KeyDerivation;
  check: AuditCheck;
  /** Several cookies' formats hold two alternative checks (Rack vs. Rails signed): either may match. */
  alternatives?: { format: FrameworkFormat; setting: string; derive: KeyDerivation; check: AuditCheck }[];
}

const RAILS_SETTING = 'secret_key_base (config/credentials.yml.enc or SECRET_KEY_BASE)';

/**
 * The audit spec of a framework cookie, or `undefined` when the value is none, or cannot be
 * audited alone: a Phoenix cookie needs its signing salt (`salts`; encrypted: and its encryption
 * salt, every pair is tried). The signed cookie name (gorilla, Tornado v1) defaults to `session` / `user`.
 *
 * @example frameworkAuditSpec(railsCookie)?.setting // 'secret_key_base (…)'
 */
export function frameworkAuditSpec(value: string, options: { cookieName?: string; salts?: readonly string[] } = {}): FrameworkAuditSpec | undefined {
  const decoder = frameworkDecoder(value);
  if (!decoder) return undefined;
  const extraSalts = [...(options.salts ?? [])];
  // Rails ≥ 5.2
  if (/^[A-Za-z0-9+/]+={0,2}--[A-Za-z0-9+/]+={0,2}--[A-Za-z0-9+/]+={0,2}$/.test(value)) {
    const [ct, iv, tag] = value.split('--').map((p) => stdB64Decode(p)) as [Uint8Array, Uint8Array, Uint8Array];
    return {
      format: 'rails-encrypted',
      setting: RAILS_SETTING,
      derive: { kind: 'pbkdf2', digests: ['sha1', 'sha256'], salts: [...extraSalts, 'authenticated encrypted cookie'], iterations: 1000, length: 32 },
      check: { kind: 'gcm', iv, ciphertext: ct, tag },
    };
  }
  // Rails signed / Rack / Rails 4–5.1
  const signed = /^([A-Za-z0-9+/]+={0,2})--([0-9a-f]{40}|[0-9a-f]{64})$/.exec(value);
  if (signed) {
    const message = utf8(signed[1]!);
    const mac = fromHex(signed[2]!)!;
    const hash = mac.length === 20 ? 'sha1' : 'sha256';
    const inner = new TextDecoder().decode(stdB64Decode(signed[1]!));
    if (/^[A-Za-z0-9+/]+={0,2}--[A-Za-z0-9+/]+={0,2}$/.test(inner)) {
      return {
        format: 'rails-encrypted-cbc',
        setting: RAILS_SETTING,
        derive: { kind: 'pbkdf2', digests: ['sha1'], salts: [...extraSalts, 'signed encrypted cookie'], iterations: 1000, length: 64 },
        check: { kind: 'hmac', hash, message, mac, macText: 'hex' },
      };
    }
    return {
      format: 'rack',
      setting: 'the Rack::Session::Cookie secret (Rails 3: config.secret_token)',
      derive: { kind: 'raw' },
      check: { kind: 'hmac', hash, message, mac, macText: 'hex' },
      alternatives: [
        {
          format: 'rails-signed',
          setting: RAILS_SETTING,
          derive: { kind: 'pbkdf2', digests: ['sha1', 'sha256'], salts: [...extraSalts, 'signed cookie'], iterations: 1000, length: 64 },
          check: { kind: 'hmac', hash, message, mac, macText: 'hex' },
        },
      ],
    };
  }
  const laravel = value.startsWith('eyJpdiI6') ? parseLaravel(value) : undefined;
  if (laravel) {
    const iv = stdB64Decode(laravel.iv as string);
    if (typeof laravel.tag === 'string' && laravel.tag !== '') {
      return { format: 'laravel-encrypted', setting: 'APP_KEY', derive: { kind: 'laravel' }, check: { kind: 'gcm', iv, ciphertext: stdB64Decode(laravel.value as string), tag: stdB64Decode(laravel.tag) } };
    }
    const mac = fromHex(laravel.mac as string);
    if (!mac) return undefined;
    return { format: 'laravel-encrypted', setting: 'APP_KEY', derive: { kind: 'laravel' }, check: { kind: 'hmac', hash: 'sha256', message: utf8(`${laravel.iv as string}${laravel.value as string}`), mac, macText: 'hex' } };
  }
  if (/^[0-9a-f]{64}a:\d+:\{/.test(value)) {
    return { format: 'yii2', setting: "the request component's cookieValidationKey (config/web.php)", derive: { kind: 'raw' }, check: { kind: 'hmac', hash: 'sha256', message: utf8(value.slice(64)), mac: fromHex(value.slice(0, 64))!, macText: 'hex' } };
  }
  if (value.startsWith('2|')) {
    const cut = value.lastIndexOf('|') + 1;
    return { format: 'tornado', setting: "the Application's cookie_secret", derive: { kind: 'raw' }, check: { kind: 'hmac', hash: 'sha256', message: utf8(value.slice(0, cut)), mac: fromHex(value.slice(cut))!, macText: 'hex' } };
  }
  if (/^[A-Za-z0-9+/=]+\|\d{9,11}\|[0-9a-f]{40}$/.test(value)) {
    const [v, ts, sig] = value.split('|') as [string, string, string];
    return { format: 'tornado', setting: "the Application's cookie_secret", derive: { kind: 'raw' }, check: { kind: 'hmac', hash: 'sha1', message: utf8(`${options.cookieName ?? 'user'}${v}${ts}`), mac: fromHex(sig)!, macText: 'hex' } };
  }
  if (/^SFM(?:yNTY|zODQ|1MTI)\.|^QT(?:EyOEdDTQ|I1NkdDTQ)\./.test(value)) return phoenixAuditSpec(value, extraSalts);
  if (JWE_DIR.test(value)) {
    const header = jweHeader(value);
    const [h, , iv, ct, tag] = value.split('.') as [string, string, string, string, string];
    const names = options.cookieName ? [options.cookieName] : ['authjs.session-token', '__Secure-authjs.session-token', 'next-auth.session-token', '__Secure-next-auth.session-token'];
    const authjs = names.map((n) => ({ salt: n, info: `Auth.js Generated Encryption Key (${n})` }));
    const setting = 'NEXTAUTH_SECRET / AUTH_SECRET';
    if (header?.enc === 'A256GCM') {
      return {
        format: 'nextauth',
        setting,
        derive: { kind: 'hkdf', params: [{ salt: '', info: 'NextAuth.js Generated Encryption Key' }, ...authjs], length: 32 },
        // The plaintext is the JWT claims set, a JSON object (RFC 7519 §7.1): `{`.
        check: { kind: 'gcm', iv: b64Decode(iv), ciphertext: b64Decode(ct), tag: b64Decode(tag), aad: utf8(h), plaintextStart: 0x7b },
      };
    }
    if (header?.enc === 'A256CBC-HS512') {
      return { format: 'nextauth', setting, derive: { kind: 'hkdf', params: authjs, length: 64 }, check: { kind: 'cbc-hs512', aad: utf8(h), iv: b64Decode(iv), ciphertext: b64Decode(ct), tag: b64Decode(tag) } };
    }
    return undefined;
  }
  if (value.startsWith('Fe26.2*')) {
    const p = value.split('~')[0]!.split('*');
    return {
      format: 'iron-session',
      setting: 'the iron-session password (SECRET_COOKIE_PASSWORD)',
      derive: { kind: 'pbkdf2', digests: ['sha1'], salts: [p[6]!], iterations: 1, length: 32 },
      check: { kind: 'hmac', hash: 'sha256', message: utf8(p.slice(0, 6).join('*')), mac: b64Decode(p[7]!), macText: 'b64url' },
    };
  }
  const g = value.startsWith('MT') ? parseGorilla(value) : undefined;
  if (g) {
    return { format: 'gorilla', setting: 'the securecookie hashKey (securecookie.New / sessions.NewCookieStore)', derive: { kind: 'raw' }, check: { kind: 'hmac', hash: 'sha256', message: utf8(`${options.cookieName ?? 'session'}|${g.signed}`), mac: g.mac } };
  }
  if (/^[A-Za-z0-9+/]+={0,2}\.[A-Za-z0-9_-]{2,12}\.[A-Za-z0-9_-]{27}$/.test(value)) {
    return {
      format: 'starlette',
      setting: 'the SessionMiddleware secret_key',
      derive: { kind: 'itsdangerous', salt: 'itsdangerous.Signer' },
      check: { kind: 'hmac', hash: 'sha1', message: utf8(value.slice(0, value.lastIndexOf('.'))), mac: b64Decode(value.slice(value.lastIndexOf('.') + 1)), macText: 'b64url' },
    };
  }
  return undefined;
}

const JWE_DIR = /^eyJ[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
