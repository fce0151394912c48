/**
 * Django's signing format (django/core/signing.py, 3.1 to 6.x):
 *
 * ```
 * eyJhIjoxfQ:1r31eq:Kx4...43 chars
 * └─PAYLOAD─┘└─TS─┘└─SIGNATURE─┘
 * ```
 * - PAYLOAD: URL-safe base64 (no padding) of the serialised bytes; a leading `.` means zlib.
 * - TS: `int(time.time())` in base62 — present for `TimestampSigner` (`signing.dumps`, sessions),
 *   absent for a plain `Signer` (`sign_object`, the messages cookie).
 * - SIGNATURE: `b64_encode(HMAC(H(salt + "signer" + secret), "PAYLOAD:TS"))` — sha256 gives 43
 *   characters, the legacy sha1 27, sha512 86.
 *
 * Verification tries each key in order (SECRET_KEY, then SECRET_KEY_FALLBACKS as Django 4.1+
 * does) and each candidate salt, and reports which matched. MACs are compared in constant time.
 */
import { deflate } from 'pako';
import { constantTimeEqualText, getDefaultBackend, utf8, type CodecBackend, type HashName } from './backend.ts';
import { b62Decode, b62Encode } from './base62.ts';
import { b64Decode, b64DecodeWith, b64Encode } from './base64.ts';
import { BadSignatureError, LimitExceededError, MalformedInputError, SignatureExpiredError, type SessionLensError } from './errors.ts';
import { parseJson, stringifyPython } from './json.ts';
import { countMessages, toMessages } from './messages.ts';
import { resolveLimits, type Limits } from './limits.ts';
import { deserialize, type TextEncodingName } from './serializers.ts';
import type { DecodeOptions, DecodeResult, Serializer, SignatureAlgorithm } from './types.ts';
import type { SessionValue } from './value.ts';

export { COOKIE_SIGNER_KEY_PREFIX, cookieSalt, cookieSaltVersion, DEFAULT_SALTS, type SaltCandidate } from './salts.ts';
import { cookieSalt, cookieSaltVersion, DEFAULT_SALTS, type SaltCandidate } from './salts.ts';
import { derivationInputSecret, remember, remembered, shadowed } from './signer-pairs.ts';
import { dateOf } from './time.ts';

/** A signed value split into its parts, without verifying anything. */
export interface ParsedSigned {
  /** The base64 payload as written, including a leading `.` when compressed. */
  payload: string;
  compressed: boolean;
  /** Seconds since the epoch, for timestamped values. */
  timestamp?: number;
  signature: string;
  /** What the HMAC covers: `PAYLOAD` or `PAYLOAD:TS`. */
  signedPart: string;
  /** Known from the signature's length. */
  algorithm?: SignatureAlgorithm;
}

const ALGORITHM_BY_LENGTH: Record<number, SignatureAlgorithm> = { 27: 'sha1', 43: 'sha256', 64: 'sha384', 86: 'sha512' };
const B64_PAYLOAD_RE = /^\.?[A-Za-z0-9_-]*$/;
const B62_RE = /^-?[0-9A-Za-z]{1,9}$/;
const SIGNATURE_RE = /^[A-Za-z0-9_-]+$/;

/**
 * Splits `PAYLOAD[:TS]:SIGNATURE` from the right, as Django does (`rsplit(':', 1)` twice).
 * @example parseSigned('eyJhIjoxfQ:1r31eq:abc').timestamp // 1700000000
 */
export function parseSigned(value: string): ParsedSigned {
  const last = value.lastIndexOf(':');
  if (last < 0) throw new MalformedInputError('No ":" found in value');
  const signature = value.slice(last + 1);
  const signedPart = value.slice(0, last);
  if (!SIGNATURE_RE.test(signature)) throw new MalformedInputError(`Signature "${signature.slice(0, 100)}" is not URL-safe base64`);
  const tsSep = signedPart.lastIndexOf(':');
  let payload = signedPart;
  let timestamp: number | undefined;
  // TimestampSigner adds a base62 timestamp; a plain Signer.sign(value) may have ':' in its value.
  if (tsSep >= 0 && B62_RE.test(signedPart.slice(tsSep + 1))) {
    payload = signedPart.slice(0, tsSep);
    timestamp = b62Decode(signedPart.slice(tsSep + 1));
  }
  return {
    payload,
    compressed: payload.startsWith('.') && B64_PAYLOAD_RE.test(payload),
    timestamp,
    signature,
    signedPart,
    algorithm: ALGORITHM_BY_LENGTH[signature.length],
  };
}

