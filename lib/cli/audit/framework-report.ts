/**
 * The audit's finding for another framework's cookie: which setting holds the public key, what to
 * do about it, and the session the key opens (decoded by the codec, as `decode` would).
 */
import { decode, type SessionValue } from '../../codec/index.ts';
import { nodeBackend } from '../../node/index.ts';
import type { AuditMatch } from './run.ts';

/** What to rotate, per format (the framework's own words and tools). */
const FIXES: Record<string, string> = {
  'rails-encrypted': 'Rotate secret_key_base now (bin/rails secret; bin/rails credentials:edit or SECRET_KEY_BASE) and keep it out of the repository: every session cookie and signed/encrypted cookie must be re-issued.',
  'rails-encrypted-cbc': 'Rotate secret_key_base now (rake secret; config/secrets.yml or SECRET_KEY_BASE) and keep it out of the repository: every session and encrypted cookie must be re-issued.',
  'rails-signed': 'Rotate secret_key_base now (bin/rails secret) and keep it out of the repository: every signed cookie must be re-issued.',
  rack: 'Rotate the Rack::Session::Cookie :secret (Rails 3: config.secret_token) now, from SecureRandom.hex(64), kept out of the repository: a Marshal session signed with a known secret also lets an attacker run code on the server.',
  'laravel-encrypted': 'Rotate APP_KEY now (php artisan key:generate; in .env, never committed): every encrypted cookie, session and encrypt() value must be re-issued.',
  starlette: 'Rotate the SessionMiddleware secret_key now (secrets.token_urlsafe(32), from the environment, never committed): every session must be re-issued.',
  tornado: "Rotate the Application's cookie_secret now (secrets.token_hex(32), from the environment; use a dict with key_version to rotate): every signed cookie must be re-issued.",
  'phoenix-signed': 'Rotate secret_key_base now (mix phx.gen.secret; SECRET_KEY_BASE in runtime.exs) and the endpoint signing_salt: every session must be re-issued.',
  'phoenix-encrypted': 'Rotate secret_key_base now (mix phx.gen.secret; SECRET_KEY_BASE in runtime.exs) and the endpoint encryption_salt and signing_salt: every session must be re-issued.',
  gorilla: 'Rotate the securecookie hashKey (and blockKey) now (securecookie.GenerateRandomKey(64), from the environment): every session must be re-issued.',
  'iron-session': 'Rotate the iron-session password now (at least 32 random characters, SECRET_COOKIE_PASSWORD; add the new one under a higher id to rotate): every session must be re-issued.',
  nextauth: 'Rotate NEXTAUTH_SECRET / AUTH_SECRET now (npx auth secret or openssl rand -base64 33): every session token must be re-issued.',
  yii2: "Rotate the request component's cookieValidationKey now (a random string in config/web.php or the environment): every validated cookie, including _identity, must be re-issued.",
};

/** The finding fields for a framework match. */
export async function frameworkFinding(
  value: string,
  m: AuditMatch,
  options: { cookieName?: string; salts?: readonly string[] },
): Promise<{ message: string; fix: string; format: string; setting: string; algorithm: string; session?: SessionValue; verified?: boolean | null }> {
  const f = m.framework!;
  let decoded: { data: SessionValue; verified: boolean | null; algorithm?: string } | undefined;
  try {
    // --salt is Phoenix's signing (and encryption) salt; other formats have their own (Starlette's itsdangerous salt stays its default).
    const salt = f.format.startsWith('phoenix') && options.salts?.length ? { salts: [...options.salts] } : {};
    const r = await decode(value, { keys: [m.key], ...(options.cookieName ? { cookieName: options.cookieName } : {}), ...salt }, nodeBackend);
    decoded = { data: r.data, verified: r.verified, ...(r.algorithm ? { algorithm: r.algorithm } : {}) };
  } catch {
    decoded = undefined;
  }
  return {
    message: `Signed with a ${m.source === 'bundled' ? 'publicly known' : 'wordlist'} key in ${f.setting}: whoever knows it can forge (and read) sessions.`,
    fix: FIXES[f.format] ?? `Rotate ${f.setting} now.`,
    format: f.format,
    setting: f.setting,
    algorithm: decoded?.algorithm ?? f.note,
    ...(decoded ? { session: decoded.data, verified: decoded.verified } : {}),
  };
}
