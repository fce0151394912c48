/**
 * Which framework family a (normalized) cookie value belongs to, by its shape alone. Each test is
 * strict — the structure must parse, not just look alike — so Django's and Flask's formats, which
 * `decode` tries next, are never taken for one of these.
 *
 * | looks like                                        | format                         |
 * | ------------------------------------------------- | ------------------------------ |
 * | `Fe26.2*…`                                        | iron-session                   |
 * | `eyJ…..…` with `alg: "dir"`                       | nextauth                       |
 * | `SFMyNTY.….…` / `QTEyOEdDTQ.…` (HS256 / A128GCM)  | phoenix-signed / -encrypted    |
 * | `2\|1:0\|10:…` or `BASE64\|TS\|HEX40`             | tornado                        |
 * | 64 hex + `a:2:{…`                                 | yii2                           |
 * | `eyJpdiI6…` (base64 JSON with iv, value, mac)     | laravel-encrypted              |
 * | `DATA--IV--TAG` (12-byte IV, 16-byte tag)         | rails-encrypted                |
 * | `DATA--HEX`                                       | rails-signed, rack, rails-encrypted-cbc |
 * | base64url of `DATE\|VALUE\|MAC`                   | gorilla                        |
 * | `BASE64.TS.SIG` with json.dumps spacing or `=+/`  | starlette                      |
 */
import type { CodecBackend } from '../backend.ts';
import { stdB64Decode } from '../base64.ts';
import type { DecodeOptions, DecodeResult, FrameworkFormat } from '../types.ts';
import { decodeGorilla, GORILLA_RE, parseGorilla } from './gorilla.ts';
import { decodeIron, IRON_RE } from './iron.ts';
import { decodeLaravel, LARAVEL_RE, parseLaravel } from './laravel.ts';
import { decodeNextAuth, JWE_DIR_RE, jweHeader } from './nextauth.ts';
import { decodePhoenixEncrypted, decodePhoenixSigned, PHOENIX_ENCRYPTED_RE, PHOENIX_SIGNED_RE } from './phoenix.ts';
import { decodeRailsEncrypted, decodeRailsSigned, RAILS_GCM_RE, RAILS_SIGNED_RE } from './rails.ts';
import { decodeStarlette, looksLikeStarlette, STARLETTE_RE } from './starlette.ts';
import { decodeTornado, TORNADO_RE } from './tornado.ts';
import { decodeYii2, YII2_RE } from './yii2.ts';

/** A family's decoder. */
export type FrameworkDecoder = (value: string, options: DecodeOptions, backend: CodecBackend) => Promise<DecodeResult>;

function railsGcmShape(v: string): boolean {
  try {
    const [, iv, tag] = v.split('--').map((p) => stdB64Decode(p));
    return iv!.length === 12 && tag!.length === 16;
  } catch {
    return false;
  }
}

function b64Ok(v: string): boolean {
  try {
    stdB64Decode(v.slice(0, v.lastIndexOf('--')));
    return true;
  } catch {
    return false;
  }
}

/**
 * The format family `value` belongs to and its decoder, or `undefined` when it is none of them.
 * (`rails-signed` stands for the whole `DATA--HEX` group: `rack` when the payload is Marshal.)
 * @example detectFramework('Fe26.2*1*…~2')?.format // 'iron-session'
 */
export function detectFramework(value: string): { format: FrameworkFormat; decoder: FrameworkDecoder } | undefined {
  if (IRON_RE.test(value)) return { format: 'iron-session', decoder: decodeIron };
  if (JWE_DIR_RE.test(value) && jweHeader(value)) return { format: 'nextauth', decoder: decodeNextAuth };
  if (PHOENIX_SIGNED_RE.test(value)) return { format: 'phoenix-signed', decoder: decodePhoenixSigned };
  if (PHOENIX_ENCRYPTED_RE.test(value)) return { format: 'phoenix-encrypted', decoder: decodePhoenixEncrypted };
  if (TORNADO_RE.test(value)) return { format: 'tornado', decoder: decodeTornado };
  if (YII2_RE.test(value)) return { format: 'yii2', decoder: decodeYii2 };
  if (LARAVEL_RE.test(value) && parseLaravel(value)) return { format: 'laravel-encrypted', decoder: decodeLaravel };
  if (RAILS_GCM_RE.test(value) && railsGcmShape(value)) return { format: 'rails-encrypted', decoder: (v, o) => decodeRailsEncrypted(v, o) };
  if (RAILS_SIGNED_RE.test(value) && b64Ok(value)) return { format: value.startsWith('BAh') ? 'rack' : 'rails-signed', decoder: decodeRailsSigned };
  if (GORILLA_RE.test(value) && parseGorilla(value)) return { format: 'gorilla', decoder: decodeGorilla };
  if (STARLETTE_RE.test(value) && looksLikeStarlette(value)) return { format: 'starlette', decoder: decodeStarlette };
  return undefined;
}

/**
 * The decoder for the family `value` belongs to, or `undefined` when it is none of them.
 * @example frameworkDecoder('Fe26.2*1*…~2') // decodeIron
 */
export function frameworkDecoder(value: string): FrameworkDecoder | undefined {
  return detectFramework(value)?.decoder;
}
