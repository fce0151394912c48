/**
 * Readable values for the classes sessions really hold, decoded from what their `__reduce__`
 * pickled — never by importing or calling anything.
 *
 * `datetime.datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)` pickles (protocol 4) as
 *
 *     STACK_GLOBAL 'datetime datetime'
 *     SHORT_BINBYTES b'\x07\xe8\x05\x01\x0c\x00\x00\x01\xe2@'   year 0x07e8, month, day, h, m, s, µs (3 bytes, big-endian)
 *     STACK_GLOBAL 'datetime timezone'
 *       STACK_GLOBAL 'datetime timedelta'  (0, 0, 0)  REDUCE   the offset
 *     TUPLE1 REDUCE                                          the tzinfo
 *     TUPLE2 REDUCE                                          datetime(bytes, tzinfo)
 *
 * and becomes `PyObject('datetime.datetime', { value: '2024-05-01T12:00:00.123456+00:00' })`, the
 * text of Python's `isoformat()`. Protocols 0–2 wrap the bytes as `_codecs.encode('\x07è…', 'latin1')`
 * (CPython Lib/datetime.py `_getstate`, Lib/pickle.py `save_bytes`). The month byte's high bit is
 * PEP 495's `fold` (protocol 4+). A value these readers cannot interpret falls back to the generic
 * `PyObject(cls, { args, state })`, so nothing is dropped.
 */
import { PyObject, pyBytesRepr } from './value.ts';
import type { SessionValue } from './value.ts';
import { PBytes, PDict, PInstance, PList, PTuple } from './pickle-nodes.ts';
import type { PNode } from './pickle-nodes.ts';

/** What a reader of a known class may ask of the tree builder. */
export interface KnownContext {
  /** Turns a child node into a value (charged to the budget, recursion-safe). */
  value(node: PNode): SessionValue;
}

/** Returns the readable value, or `undefined` to fall back to the generic form. */
type KnownReader = (inst: PInstance, ctx: KnownContext) => SessionValue | undefined;

// ---------------------------------------------------------------------------------------------
// bytes

/**
 * A bytes / bytearray value: `value` is Python's `repr(b)` (`b'\x00ab\'"'` quirks included).
 * @example bytesValue('bytes', new Uint8Array([0, 0x61])).toJSON() // { $py: 'bytes', value: "b'\\x00a'" }
 */
export function bytesValue(kind: 'bytes' | 'bytearray', bytes: Uint8Array): PyObject {
  return new PyObject(kind, { value: pyBytesRepr(bytes), bytes });
}

/** Text whose code points are all < 256, as latin-1 bytes; `undefined` otherwise. */
function latin1(s: string): Uint8Array | undefined {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) return undefined;
    out[i] = c;
  }
  return out;
}

/** The codecs pickled text can name, by every alias CPython knows them by (Lib/encodings/aliases.py). */
const CODECS: Readonly<Record<string, 'latin1' | 'utf8' | 'ascii'>> = Object.fromEntries([
  ...['latin_1', 'latin1', 'latin', 'l1', 'iso8859_1', 'iso_8859_1', 'iso8859', '8859', 'cp819', 'csisolatin1', 'ibm819', 'iso_8859_1_1987', 'iso_ir_100'].map((n) => [n, 'latin1'] as const),
  ...['utf_8', 'utf8', 'u8', 'utf', 'utf8_ucs2', 'utf8_ucs4', 'cp65001'].map((n) => [n, 'utf8'] as const),
  ...['ascii', '646', 'us', 'us_ascii', 'cp367', 'csascii', 'ibm367', 'iso646_us', 'iso_ir_6', 'ansi_x3.4_1968', 'ansi_x3_4_1968', 'ansi_x3.4_1986', 'iso_646.irv_1991'].map((n) => [n, 'ascii'] as const),
]);

/** `codecs.lookup(name)` for those codecs: lower case, punctuation runs → `_` (encodings.normalize_encoding). */
function codecOf(name: unknown): 'latin1' | 'utf8' | 'ascii' | undefined {
  if (typeof name !== 'string' || name.length > 64) return undefined;
  let norm = '';
  let punct = false;
  for (const ch of name.toLowerCase()) {
    if (/[a-z0-9.]/.test(ch)) {
      if (punct && norm) norm += '_';
      norm += ch;
      punct = false;
    } else punct = true;
  }
  return Object.hasOwn(CODECS, norm) ? CODECS[norm] : Object.hasOwn(CODECS, norm.replaceAll('.', '_')) ? CODECS[norm.replaceAll('.', '_')] : undefined;
}

