/**
 * Express's cookie-session: the cookie holds the session as base64 JSON, e.g.
 * `session=eyJ1c2VyIjoiYWxpY2UifQ==`; its signature travels in a second cookie, `session.sig`
 * (keygrip HMAC-SHA1 of `session=<value>`), so the value alone cannot be verified.
 */
import { stdB64Decode } from './base64.ts';
import { MalformedInputError } from './errors.ts';
import { parseJson } from './json.ts';
import { resolveLimits } from './limits.ts';
import type { DecodeOptions, DecodeResult } from './types.ts';
import { isSessionObject } from './value.ts';

/** Standard base64 whose text starts like a JSON object (`eyJ` = `{"`). */
export const COOKIE_SESSION_RE = /^eyJ[A-Za-z0-9+/]*={0,2}$/;

/**
 * Reads a cookie-session value.
 * @example (await decodeCookieSession('eyJhIjoxfQ==')).data // { a: 1 }
 */
export async function decodeCookieSession(value: string, options: DecodeOptions = {}): Promise<DecodeResult> {
  const limits = resolveLimits(options.limits);
  const data = parseJson(new TextDecoder('utf-8', { fatal: false }).decode(stdB64Decode(value)), limits);
  if (!isSessionObject(data)) throw new MalformedInputError('cookie-session value is not a JSON object');
  return {
    format: 'cookie-session',
    data,
    verified: null,
    compressed: false,
    serializer: 'json',
    details: { signature: 'in the companion "<name>.sig" cookie' },
  };
}