type Bytes = Uint8Array | Promise<Uint8Array>;

/**
 * Derived keys by backend → hash → salt → secret. Nested maps look up the caller's own strings,
 * whose hashes V8 caches, instead of a concatenated id per call.
 */
const derivedKeys = new WeakMap<CodecBackend, Map<HashName, Map<string, Map<string, Bytes>>>>();
let derivedCount = 0;
const MAX_DERIVED_KEYS = 512;

/**
 * Django's `Signer` key: `salted_hmac(salt + 'signer', …, secret)` uses `H(salt + 'signer' + secret)`.
 * Cached, since the panel verifies the same cookie often. The result is a promise only when the
 * backend is asynchronous, so callers await it only then and a synchronous backend never yields.
 */
function derivedKey(backend: CodecBackend, hash: HashName, salt: string, secret: string): Bytes {
  let byHash = derivedKeys.get(backend);
  if (!byHash || derivedCount > MAX_DERIVED_KEYS) {
    derivedKeys.set(backend, (byHash = new Map()));
    derivedCount = 0;
  }
  let bySalt = byHash.get(hash);
  if (!bySalt) byHash.set(hash, (bySalt = new Map()));
  let bySecret = bySalt.get(salt);
  if (!bySecret) bySalt.set(salt, (bySecret = new Map()));
  let k = bySecret.get(secret);
  if (!k) {
    derivedCount++;
    k = backend.digest(hash, utf8(`${salt}signer${secret}`));
    if (k instanceof Promise) {
      const entry = bySecret;
      k.then(
        (v) => entry.set(secret, v),
        () => entry.delete(secret),
      );
    }
    bySecret.set(secret, k);
  }
  return k;
}

/**
 * Django's `Signer.signature(value)`: `base64_hmac(salt + 'signer', value, key, algorithm)`.
 * @example await signature('eyJhIjoxfQ:1r31eq', { key: 'secret', salt: 'django.core.signing' })
 */
export async function signature(
  value: string,
  options: { key: string; salt: string; algorithm?: SignatureAlgorithm; backend?: CodecBackend },
): Promise<string> {
  const backend = options.backend ?? getDefaultBackend();
  const hash = options.algorithm ?? 'sha256';
  const key = await derivedKey(backend, hash, options.salt, options.key);
  return b64Encode(await backend.hmac(hash, key, value));
}

/**
 * The (salt, signer) pairs `decode` tries: a custom salt, the engine's, Django's defaults, then
 * with a cookie name the `set_signed_cookie` salts (v2 first, then the legacy `name + salt`).
 */
export function saltCandidates(options: Pick<DecodeOptions, 'salt' | 'salts' | 'cookieName'>, first?: string): SaltCandidate[] {
  const out: SaltCandidate[] = [];
  const add = (salt: string, signer: SaltCandidate['signer']) => {
    if (!out.some((c) => c.salt === salt && c.signer === signer)) out.push({ salt, signer });
  };
  const addCookie = (salt: string) => {
    add(cookieSalt(options.cookieName!, salt, 'v2'), 'cookie');
    add(cookieSalt(options.cookieName!, salt, 'legacy'), 'cookie');
  };
  if (options.salt !== undefined) {
    add(options.salt, 'default');
    if (options.cookieName) addCookie(options.salt);
  }
  if (first) add(first, 'default');
  const defaults = options.salts ?? [DEFAULT_SALTS.signedCookies, DEFAULT_SALTS.sessionStore, DEFAULT_SALTS.signing];
  for (const s of defaults) add(s, 'default');
  if (!options.salts) {
    add(DEFAULT_SALTS.messages, 'cookie');
    if (options.cookieName) addCookie('');
    add(DEFAULT_SALTS.timestampSigner, 'default');
    add(DEFAULT_SALTS.signer, 'default');
  }
  return out;
}

/** Which key and salt verified a signature. */
export interface SignatureMatch {
  keyIndex: number;
  salt: string;
  signer: SaltCandidate['signer'];
  algorithm: SignatureAlgorithm;
}

/**
 * Whether the signature verifies with key `keyIndex` and candidate `c`: a boolean, no error built.
 * Synchronous when the backend is (a batch then makes no promise per candidate).
 */
