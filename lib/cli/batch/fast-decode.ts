/**
 * The batch fast path of `session-lens decode --json -`: the common line — a Django
 * `signing.dumps` value (`[.]PAYLOAD:TS:SIGNATURE`, sha256) of a JSON payload that one of the
 * given keys and default-signer salts verifies — answered without the general path's objects:
 *
 * ```
 * .eJxVjDsOwjAQ…:1r31eq:ru7ML1998KD7fceJefznhiDeh3Jmy3mkwJNOADG3ko4
 * → {"format":"django-signed","data":{…},"verified":true,"keyIndex":0,"salt":"…","algorithm":"sha256",
 *    "compressed":true,"serializer":"json","timestamp":"2023-11-14T22:13:20.000Z","details":{"signer":"TimestampSigner"}}
 * ```
 *
 * The signature is searched over keys × salts in `verifySigned`'s order (lib/codec/signer-pairs.ts
 * `findSignerPair`), each try an HMAC from the pair's saved padded keys (./hmac-pads.ts); the
 * payload is inflated with a reused zlib handle (lib/node/inflate.ts) and its JSON copied into the line
 * (./json-copy.ts). Any other line — another shape or format, a bad signature, a payload that is
 * not plain compact JSON — returns `false`, and the caller answers it with the general path.
 * The answer is the general path's, byte for byte (tests/unit/cli/batch-decode.test.ts).
 *
 * Why a line of this shape is always Django's: every format `decode` tests before Django's
 * (express-session, the framework shapes of lib/codec/frameworks/detect.ts, JWT, the legacy
 * messages cookie) needs a character this shape has none of (`.` or `--` inside, `|`, `*`, `$`,
 * `{`) or has no `:`; normalizing (trim, unquote, URL-decode) changes nothing in it.
 */
import { createHash } from 'node:crypto';
import { b62Decode, COOKIE_SIGNER_KEY_PREFIX, DEFAULT_LIMITS, findSignerPair, type SaltCandidate } from '../../codec/index.ts';
import { createInflater } from '../../node/inflate.ts';
import { HmacMessage, hmacPads, type HmacHash, type HmacPads } from './hmac-pads.ts';
import { ByteSink, copyJson } from './json-copy.ts';

/** `[.]PAYLOAD:TS:SIG`: the timestamp in base62, the signature in URL-safe base64. */
const TS_RE = /^[0-9A-Za-z]{1,9}$/;
const SIGNATURE_RE = /^[A-Za-z0-9_-]{27,86}$/;

/** The signature's length tells the hash (signing.ts `ALGORITHM_BY_LENGTH`). */
const HASHES: HmacHash[] = ['sha1', 'sha256', 'sha384', 'sha512'];
const HASH_BY_LENGTH: Record<number, number> = { 27: 0, 43: 1, 64: 2, 86: 3 };

/** Longest payload JSON read here: each value takes a byte, so no payload reaches `maxItems`. */
const MAX_JSON_BYTES = DEFAULT_LIMITS.maxItems;

/** What the line says after the data, for one (key, salt) pair and hash. */
function pairText(keyIndex: number, salt: string, hash: HmacHash): Buffer {
  return Buffer.from(`,"verified":true,"keyIndex":${keyIndex},"salt":${JSON.stringify(salt)},"algorithm":"${hash}","compressed":`);
}

const HEAD = Buffer.from('{"format":"django-signed","data":');
const COMPRESSED = Buffer.from('true,"serializer":"json","timestamp":"');
const PLAIN = Buffer.from('false,"serializer":"json","timestamp":"');
const TAIL = Buffer.from('","details":{"signer":"TimestampSigner"}}\n');
const TAIL_UTF8 = Buffer.from('","details":{"signer":"TimestampSigner","jsonEncoding":"utf-8 (as Django 6.1 reads it)"}}\n');

/** Two digits. */
function d2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/**
 * `new Date(ms).toISOString()` for 1970–9999 (a timestamp is whole seconds), without the `Date`:
 * Howard Hinnant's `civil_from_days` (http://howardhinnant.github.io/date_algorithms.html).
 */
export function isoTime(ms: number): string {
  if (!(ms >= 0 && ms < 253402300800000) || ms % 1000 !== 0) return new Date(ms).toISOString();
  const s = ms / 1000;
  const days = Math.floor(s / 86400);
  const sec = s - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  return `${year}-${d2(month)}-${d2(day)}T${d2(h)}:${d2(m)}:${d2(sec % 60)}.000Z`;
}

