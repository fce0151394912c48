/**
 * Re-signing an edited session, as Django would write it: the stored key that verified the cookie,
 * the same salt, algorithm and compression choice, a fresh timestamp. The key never leaves the
 * background; the panel sends the new data as exact JSON text (bigints as digits).
 *
 * ```
 * sessionid=.eJyrVopPLC3JiC8tTi2KT…:1r31eq:Kx4…   verified with stored key #0, salt signed_cookies
 *      edit {"_auth_user_id": "2"}  ─▶  dumps(data, key #0, same salt/algorithm, compress) ─▶ new value
 * ```
 */
import {
  COOKIE_SIGNER_KEY_PREFIX,
  DEFAULT_SALTS,
  LimitExceededError,
  decode,
  dumps,
  isSessionObject,
  parseExactJson,
  type DecodeResult,
} from '../codec/index.ts';
import { ProtocolError } from '../protocol/index.ts';

/** What re-signing may use. */
export interface ResignContext {
  /** The stored keys, SECRET_KEY first (as decode gets them). */
  keys: readonly { key: string }[];
  cookieName: string;
  /** Now, ms since the epoch. */
  now: number;
}

/** Browsers keep at most 4096 bytes of name and value (RFC 6265 §6.1; Chrome's limit). */
const MAX_COOKIE = 4096;

/** Why a decoded value cannot be re-signed, or `null` when it can. */
export function notSignableReason(r: DecodeResult): string | null {
  if (r.verified !== true || r.keyIndex === undefined) return 'no stored key verified it';
  if (r.format !== 'django-signed') return `Session Lens re-signs Django signed values, not ${r.format}`;
  if (r.serializer !== 'json') return `its ${r.serializer} payload cannot be written exactly`;
  if (r.salt === DEFAULT_SALTS.messages || r.details?.messages !== undefined) return 'the messages cookie is not a session';
  return null;
}

async function signWith(data: Parameters<typeof dumps>[0], r: DecodeResult, key: string, now: number): Promise<string> {
  return dumps(data, {
    key,
    salt: r.salt,
    algorithm: r.algorithm,
    // The signed_cookies engine always asks for compression (and Django compresses only when it saves space).
    compress: r.compressed || r.salt === DEFAULT_SALTS.signedCookies,
    timestamp: Math.floor(now / 1000),
    timestamped: r.timestamp !== undefined,
  });
}

/**
 * The new cookie value for edited session data. Throws `ERR_NOT_SIGNABLE` when no stored key
 * verified the current value or its format cannot be written exactly, the codec's errors for bad
 * JSON, and `ERR_LIMIT_EXCEEDED` when the cookie would be too large for a browser.
 *
 * @example
 * const value = await resignSession(cookie.value, '{"_auth_user_id":"2"}', { keys, cookieName: 'sessionid', now: Date.now() });
 */
export async function resignSession(value: string, json: string, ctx: ResignContext): Promise<string> {
  const keys = ctx.keys.map((k) => k.key);
  const r = await decode(value, { keys, cookieName: ctx.cookieName, now: ctx.now });
  const reason = notSignableReason(r);
  if (reason !== null) throw new ProtocolError('ERR_NOT_SIGNABLE', `Cannot re-sign "${ctx.cookieName.slice(0, 64)}": ${reason}`);
  const data = parseExactJson(json);
  if (!isSessionObject(data)) throw new ProtocolError('ERR_BAD_REQUEST', 'Session data must be a JSON object');
  const key = keys[r.keyIndex!]!;
  // `signing.dumps` signs with SECRET_KEY itself; `get_cookie_signer` values with the prefixed key.
  for (const k of [key, COOKIE_SIGNER_KEY_PREFIX + key]) {
    const signed = await signWith(data, r, k, ctx.now);
    const check = await decode(signed, { keys: [key], cookieName: ctx.cookieName, now: ctx.now });
    if (check.verified === true && check.salt === r.salt) {
      if (ctx.cookieName.length + signed.length > MAX_COOKIE) {
        throw new LimitExceededError(`The re-signed cookie would be ${ctx.cookieName.length + signed.length} bytes; browsers keep ${MAX_COOKIE}`);
      }
      return signed;
    }
  }
  throw new ProtocolError('ERR_NOT_SIGNABLE', `Cannot re-sign "${ctx.cookieName.slice(0, 64)}": its signer is not one Session Lens writes`);
}