function verifiesWith(parsed: ParsedSigned, algorithm: SignatureAlgorithm, secret: string, c: SaltCandidate, backend: CodecBackend): boolean | Promise<boolean> {
  const key = derivedKey(backend, algorithm, c.salt, secret);
  if (key instanceof Promise) return key.then((k) => macMatches(parsed, algorithm, k, backend));
  return macMatches(parsed, algorithm, key, backend);
}

function macMatches(parsed: ParsedSigned, algorithm: SignatureAlgorithm, key: Uint8Array, backend: CodecBackend): boolean | Promise<boolean> {
  if (backend.hmacBase64Url) return constantTimeEqualText(backend.hmacBase64Url(algorithm, key, parsed.signedPart), parsed.signature);
  const raw = backend.hmac(algorithm, key, parsed.signedPart);
  if (raw instanceof Promise) return raw.then((r) => constantTimeEqualText(b64Encode(r), parsed.signature));
  return constantTimeEqualText(b64Encode(raw), parsed.signature);
}

/**
 * Tries every key (in order) against every candidate salt, and reports the first in that order
 * that verifies. `null` when none verifies.
 *
 * Fast path: the pairs that verified before with the same key list are tried first, the most used
 * first. One that verifies is reported only if no pair before it in the order shares its
 * derived-key input (`salt + "signer" + secret`, e.g. salt "x" with key "django.http.cookiesK" and
 * the cookie signer's salt "x" with key "K"): such a pair has the same HMAC key and would verify
 * too, so then the full ordered loop runs. Any other earlier pair has a different HMAC key (the
 * derived key is a hash of a different input), and a MAC that verifies under two different keys is
 * an HMAC forgery — not something a value can do — so the earlier pairs cannot change the answer
 * and are skipped. When none of them verifies, the ordered loop runs, skipping only those tried.
 * @example await verifySigned(parseSigned(v), ['new-key', 'old-key'], saltCandidates({}))
 */
export async function verifySigned(
  parsed: ParsedSigned,
  keys: readonly string[],
  candidates: readonly SaltCandidate[],
  backend: CodecBackend = getDefaultBackend(),
): Promise<SignatureMatch | null> {
  const algorithm = parsed.algorithm;
  if (!algorithm) return null;
  const list = remembered.get(keys);
  /** The pairs tried first, as `keyIndex * candidates.length + index`. */
  let tried: number[] | undefined;
  for (let r = 0; list && r < list.length; r++) {
    const p = list[r]!;
    if (p.keyIndex >= keys.length) continue;
    const index = candidates.findIndex((c) => c.salt === p.salt && c.signer === p.signer);
    if (index < 0) continue;
    const c = candidates[index]!;
    (tried ??= []).push(p.keyIndex * candidates.length + index);
    let ok = verifiesWith(parsed, algorithm, derivationInputSecret(keys[p.keyIndex]!, c), c, backend);
    if (ok instanceof Promise) ok = await ok;
    if (ok) {
      if (shadowed(keys, candidates, p.keyIndex, index)) break; // the ordered loop finds the earlier pair
      remember(keys, p.keyIndex, c);
      return { keyIndex: p.keyIndex, salt: c.salt, signer: c.signer, algorithm };
    }
  }
  for (let keyIndex = 0; keyIndex < keys.length; keyIndex++) {
    for (let i = 0; i < candidates.length; i++) {
      // tried above: it does not verify, or an earlier pair shares its key
      if (tried?.includes(keyIndex * candidates.length + i)) continue;
      const c = candidates[i]!;
      let ok = verifiesWith(parsed, algorithm, derivationInputSecret(keys[keyIndex]!, c), c, backend);
      if (ok instanceof Promise) ok = await ok;
      if (ok) {
        remember(keys, keyIndex, c);
        return { keyIndex, salt: c.salt, signer: c.signer, algorithm };
      }
    }
  }
  return null;
}

/**
 * Decodes the payload part: base64, optional zlib (capped), JSON or pickle. A payload that is not
 * base64 of JSON or pickle is a plain signed string (`set_signed_cookie`, `Signer.sign`): text.
 */