/** The batch decoder for one key list and its salt candidates (`saltCandidates(options)`). */
export class BatchDecoder {
  /** Everything written, ready for one write per chunk. */
  readonly sink = new ByteSink();
  private readonly message = new HmacMessage();
  /** The CLI's zlib inflate (lib/node/inflate.ts), its result read before the next line's. */
  private readonly inflate = createInflater({ borrow: true });
  /** Per pair and hash (`(keyIndex * candidates.length + index) * 4 + hash`): made on first use. */
  private readonly pads: (HmacPads | undefined)[] = [];
  private readonly texts: (Buffer | undefined)[] = [];

  constructor(
    readonly keys: readonly string[],
    readonly candidates: readonly SaltCandidate[],
  ) {}

  /**
   * Appends the `--json` line for `line` to {@link sink}; `false` (and nothing appended) when the
   * line is not the common case.
   * @example decoder.line('eyJhIjoxfQ:1r31eq:…') // true
   */
  line(line: string): boolean {
    const sigColon = line.lastIndexOf(':');
    const tsColon = sigColon > 0 ? line.lastIndexOf(':', sigColon - 1) : -1;
    if (tsColon < 0) return false;
    const signature = line.slice(sigColon + 1);
    const h = HASH_BY_LENGTH[signature.length];
    if (h === undefined || !SIGNATURE_RE.test(signature)) return false;
    const ts = line.slice(tsColon + 1, sigColon);
    if (!TS_RE.test(ts)) return false;
    const ms = b62Decode(ts) * 1000;
    if (!(ms <= 8.64e15)) return false;
    const compressed = line.charCodeAt(0) === 0x2e;
    const body = line.slice(compressed ? 1 : 0, tsColon);
    // a length no base64 has: the general path reports it
    if (body.length === 0 || body.length % 4 === 1) return false;
    let bytes: Buffer = Buffer.from(body, 'base64url');
    // the payload is URL-safe base64 as Django writes it (so ASCII, no ":"), if it reads back the same
    if (bytes.toString('base64url') !== body) return false;
    this.message.load(line, 0, sigColon, HASHES[h]!);
    const found = findSignerPair(this.keys, this.candidates, (k, i) => this.message.verifies(this.padsOf(k, i, h), signature));
    if (!found || this.candidates[found.index]!.signer !== 'default') return false;
    if (compressed) {
      try {
        const raw = this.inflate(bytes, DEFAULT_LIMITS.maxDecompressedSize);
        bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.length);
      } catch {
        return false;
      }
    }
    if (bytes.length === 0 || bytes.length > MAX_JSON_BYTES || bytes[0] === 0x80) return false;
    // a list may be a messages cookie (its MessageEncoder lists become Messages)
    if (bytes[0] === 0x5b && (bytes.includes(0x5c) || bytes.includes('json_message'))) return false;
    const sink = this.sink;
    const mark = sink.len;
    sink.bytes(HEAD);
    const read = copyJson(bytes, sink);
    if (read < 0) {
      sink.len = mark;
      return false;
    }
    const p = (found.keyIndex * this.candidates.length + found.index) * 4 + h;
    sink.bytes((this.texts[p] ??= pairText(found.keyIndex, this.candidates[found.index]!.salt, HASHES[h]!)));
    sink.bytes(compressed ? COMPRESSED : PLAIN);
    sink.text(isoTime(ms));
    sink.bytes(read ? TAIL_UTF8 : TAIL);
    return true;
  }

  private padsOf(keyIndex: number, index: number, h: number): HmacPads {
    const p = (keyIndex * this.candidates.length + index) * 4 + h;
    let pads = this.pads[p];
    if (!pads) {
      const c = this.candidates[index]!;
      const hash = HASHES[h]!;
      // Django's Signer key: H(salt + "signer" + secret), the cookie signer's secret prefixed
      const secret = c.signer === 'cookie' ? COOKIE_SIGNER_KEY_PREFIX + this.keys[keyIndex]! : this.keys[keyIndex]!;
      pads = this.pads[p] = hmacPads(hash, createHash(hash).update(`${c.salt}signer${secret}`, 'utf8').digest());
    }
    return pads;
  }
}
