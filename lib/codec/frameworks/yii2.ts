/**
 * Yii2 validated cookies (`enableCookieValidation`, the default: `_csrf`, `_identity`, any cookie):
 *
 * ```
 * 3f9c…(64 hex)a:2:{i:0;s:9:"_identity";i:1;s:19:"[42,"auth-key",2592000]";}
 * └ HMAC-SHA256 ┘└ PHP serialize([name, value]) ┘
 * ```
 * yii\base\Security::hashData(serialize([$name, $value]), cookieValidationKey) — HMAC-SHA256 in hex
 * in front of the data (framework/base/Security.php, framework/web/Request.php loadCookies, Yii 2.0.49).
 */
import { constantTimeEqual, getDefaultBackend, utf8, type CodecBackend } from '../backend.ts';
import { hex } from '../byte-reader.ts';
import { resolveLimits } from '../limits.ts';
import { phpUnserialize } from '../php-serialize.ts';
import type { DecodeOptions, DecodeResult } from '../types.ts';
import { hasKeys, noKeyMatched, unverified, type Family } from './common.ts';

const YII2: Family = { format: 'yii2', framework: 'Yii 2', keyName: "request component's cookieValidationKey" };

/** 64 hex digits, then a serialized PHP array. */
export const YII2_RE = /^[0-9a-f]{64}a:\d+:\{/;

/**
 * Decodes (with cookieValidationKey: verifies) a Yii2 cookie.
 * @example (await decodeYii2(cookie, { keys: [key] })).data // ['_csrf', 'x7Gq…']
 */
export async function decodeYii2(value: string, options: DecodeOptions = {}, backend: CodecBackend = getDefaultBackend()): Promise<DecodeResult> {
  const limits = resolveLimits(options.limits);
  const sig = value.slice(0, 64);
  const data = value.slice(64);
  const parsed = phpUnserialize(utf8(data), limits);
  const name = Array.isArray(parsed) && typeof parsed[0] === 'string' ? parsed[0] : undefined;
  const r: DecodeResult = { ...unverified(YII2, parsed, 'php', name ? { cookieName: name } : {}), algorithm: 'sha256' };
  if (!hasKeys(options.keys)) return r;
  for (const [i, k] of options.keys.entries()) {
    if (!constantTimeEqual(utf8(hex(await backend.hmac('sha256', utf8(k), data))), utf8(sig))) continue;
    if (options.cookieName && name !== undefined && name !== options.cookieName) return noKeyMatched(r, `Signed for cookie "${name}", not "${options.cookieName}"`);
    return { ...r, verified: true, keyIndex: i };
  }
  return noKeyMatched(r, `Signature "${sig}" does not match`);
}