export async function decodePayload(
  payload: string,
  limits: Limits,
  backend: CodecBackend = getDefaultBackend(),
): Promise<{ data: SessionValue; compressed: boolean; serializer: Serializer; encoding?: TextEncodingName; rawJson?: boolean }> {
  const compressed = payload.startsWith('.') && B64_PAYLOAD_RE.test(payload);
  if (compressed) {
    const body = payload.slice(1);
    // Already validated above: a native decoder may take it as is.
    const raw = backend.base64UrlDecode && body.length % 4 !== 1 ? backend.base64UrlDecode(body) : b64Decode(body);
    let bytes = backend.inflate(raw, limits.maxDecompressedSize);
    if (bytes instanceof Promise) bytes = await bytes;
    return { ...deserialize(bytes, limits), compressed };
  }
  try {
    return { ...deserialize(b64DecodeWith(payload, backend.base64UrlDecode), limits), compressed };
  } catch (e) {
    if (!(e instanceof MalformedInputError)) throw e;
  }
  // Not base64: a plain signed string — or raw JSON, as Django 3.1's messages cookie signs it
  if (RAW_JSON_RE.test(payload)) {
    try {
      return { data: parseJson(payload, { ...limits, maxInputLength: Infinity }), compressed, serializer: 'json', rawJson: true };
    } catch (e) {
      if (!(e instanceof MalformedInputError)) throw e;
    }
  }
  return { data: payload, compressed, serializer: 'text' };
}

/** A JSON array or object in the clear (Django 3.1 messages: `Signer.sign(json)`, not base64). */
const RAW_JSON_RE = /^\s*[[{][\s\S]*[\]}]\s*$/;

function checkLength(value: string, limits: Limits): void {
  if (value.length > limits.maxInputLength) {
    throw new LimitExceededError(`Input is ${value.length} characters, over the limit of ${limits.maxInputLength}`);
  }
}

/**
 * Reads a Django signed value leniently: the data always, verification when keys are given.
 * @example (await decodeSigned(cookie, { keys: [SECRET_KEY] })).verified // true
 */
export async function decodeSigned(
  value: string,
  options: DecodeOptions = {},
  preferredSalt?: string,
  backend: CodecBackend = getDefaultBackend(),
): Promise<DecodeResult> {
  const limits = resolveLimits(options.limits);
  checkLength(value, limits);
  const parsed = parseSigned(value);
  const payload = await decodePayload(parsed.payload, limits, backend);
  const result: DecodeResult = {
    format: 'django-signed',
    data: payload.data,
    verified: null,
    algorithm: parsed.algorithm,
    compressed: payload.compressed,
    serializer: payload.serializer,
    details: { signer: parsed.timestamp === undefined ? 'Signer' : 'TimestampSigner' },
  };
  if (payload.rawJson) result.details!.payload = 'raw JSON, not base64 (Django 3.1 messages)';
  if (payload.encoding) result.details!.jsonEncoding = payload.encoding === 'utf-8' ? 'utf-8 (as Django 6.1 reads it)' : 'latin-1 (as Django ≤ 6.0 reads it)';
  // A plain Signer's text may itself end in ":<base62>": Django's Signer.unsign keeps it in the value
  const plainReading = parsed.timestamp !== undefined && payload.serializer === 'text' ? parsed.signedPart : undefined;
  if (plainReading !== undefined) result.details!.readings = `TimestampSigner: "${parsed.payload}" signed at the timestamp; Signer: "${plainReading}"`;
  if (parsed.timestamp !== undefined) result.timestamp = dateOf(parsed.timestamp * 1000);
  let expiredError: SessionLensError | undefined;
  if (parsed.timestamp !== undefined && options.maxAge !== undefined) {
    const age = (options.now ?? Date.now()) / 1000 - parsed.timestamp;
    result.expired = age > options.maxAge;
    if (result.expired) expiredError = new SignatureExpiredError(undefined, Math.round(age), options.maxAge);
  }
  if (options.keys && options.keys.length > 0) {
    const match = await verifySigned(parsed, options.keys, saltCandidates(options, preferredSalt), backend);
    if (!match) {
      result.verified = false;
      result.error = new BadSignatureError(`Signature "${parsed.signature}" does not match`);
    } else {
      result.keyIndex = match.keyIndex;
      result.salt = match.salt;
      result.algorithm = match.algorithm;
      if (match.signer === 'cookie') {
        result.details!.key = 'django.http.cookies + SECRET_KEY';
        if (options.cookieName && match.salt !== DEFAULT_SALTS.messages) {
          result.details!.cookieSalt =
            cookieSaltVersion(match.salt) === 'v2' ? 'v2 (Django 5.2.15+, 6.0.6+, 6.1)' : 'legacy: name + salt (before Django 5.2.15 / 6.0.6)';
        }
      }
      // Django's own salts name their signer class; a caller's custom salt could be either's
      if (plainReading !== undefined && match.salt !== options.salt) delete result.details!.readings;
      if (plainReading !== undefined && match.salt === DEFAULT_SALTS.signer) {
        // the signature says Signer: the whole text is the value, nothing is a timestamp
        result.data = plainReading;
        result.details!.signer = 'Signer';
        delete result.timestamp;
        delete result.expired;
        expiredError = undefined;
      }
      result.verified = !expiredError;
      if (expiredError) result.error = expiredError;
    }
  }
  // the messages cookie is a list of MessageEncoder lists (a session is a dict: never walked)
  if (payload.serializer === 'json' && Array.isArray(result.data)) {
    const messages = toMessages(result.data);
    const n = countMessages(messages);
    if (n > 0) {
      result.data = messages;
      result.details!.messages = n;
    }
  }
  return result;
}