/** `text.encode(codec)` for the codecs above; `undefined` when a character does not fit. */
function encodeText(text: string, codec: 'latin1' | 'utf8' | 'ascii' | undefined): Uint8Array | undefined {
  if (codec === 'utf8') return new TextEncoder().encode(text);
  const bytes = codec === undefined ? undefined : latin1(text);
  return bytes && (codec === 'latin1' || bytes.every((b) => b < 0x80)) ? bytes : undefined;
}

/** The bytes a node stands for: bytes, a Python 2 str, `_codecs.encode(text, 'latin1')`, `bytes()`. */
function bytesOf(node: PNode | undefined): Uint8Array | undefined {
  if (node instanceof PBytes) return node.bytes;
  if (typeof node === 'string') return latin1(node); // Python 2 str unpickled with encoding='latin1'
  if (!(node instanceof PInstance)) return undefined;
  const [a, b] = node.args;
  if (node.cls === '_codecs.encode' && typeof a === 'string' && node.args.length <= 2) {
    return encodeText(a, node.args.length === 1 ? 'utf8' : codecOf(b));
  }
  if (node.cls === 'builtins.bytes' || node.cls === 'builtins.bytearray') {
    if (node.args.length === 0) return new Uint8Array(0);
    if (typeof a === 'string' && node.args.length === 2) return encodeText(a, codecOf(b));
    if (node.args.length === 1 && (a instanceof PBytes || a instanceof PInstance)) return bytesOf(a);
    if (node.args.length === 1 && (a instanceof PList || a instanceof PTuple)) {
      const ints = a.items;
      if (!ints.every((x): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < 256)) {
        return undefined;
      }
      return Uint8Array.from(ints);
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// integers and timedelta

const MICROS_PER_DAY = 86_400_000_000n;

function asBigInt(n: PNode | undefined): bigint | undefined {
  if (typeof n === 'bigint') return n;
  if (typeof n === 'boolean') return n ? 1n : 0n;
  if (typeof n === 'number' && Number.isSafeInteger(n)) return BigInt(n);
  return undefined;
}

/** Floor division and modulo, like Python's `divmod`. */
function divmod(a: bigint, b: bigint): [bigint, bigint] {
  let q = a / b;
  let r = a % b;
  if (r !== 0n && r < 0n !== b < 0n) {
    q -= 1n;
    r += b;
  }
  return [q, r];
}

/** Total microseconds of a `datetime.timedelta(days, seconds, microseconds)` node. */
function timedeltaMicros(node: PNode | undefined): bigint | undefined {
  if (!(node instanceof PInstance) || node.cls !== 'datetime.timedelta' || node.args.length > 3) return undefined;
  const [d = 0, s = 0, us = 0] = node.args;
  const days = asBigInt(d);
  const seconds = asBigInt(s);
  const micros = asBigInt(us);
  if (days === undefined || seconds === undefined || micros === undefined) return undefined;
  const total = days * MICROS_PER_DAY + seconds * 1_000_000n + micros;
  // Python: |days| <= 999999999 (timedelta.max), else OverflowError.
  if (total < -999_999_999n * MICROS_PER_DAY || total >= 1_000_000_000n * MICROS_PER_DAY) return undefined;
  return total;
}

const pad = (n: number | bigint, width: number): string => String(n).padStart(width, '0');

/** Python's `str(timedelta)`: `-1 day, 23:59:59`, `2 days, 0:00:00.000005`, `0:00:00`. */
function timedeltaText(totalMicros: bigint): string {
  const [days, rest] = divmod(totalMicros, MICROS_PER_DAY);
  const [seconds, micros] = divmod(rest, 1_000_000n);
  const [minutes, ss] = divmod(seconds, 60n);
  const [hh, mm] = divmod(minutes, 60n);
  let s = `${hh}:${pad(mm, 2)}:${pad(ss, 2)}`;
  if (days !== 0n) s = `${days} day${days === 1n || days === -1n ? '' : 's'}, ${s}`;
  if (micros !== 0n) s += `.${pad(micros, 6)}`;
  return s;
}

// ---------------------------------------------------------------------------------------------
// time zones

/** A local wall-clock time, for zones whose offset depends on the date. */
interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  fold: number;
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

/** The zone's UTC offset in seconds at a UTC instant, from the platform's tz database (Intl). */
function zoneOffsetAt(zone: string, utcMs: number): number | undefined {
  let fmt = formatters.get(zone);
  if (fmt === undefined) {
    try {
      fmt = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      fmt = null; // RangeError: the platform does not know this zone
    }
    if (formatters.size < 256) formatters.set(zone, fmt);
  }
  if (fmt === null) return undefined;
  const p: Record<string, number> = {};
  for (const part of fmt.formatToParts(new Date(utcMs))) p[part.type] = Number(part.value);
  const wall = utcOf({ year: p.year ?? NaN, month: p.month ?? NaN, day: p.day ?? NaN, hour: p.hour ?? NaN, minute: p.minute ?? NaN, second: p.second ?? NaN, fold: 0 });
  const offset = Math.round((wall - utcMs) / 1000);
  return Number.isFinite(offset) ? offset : undefined;
}

/** The wall-clock time read as if it were UTC, in ms (years 1–99 included, unlike Date.UTC). */
function utcOf(w: Wall): number {
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, w.second, 0);
  return d.getTime();
}

/**
 * Offset of a named zone at a local time, resolved like PEP 495 / zoneinfo: in a repeated hour
 * `fold=0` takes the earlier (pre-transition) offset; in a skipped hour `fold=0` also takes the
 * offset from before the transition.
 */
function zoneOffsetAtWall(zone: string, w: Wall): number | undefined {
  const local = utcOf(w);
  const before = zoneOffsetAt(zone, local - 86_400_000);
  const after = zoneOffsetAt(zone, local + 86_400_000);
  if (before === undefined || after === undefined) return undefined;
  if (before === after) return before;
  const valid = (o: number): boolean => zoneOffsetAt(zone, local - o * 1000) === o;
  const vb = valid(before);
  const va = valid(after);
  if (vb && !va) return before;
  if (va && !vb) return after;
  return w.fold ? after : before;
}

/** Instants from 1850 to 2030 (ms): a zone with one offset at all of them is taken as fixed. */
const PROBES = [-3786825600000, -1577923200000, 0, 946684800000, 962409600000, 1704067200000, 1719792000000, 1893456000000];

/**
 * The offset of a zone that has only one (`UTC`, `Etc/GMT-3`), else `null` — what zoneinfo's
 * `utcoffset(None)` answers for a `datetime.time`.
 */
function fixedZoneOffset(zone: string): number | null | undefined {
  const offsets = new Set(PROBES.map((t) => zoneOffsetAt(zone, t)));
  if (offsets.has(undefined)) return undefined;
  return offsets.size === 1 ? ([...offsets][0] ?? null) : null;
}

const seconds = (s: number | null | undefined): bigint | null | undefined =>
  s === null || s === undefined ? s : BigInt(s) * 1_000_000n;

/**
 * A tzinfo node's UTC offset in microseconds: `null` for a naive value (no tzinfo, or a zone that
 * has no fixed offset for a `time`), `undefined` when the tzinfo is not one we can read.
 * `wall` is the local date and time of a `datetime`; `undefined` for a `time` (`utcoffset(None)`).
 */
function tzOffsetMicros(tz: PNode | undefined, wall: Wall | undefined): bigint | null | undefined {
  if (tz === undefined || tz === null) return null;
  if (!(tz instanceof PInstance)) return undefined;
  const [a, b] = tz.args;
  switch (tz.cls) {
    case 'datetime.timezone':
      return timedeltaMicros(a);
    case 'pytz._UTC':
    case 'dateutil.tz.tz.tzutc':
      return 0n;
    case 'pytz._p': {
      // pytz/__init__.py _p(*args): (zone) a StaticTzInfo, one offset at all times;
      // (zone, utcoffset, dstoffset, tzname) a localized DstTzInfo: its utcoffset in seconds is what
      // isoformat() prints, and it has none without a date.
      if (typeof a !== 'string') return undefined;
      if (tz.args.length === 1) return a === 'UTC' ? 0n : seconds(zoneOffsetAt(a, wall ? utcOf(wall) : 0));
      const utcoffset = asBigInt(b);
      if (utcoffset === undefined) return undefined;
      return wall ? utcoffset * 1_000_000n : null;
    }
    case 'zoneinfo.ZoneInfo._unpickle':
    case 'zoneinfo.ZoneInfo':
    case 'backports.zoneinfo.ZoneInfo._unpickle':
      if (typeof a !== 'string') return undefined;
      return seconds(wall ? zoneOffsetAtWall(a, wall) : fixedZoneOffset(a));
    default:
      return undefined;
  }
}

/** Python's `_format_offset`: `+05:30`, `-00:00:30`, `+01:00:00.000001`. */
function offsetText(micros: bigint): string {
  const sign = micros < 0n ? '-' : '+';
  const abs = micros < 0n ? -micros : micros;
  const [seconds, us] = divmod(abs, 1_000_000n);
  const [minutes, ss] = divmod(seconds, 60n);
  const [hh, mm] = divmod(minutes, 60n);
  let s = `${sign}${pad(hh, 2)}:${pad(mm, 2)}`;
  if (ss !== 0n || us !== 0n) s += `:${pad(ss, 2)}`;
  if (us !== 0n) s += `.${pad(us, 6)}`;
  return s;
}

/** `HH:MM:SS[.ffffff]` */
function clockText(h: number, m: number, s: number, us: number): string {
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${us ? `.${pad(us, 6)}` : ''}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** year (2 bytes), month, day — the date part of datetime and date state bytes. */
function readDate(b: Uint8Array): { year: number; month: number; day: number; fold: number } | undefined {
  const year = (b[0] ?? 0) * 256 + (b[1] ?? 0);
  const month = (b[2] ?? 0) & 0x7f;
  const day = b[3] ?? 0;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day, fold: (b[2] ?? 0) >> 7 };
}

/** hour, minute, second, microseconds (3 bytes) starting at `i`. */
function readClock(b: Uint8Array, i: number): { hour: number; minute: number; second: number; us: number } | undefined {
  const hour = b[i] ?? 0;
  const minute = b[i + 1] ?? 0;
  const second = b[i + 2] ?? 0;
  const us = ((b[i + 3] ?? 0) << 16) | ((b[i + 4] ?? 0) << 8) | (b[i + 5] ?? 0);
  if (hour > 23 || minute > 59 || second > 59 || us > 999_999) return undefined;
  return { hour, minute, second, us };
}

function dateText(d: { year: number; month: number; day: number }): string {
  return `${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}`;
}

// ---------------------------------------------------------------------------------------------
// Decimal

/**
 * `str(Decimal(text))`: the General Decimal Arithmetic to-scientific-string of what the text
 * parses to (`.10` → `0.10`, `1e5` → `1E+5`, `nan` → `NaN`). Python pickles `str(self)`, which is
 * already in this form; hand-made pickles need not be. `undefined` when Decimal would refuse it.
 */
function decimalText(text: string): string | undefined {
  if (text.length > 10_000) return undefined;
  const t = text.trim().replaceAll('_', '');
  const sign = t.startsWith('-') ? '-' : '';
  const special = /^[+-]?(inf|infinity|nan|snan)(\d*)$/i.exec(t);
  if (special) {
    const word = (special[1] ?? '').toLowerCase();
    const payload = (special[2] ?? '').replace(/^0+/, '');
    if (word.startsWith('inf')) return special[2] ? undefined : `${sign}Infinity`;
    return `${sign}${word === 'nan' ? 'NaN' : 'sNaN'}${payload}`;
  }
  // linear: no two quantifiers can trade the same digits
  const m = /^[+-]?(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d{1,17}))?$/.exec(t);
  if (!m) return undefined;
  const frac = m[2] ?? m[3] ?? '';
  const coeff = ((m[1] ?? '') + frac).replace(/^0+/, '') || '0';
  const exp = Number(m[4] ?? '0') - frac.length;
  const adjusted = exp + coeff.length - 1;
  let body: string;
  if (exp <= 0 && adjusted >= -6) {
    const point = coeff.length + exp;
    body = exp === 0 ? coeff : point > 0 ? `${coeff.slice(0, point)}.${coeff.slice(point)}` : `0.${'0'.repeat(-point)}${coeff}`;
  } else {
    body = `${coeff[0]}${coeff.length > 1 ? `.${coeff.slice(1)}` : ''}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
  }
  return sign + body;
}

// ---------------------------------------------------------------------------------------------
// the table

/**
 * isoformat() text plus the offset. A tzinfo this reader cannot resolve (a custom class) leaves the
 * wall-clock text without an offset and shows the tzinfo as `state.tzinfo`, so it is not mistaken
 * for a naive value.
 */
function withOffset(type: string, text: string, tz: PNode | undefined, offset: bigint | null | undefined, ctx: KnownContext): PyObject {
  if (offset !== undefined) return new PyObject(type, { value: offset === null ? text : text + offsetText(offset) });
  return new PyObject(type, { value: text, state: { tzinfo: ctx.value(tz ?? null) } });
}

/** Items of a list/tuple node, or `undefined`. */
function seqItems(node: PNode | undefined): PNode[] | undefined {
  return node instanceof PList || node instanceof PTuple ? node.items : undefined;
}

const readSet =
  (kind: 'set' | 'frozenset'): KnownReader =>
  (inst, ctx) => {
    if (inst.args.length > 1) return undefined;
    const items = inst.args.length === 0 ? [] : seqItems(inst.args[0]);
    if (!items) return undefined;
    return new PyObject(kind, { items: [...items, ...inst.items].map((x) => ctx.value(x)) });
  };

/** A dict subclass (OrderedDict, defaultdict, Counter): its items, as a plain dict. */
const readDictLike: KnownReader = (inst, ctx) => {
  const dict = new PDict();
  for (const a of inst.args) {
    if (a instanceof PDict) a.keys.forEach((k, i) => dict.set(k, a.values[i] ?? null));
    const pairs = seqItems(a);
    for (const p of pairs ?? []) {
      const kv = seqItems(p);
      if (kv?.length === 2) dict.set(kv[0] ?? null, kv[1] ?? null);
    }
  }
  if (inst.dict) inst.dict.keys.forEach((k, i) => dict.set(k, inst.dict?.values[i] ?? null));
  return ctx.value(dict);
};

const readBytes =
  (kind: 'bytes' | 'bytearray'): KnownReader =>
  (inst) => {
    const b = bytesOf(inst);
    return b ? bytesValue(kind, b) : undefined;
  };

const KNOWN: Readonly<Record<string, KnownReader>> = {
  'datetime.datetime': (inst, ctx) => {
    const b = bytesOf(inst.args[0]);
    if (!b || b.length !== 10 || inst.args.length > 2) return undefined;
    const date = readDate(b);
    const clock = readClock(b, 4);
    if (!date || !clock) return undefined;
    const wall: Wall = { ...date, hour: clock.hour, minute: clock.minute, second: clock.second };
    const text = `${dateText(date)}T${clockText(clock.hour, clock.minute, clock.second, clock.us)}`;
    return withOffset('datetime.datetime', text, inst.args[1], tzOffsetMicros(inst.args[1], wall), ctx);
  },
  'datetime.date': (inst) => {
    const b = bytesOf(inst.args[0]);
    const date = b?.length === 4 && inst.args.length === 1 ? readDate(b) : undefined;
    return date && !date.fold ? new PyObject('datetime.date', { value: dateText(date) }) : undefined;
  },
  'datetime.time': (inst, ctx) => {
    const b = bytesOf(inst.args[0]);
    if (!b || b.length !== 6 || inst.args.length > 2) return undefined;
    const folded = Uint8Array.from(b);
    folded[0] = (b[0] ?? 0) & 0x7f; // the hour byte carries the fold bit (protocol 4+)
    const clock = readClock(folded, 0);
    if (!clock) return undefined;
    const text = clockText(clock.hour, clock.minute, clock.second, clock.us);
    return withOffset('datetime.time', text, inst.args[1], tzOffsetMicros(inst.args[1], undefined), ctx);
  },
  'datetime.timedelta': (inst) => {
    const micros = timedeltaMicros(inst);
    return micros === undefined ? undefined : new PyObject('datetime.timedelta', { value: timedeltaText(micros) });
  },
  'decimal.Decimal': (inst) => {
    const [text] = inst.args;
    // Decimal.__reduce__ is (Decimal, (str(self),)) — CPython Lib/_pydecimal.py
    const value = typeof text === 'string' && inst.args.length === 1 ? decimalText(text) : undefined;
    return value === undefined ? undefined : new PyObject('decimal.Decimal', { value });
  },
  'uuid.UUID': (inst) => {
    // UUID.__getstate__ is {'int': self.int[, 'is_safe': …]} — CPython Lib/uuid.py
    const n = inst.state instanceof PDict ? asBigInt(inst.state.get('int')) : undefined;
    if (n === undefined || n < 0n || n >= 1n << 128n) return undefined;
    const hex = n.toString(16).padStart(32, '0');
    const value = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    return new PyObject('uuid.UUID', { value });
  },
  'builtins.set': readSet('set'),
  'builtins.frozenset': readSet('frozenset'),
  'builtins.bytes': readBytes('bytes'),
  'builtins.bytearray': readBytes('bytearray'),
  '_codecs.encode': readBytes('bytes'),
  'collections.OrderedDict': readDictLike,
  'collections.defaultdict': readDictLike,
  'collections.Counter': readDictLike,
  'builtins.dict': readDictLike,
};

/**
 * The readable value of a known class, or `undefined` when the class is not known or its
 * arguments are not what its `__reduce__` writes (then the caller shows the generic form).
 * @example readKnown(new PInstance('decimal.Decimal', ['1.10']), ctx) // PyObject('decimal.Decimal', { value: '1.10' })
 */
export function readKnown(inst: PInstance, ctx: KnownContext): SessionValue | undefined {
  const reader = Object.hasOwn(KNOWN, inst.cls) ? KNOWN[inst.cls] : undefined;
  return reader?.(inst, ctx);
}
