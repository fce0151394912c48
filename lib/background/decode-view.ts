/**
 * Decoding in the background: the stored keys stay here, pages get a {@link DecodeView} whose data
 * is the codec's exact JSON text (bigints as digits, never structured-cloned).
 */
import { decode, decodeCookies, isSessionLensError, isSessionObject, stringifyJson, type DecodeOptions, type DecodeResult } from '../codec/index.ts';
import { summarizeSession } from '../policy/index.ts';
import { isEncryptedFormat, type CookieDecode, type DecodeView, type SignatureState } from '../protocol/index.ts';
import { keysForFormat, type KeyLike } from './settings.ts';
import type { SessionFacts } from './timeline.ts';

/** A stored key as decoding sees it: its family picks the formats it is tried on. */
export type DecodeKey = KeyLike & { label: string };

/** What a decode may use. */
export interface DecodeContext {
  /**
   * Secret keys with their families (none: Django's), each family's first key first. A value is
   * tried only with the keys of its format's families (a Rails cookie with Rails keys).
   */
  keys: readonly DecodeKey[];
  cookieName?: string;
  /** Now, ms since the epoch. */
  now: number;
  /** Reject as expired a timestamped value older than this (seconds): the session cookie age. */
  maxAge?: number;
}

/**
 * The signature state the panel shows for a decode result.
 *
 * @example
 * signatureState({ verified: true, … }) // 'verified'
 */
export function signatureState(r: Pick<DecodeResult, 'verified' | 'expired' | 'error' | 'format'>): SignatureState {
  if (r.verified === true) return 'verified';
  // A bad signature beats expiry: a forged token must never look merely expired.
  if (r.error?.code === 'ERR_BAD_SIGNATURE') return 'bad';
  if (r.verified === false && r.error?.code !== 'ERR_SIGNATURE_EXPIRED' && !r.expired) return 'bad';
  if (r.expired || r.error?.code === 'ERR_SIGNATURE_EXPIRED') return 'expired';
  if (r.verified === false) return 'bad';
  return r.format === 'django-session-key' || r.format === 'cookie-session' ? 'none' : 'unverified';
}

/**
 * Turns a codec result into the wire view.
 *
 * @example
 * toDecodeView(await decode(value), { keys: [], now: Date.now() })
 */
export function toDecodeView(r: DecodeResult, ctx: Pick<DecodeContext, 'keys' | 'now'>): DecodeView {
  const view: DecodeView = {
    format: r.format,
    json: stringifyJson(r.data, 2),
    signature: signatureState(r),
    verified: r.verified,
    compressed: r.compressed,
    serializer: r.serializer,
  };
  if (r.keyIndex !== undefined) {
    view.keyIndex = r.keyIndex;
    const key = keysForFormat(ctx.keys, r.format).keys[r.keyIndex];
    if (key !== undefined) {
      view.keyLabel = key.label;
      view.keyFamily = key.family ?? 'django';
    }
    if (r.verified === true && (isEncryptedFormat(r.format) || r.details?.encrypted === 'AES-CTR')) view.decrypted = true;
  }
  if (r.framework !== undefined) view.framework = r.framework;
  if (r.keyName !== undefined) view.keyName = r.keyName;
  if (r.salt !== undefined) view.salt = r.salt;
  if (r.algorithm !== undefined) view.algorithm = r.algorithm;
  if (r.timestamp !== undefined) {
    view.timestamp = r.timestamp.getTime();
    view.age = Math.max(0, Math.round((ctx.now - view.timestamp) / 1000));
  }
  if (r.expired !== undefined) view.expired = r.expired;
  if (r.error) view.error = { code: r.error.code, message: r.error.message };
  if (r.details && Object.keys(r.details).length > 0) view.details = stringifyJson(r.details, 2);
  return view;
}

/**
 * The codec's options for a decode: a keyring giving each format its families' keys (and Phoenix's
 * salts), the cookie name, now and the session cookie age.
 *
 * @example
 * await decode(value, decodeOptions({ keys: settings.keys, now: Date.now() }))
 */
export function decodeOptions(ctx: DecodeContext): DecodeOptions {
  const opts: DecodeOptions = {
    now: ctx.now,
    keyring: (format) => {
      const { keys, salts } = keysForFormat(ctx.keys, format);
      return salts ? { keys: keys.map((k) => k.key), salts } : { keys: keys.map((k) => k.key) };
    },
  };
  if (ctx.cookieName !== undefined) opts.cookieName = ctx.cookieName;
  if (ctx.maxAge !== undefined) opts.maxAge = ctx.maxAge;
  return opts;
}

/**
 * Decodes and verifies a value with the stored keys. Throws the codec's typed error when the value
 * cannot be read at all.
 *
 * @example
 * const view = await decodeToView(cookie.value, { keys: settings.keys, cookieName: 'sessionid', now: Date.now() });
 */
export async function decodeToView(value: string, ctx: DecodeContext): Promise<DecodeView> {
  const opts = decodeOptions(ctx);
  // a pasted Cookie header: every cookie with its name, the session cookie first
  const all = (await decodeCookies(value, opts)).filter((c) => c.result);
  if (all.length === 0) return toDecodeView(await decode(value, opts), ctx);
  const [first, ...rest] = all.map((c) => ({ ...toDecodeView(c.result!, ctx), ...(c.name !== undefined ? { cookie: c.name } : {}) }));
  return rest.length ? { ...first!, others: rest } : first!;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest).slice(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A session cookie decoded once: the codec's result (`null` when unreadable) and its wire form. */
export interface CookieDecoding {
  result: DecodeResult | null;
  wire: CookieDecode;
}

/**
 * Decodes a session cookie's value once, for the push and the timeline alike. Never throws: a value
 * the codec cannot read becomes its typed error on the wire.
 *
 * @example
 * const { wire } = await decodeCookie(cookie.value, { keys: settings.keys, cookieName: 'sessionid', now });
 * wire.ok && wire.view.signature // 'verified'
 */
export async function decodeCookie(value: string, ctx: DecodeContext): Promise<CookieDecoding> {
  const opts = decodeOptions(ctx);
  try {
    const result = await decode(value, opts);
    return { result, wire: { ok: true, view: toDecodeView(result, ctx) } };
  } catch (e) {
    const error = isSessionLensError(e) ? e.toJSON() : { code: 'ERR_INTERNAL', message: 'The value could not be decoded' };
    return { result: null, wire: { ok: false, ...error } };
  }
}

/**
 * What the timeline keeps about a session cookie value: a hash, and the logged-in user and a masked
 * summary of the data when the value is readable (a signed cookie). Pass the value's decode result when there is one, so the
 * value is not decoded twice. Never throws.
 *
 * @example
 * await sessionFacts('k3…', null) // { fingerprint: '9f…', user: null, opaque: true, expires: null }
 */
export async function sessionFacts(value: string, expires: number | null, decoded?: DecodeResult | null): Promise<SessionFacts> {
  const fingerprint = await sha256Hex(value);
  try {
    const r = decoded === undefined ? await decode(value) : decoded;
    if (r === null || r.format === 'django-session-key' || !isSessionObject(r.data)) return { fingerprint, user: null, opaque: true, expires };
    const uid = r.data._auth_user_id;
    const user = typeof uid === 'string' || typeof uid === 'number' || typeof uid === 'bigint' ? String(uid) : null;
    const data = summarizeSession(r.data);
    return data ? { fingerprint, user, opaque: false, expires, data } : { fingerprint, user, opaque: false, expires };
  } catch {
    return { fingerprint, user: null, opaque: true, expires };
  }
}