/** Options of {@link loads}. */
export interface LoadsOptions {
  /** SECRET_KEY then fallbacks. */
  keys: readonly string[];
  /** Default `django.core.signing`, as `signing.loads`. */
  salt?: string;
  maxAge?: number;
  now?: number;
  limits?: Partial<Limits>;
  backend?: CodecBackend;
}

/**
 * Django's `signing.loads`, strict: throws {@link BadSignatureError} or {@link SignatureExpiredError}.
 * @example await loads(value, { keys: [SECRET_KEY], salt: 'django.contrib.sessions.backends.signed_cookies' })
 */
export async function loads(value: string, options: LoadsOptions): Promise<SessionValue> {
  const limits = resolveLimits(options.limits);
  const backend = options.backend ?? getDefaultBackend();
  checkLength(value, limits);
  let parsed: ParsedSigned;
  try {
    parsed = parseSigned(value);
  } catch (e) {
    throw new BadSignatureError((e as Error).message, { cause: e });
  }
  const match = await verifySigned(parsed, options.keys, [{ salt: options.salt ?? DEFAULT_SALTS.signing, signer: 'default' }], backend);
  if (!match) throw new BadSignatureError(`Signature "${parsed.signature}" does not match`);
  if (parsed.timestamp !== undefined && options.maxAge !== undefined) {
    const age = (options.now ?? Date.now()) / 1000 - parsed.timestamp;
    if (age > options.maxAge) throw new SignatureExpiredError(undefined, Math.round(age), options.maxAge);
  }
  return (await decodePayload(parsed.payload, limits, backend)).data;
}

/** Options of {@link dumps}. */
export interface DumpsOptions {
  key: string;
  /** Default `django.core.signing`, as `signing.dumps`. */
  salt?: string;
  /** Compress with zlib when that saves more than one byte, as Django does. */
  compress?: boolean;
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  /** Default sha256; sha1 is what Django 3.1–3.2 wrote with DEFAULT_HASHING_ALGORITHM = 'sha1'. */
  algorithm?: SignatureAlgorithm;
  /** False for a plain `Signer.sign_object` value (no timestamp). Default true. */
  timestamped?: boolean;
  backend?: CodecBackend;
}

/**
 * Django's `TimestampSigner.sign_object` for already-serialised bytes.
 * @example await dumpsSerialized(new TextEncoder().encode('{"a":1}'), { key: 'k', timestamp: 1700000000 })
 */
export async function dumpsSerialized(serialized: Uint8Array, options: DumpsOptions): Promise<string> {
  const backend = options.backend ?? getDefaultBackend();
  let data = serialized;
  let isCompressed = false;
  if (options.compress) {
    // pako is a port of stock zlib: its output is byte-identical to Python's zlib.compress, where
    // the zlib forks inside Node and Chromium choose other (equally valid) matches.
    const compressed = deflate(data);
    if (compressed.length < data.length - 1) {
      data = compressed;
      isCompressed = true;
    }
  }
  let value = (isCompressed ? '.' : '') + b64Encode(data);
  if (options.timestamped !== false) value += `:${b62Encode(options.timestamp ?? Math.floor(Date.now() / 1000))}`;
  const sig = await signature(value, { key: options.key, salt: options.salt ?? DEFAULT_SALTS.signing, algorithm: options.algorithm, backend });
  return `${value}:${sig}`;
}

/**
 * Django's `signing.dumps(obj, key, salt, compress=…)` with the JSON serializer, byte for byte.
 * @example await dumps({ _auth_user_id: '1' }, { key: SECRET_KEY, salt: DEFAULT_SALTS.signedCookies, compress: true })
 */
export async function dumps(data: SessionValue, options: DumpsOptions): Promise<string> {
  return dumpsSerialized(utf8(stringifyPython(data)), options);
}
