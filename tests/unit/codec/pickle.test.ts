import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parse } from 'lossless-json';
import { SessionLensError } from '../../../lib/codec/errors.ts';
import { stringifyJson } from '../../../lib/codec/json.ts';
import type { Limits } from '../../../lib/codec/limits.ts';
import { unpickle } from '../../../lib/codec/pickle.ts';
import { PyObject, pyTuple } from '../../../lib/codec/value.ts';
import type { SessionValue } from '../../../lib/codec/value.ts';

// Golden vectors written by CPython: tests/fixtures/pickle/make_pickles.py
interface ValueVector {
  name: string;
  pickle: string;
  expected: unknown;
  limits?: Partial<Limits>;
}
interface ErrorVector {
  name: string;
  pickle: string;
  code: string;
  message: string;
  limits?: Partial<Limits>;
}
interface Vectors {
  values: ValueVector[];
  hostile: (ValueVector | ErrorVector)[];
}

/** Integers beyond ±(2^53 − 1) parse as bigint, like the codec's values. */
const parseNumber = (text: string): number | bigint =>
  /^-?\d+$/.test(text) && !Number.isSafeInteger(Number(text)) ? BigInt(text) : Number(text);

const vectors = parse(
  // a path, not a URL object: happy-dom replaces the URL global
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/pickle/vectors.json'), 'utf8'),
  null,
  parseNumber,
) as Vectors;

const bytesOf = (b64: string): Uint8Array => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

/** The value as the codec prints it (`stringifyJson`), parsed back with bigints kept. */
const tagged = (v: SessionValue): unknown => parse(stringifyJson(v), null, parseNumber);

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

const isError = (v: ValueVector | ErrorVector): v is ErrorVector => 'code' in v;
const refusals = vectors.hostile.filter(isError);
const readable = vectors.hostile.filter((v): v is ValueVector => !isError(v));

describe('unpickle: values CPython pickled at protocols 0–5', () => {
  it('has the golden vectors', () => {
    expect(vectors.values.length).toBeGreaterThan(700);
  });

  it.each(vectors.values)('$name', ({ pickle, expected }) => {
    expect(tagged(unpickle(bytesOf(pickle)))).toEqual(expected);
  });
});

describe('unpickle: hostile pickles that read without running anything', () => {
  it.each(readable)('$name', ({ pickle, expected, limits }) => {
    expect(tagged(unpickle(bytesOf(pickle), limits))).toEqual(expected);
  });
});

describe('unpickle: hostile pickles refused with a typed error', () => {
  it.each(refusals)('$name → $code', ({ pickle, code, message, limits }) => {
    const e = thrown(() => unpickle(bytesOf(pickle), limits));
    expect(e).toBeInstanceOf(SessionLensError);
    expect((e as SessionLensError).code).toBe(code);
    expect((e as SessionLensError).message).toMatch(new RegExp(message));
  });
});

/** A pickle built from opcode strings (latin-1). */
const raw = (...parts: string[]): Uint8Array => Uint8Array.from(parts.join(''), (c) => c.charCodeAt(0));
const u32 = (n: number): string => String.fromCharCode(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);

describe('unpickle: limits on 10^5-opcode inputs', () => {
  it.each([
    {
      name: '10^5 MARKs',
      bytes: raw('('.repeat(100_000), 'N.'),
      code: 'ERR_LIMIT_EXCEEDED',
      message: /^Pickle limit exceeded at offset 200 \(MARK\): MARKs nest deeper than 200/,
    },
    {
      name: '10^5 EMPTY_LIST + APPEND chain',
      bytes: raw('\x80\x02', ']'.repeat(100_000), 'a'.repeat(99_999), '.'),
      code: 'ERR_LIMIT_EXCEEDED',
      message: /^Pickle nests deeper than 200 levels/,
    },
    {
      name: '10^5 nesting with maxDepth raised past the JavaScript stack',
      bytes: raw('\x80\x02', ']'.repeat(100_000), 'a'.repeat(99_999), '.'),
      limits: { maxDepth: 1_000_000 },
      code: 'ERR_LIMIT_EXCEEDED',
      message: /nests/,
    },
    {
      name: 'memo flood past the default maxPickleMemo',
      bytes: raw('\x80\x02N', Array.from({ length: 100_001 }, (_, i) => `r${u32(i)}`).join(''), '.'),
      code: 'ERR_LIMIT_EXCEEDED',
      message: /memo holds more than 100000 entries/,
    },
    {
      name: 'more values than maxItems',
      bytes: raw('\x80\x02(', 'N'.repeat(1000), 't.'),
      limits: { maxItems: 999 },
      code: 'ERR_LIMIT_EXCEEDED',
      message: /more than 999 values/,
    },
    {
      name: 'FLOAT of 10^6 digits then garbage (no regex backtracking)',
      bytes: raw('F', '1'.repeat(1_000_000 - 4), 'x\n.'),
      code: 'ERR_MALFORMED',
      message: /\(FLOAT\): invalid float/,
    },
    {
      name: 'INT of 10^6 digits',
      bytes: raw('I', '1'.repeat(1_000_000 - 3), '\n.'),
      code: 'ERR_LIMIT_EXCEEDED',
      message: /4300-digit limit/,
    },
    {
      name: 'one 10^5-character string shared 10^4 times',
      bytes: raw('\x80\x02X', u32(100_000), 'a'.repeat(100_000), 'q\x01](', 'h\x01'.repeat(10_000), 'e.'),
      code: 'ERR_LIMIT_EXCEEDED',
      message: /more than 8388608 characters of text \(limits\.maxDecompressedSize\)/,
    },
    {
      name: 'one 10^5-byte bytes value shared 10^4 times (repr made once)',
      bytes: raw('\x80\x03B', u32(100_000), '\x00'.repeat(100_000), 'q\x01](', 'h\x01'.repeat(10_000), 'e.'),
      code: 'ERR_LIMIT_EXCEEDED',
      message: /characters of text/,
    },
    {
      name: 'a 2000-byte integer shared 10^4 times',
      bytes: raw('\x80\x02\x8b', u32(2000), '\x01'.repeat(2000), 'q\x01](', 'h\x01'.repeat(10_000), 'e.'),
      code: 'ERR_LIMIT_EXCEEDED',
      message: /characters of text/,
    },
    {
      name: 'not bytes at all',
      bytes: 'N.' as unknown as Uint8Array,
      code: 'ERR_MALFORMED',
      message: /not a Uint8Array/,
    },
  ])('$name → $code', ({ bytes, limits, code, message }) => {
    const e = thrown(() => unpickle(bytes, limits));
    expect(e).toBeInstanceOf(SessionLensError);
    expect((e as SessionLensError).code).toBe(code);
    expect((e as SessionLensError).message).toMatch(message);
  });
});

describe('unpickle: shapes', () => {
  it('keeps a "__proto__" key an ordinary own key, never the prototype', () => {
    // {'__proto__': {'polluted': 1}}, protocol 2
    const v = unpickle(raw('\x80\x02}X', u32(9), '__proto__}X', u32(8), 'pollutedK\x01ss.')) as Record<string, SessionValue>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(v, '__proto__')?.value).toEqual({ polluted: 1 });
    expect((v as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps the raw bytes of a bytes value next to its repr', () => {
    const v = unpickle(raw('\x80\x03C\x03a\x00\xff.'));
    expect(v).toBeInstanceOf(PyObject);
    expect((v as PyObject).type).toBe('bytes');
    expect((v as PyObject).fields.value).toBe("b'a\\x00\\xff'");
    expect(Array.from((v as PyObject).fields.bytes ?? [])).toEqual([0x61, 0, 0xff]);
  });

  it('returns an int beyond 2^53 − 1 as a bigint and a smaller one as a number', () => {
    expect(unpickle(raw('\x80\x02\x8a\x07\xff\xff\xff\xff\xff\xff\x1f.'))).toBe(2 ** 53 - 1);
    expect(unpickle(raw('\x80\x02\x8a\x07\x00\x00\x00\x00\x00\x00\x20.'))).toBe(2n ** 53n);
  });

  it.each([
    ['APPENDS', raw('\x80\x02](', 'K\x01'.repeat(200_000), 'e.')],
    ['LIST', raw('(', 'K\x01'.repeat(200_000), 'l.')],
    ['FROZENSET', raw('\x80\x04(', 'K\x01'.repeat(200_000), '\x91.')],
  ])('reads 2·10^5 items in one %s batch', (_name, bytes) => {
    const v = unpickle(bytes);
    const items = Array.isArray(v) ? v : ((v as PyObject).fields.items ?? []);
    expect(items).toHaveLength(200_000);
    expect(items[199_999]).toBe(1);
  });

  it('reads one zoneinfo datetime shared 10^5 times once, and copies its value', () => {
    const golden = vectors.values.find((v) => v.name === 'datetime zoneinfo summer (protocol 2)');
    const body = Array.from(bytesOf(golden?.pickle ?? '')).slice(2, -1); // without PROTO and STOP
    const bytes = raw('\x80\x02](', String.fromCharCode(...body), `r${u32(999_999)}`, `j${u32(999_999)}`.repeat(99_999), 'e.');
    const v = unpickle(bytes) as PyObject[];
    expect(v).toHaveLength(100_000);
    expect(v[99_999]?.toJSON()).toEqual({ $py: 'datetime.datetime', value: '2024-05-01T12:00:00+02:00' });
  });

  it('reads a view into a larger buffer (Node Buffers are slices of a pool)', () => {
    // (BININT 0x01020304, BINFLOAT 1.5, BINBYTES8 b'x'), protocol 4
    const pickle = raw('\x80\x04(J\x04\x03\x02\x01G?\xf8\x00\x00\x00\x00\x00\x00\x8e', '\x01\x00\x00\x00\x00\x00\x00\x00', 'xt.');
    const pool = new Uint8Array(pickle.length + 7).fill(0xff);
    pool.set(pickle, 3);
    expect(tagged(unpickle(pool.subarray(3, 3 + pickle.length)))).toEqual({ $py: 'tuple', items: [0x01020304, 1.5, { $py: 'bytes', value: "b'x'" }] });
  });

  it('keeps memo entries apart whether their indices come in order or not', () => {
    // memo[5] = 7 first (out of order), then memo[0..4] = 0..4, then memo[5] = 8; (memo[0], memo[4], memo[5])
    const puts = [0, 1, 2, 3, 4].map((i) => `K${String.fromCharCode(i)}q${String.fromCharCode(i)}`).join('');
    expect(unpickle(raw('\x80\x02K\x07q\x05', puts, 'K\x08q\x05(h\x00h\x04h\x05t.'))).toEqual(pyTuple([0, 4, 8]));
  });

  it('names a class reference without importing it', () => {
    expect(tagged(unpickle(raw('cos\nsystem\n.')))).toEqual({ $py: 'class', value: 'os.system' });
  });
});

// --- property: nothing but SessionLensError, ever ------------------------------------------------

const RUNS = Math.max(20_000, Number(process.env.SESSION_LENS_FUZZ_RUNS ?? 0) || 0);
const SEEDS = vectors.values.map((v) => bytesOf(v.pickle));
/** Every opcode byte of pickletools, so random programs are mostly made of real opcodes. */
const OPCODES = Array.from('(.01234FIJKLMNPQRSTUVXabcdeghijlopqrstu}])BCG', (c) => c.charCodeAt(0)).concat(
  Array.from({ length: 0x98 - 0x80 + 1 }, (_, i) => 0x80 + i),
);
/** Small values help random programs get further: tiny maxItems keeps expansions cheap. */
const FUZZ_LIMITS: Partial<Limits> = { maxItems: 100_000 };

function onlyTypedErrors(bytes: Uint8Array): void {
  try {
    unpickle(bytes, FUZZ_LIMITS);
  } catch (e) {
    if (!(e instanceof SessionLensError)) throw e;
  }
}

/** Little-endian bytes of `n` (a number or bigint) in `size` bytes. */
const le = (n: number | bigint, size: number): number[] =>
  Array.from({ length: size }, (_, i) => Number((BigInt(n) >> BigInt(8 * i)) & 0xffn));
const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0) & 0xff);

/** Class names whose readers take arguments apart (so random arguments reach them). */
const CLASSES = [
  'datetime\ndatetime', 'datetime\ndate', 'datetime\ntime', 'datetime\ntimedelta', 'datetime\ntimezone',
  'decimal\nDecimal', 'uuid\nUUID', 'builtins\nset', 'builtins\nfrozenset', 'builtins\nbytearray', 'builtins\nbytes',
  '__builtin__\nset', '_codecs\nencode', 'collections\nOrderedDict', 'collections\ndefaultdict', 'copyreg\n_reconstructor',
  'copy_reg\n_reconstructor', 'copyreg\n__newobj__', 'copyreg\n__newobj_ex__', 'builtins\ngetattr', 'builtins\nobject',
  'pytz\n_p', 'pytz\n_UTC', 'zoneinfo\nZoneInfo', 'zoneinfo\nZoneInfo._unpickle', '__main__\nThing', 'os\nsystem',
];
const TEXTS = ['', 'a', 'latin1', 'utf-8', 'Europe/Paris', 'UTC', 'int', '_unpickle', '1.10', 'Bogus/Zone', '\u00e9', 'x'.repeat(300)];

/** One opcode with a well-formed argument, so programs get past argument parsing. */
const instruction: fc.Arbitrary<number[]> = fc.oneof(
  fc.constantFrom(...Array.from('(.0124N)]}abdelostuR', (c) => [c.charCodeAt(0)]), ...[0x81, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94].map((b) => [b])),
  fc.tuple(fc.constantFrom(0x4b, 0x68, 0x71), fc.integer({ min: 0, max: 7 })).map(([op, n]) => [op, n]), // BININT1 BINGET BINPUT
  fc.tuple(fc.constantFrom(0x6a, 0x72), fc.integer({ min: 0, max: 7 })).map(([op, n]) => [op, ...le(n, 4)]), // LONG_BINGET LONG_BINPUT
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((n) => [0x4a, ...le(n >>> 0, 4)]), // BININT
  fc.integer({ min: 0, max: 65535 }).map((n) => [0x4d, ...le(n, 2)]), // BININT2
  fc.double().map((x) => { const b = new DataView(new ArrayBuffer(8)); b.setFloat64(0, x); return [0x47, ...new Uint8Array(b.buffer)]; }), // BINFLOAT
  fc.uint8Array({ maxLength: 12 }).map((b) => [0x8a, b.length, ...b]), // LONG1
  fc.uint8Array({ maxLength: 12 }).map((b) => [0x43, b.length, ...b]), // SHORT_BINBYTES
  fc.uint8Array({ maxLength: 12 }).map((b) => [0x96, ...le(b.length, 8), ...b]), // BYTEARRAY8
  fc.uint8Array({ maxLength: 12 }).map((b) => [0x55, b.length, ...b]), // SHORT_BINSTRING
  fc.constantFrom(...TEXTS).map((t) => { const b = new TextEncoder().encode(t); return [0x8c, b.length & 0xff, ...b.subarray(0, 255)]; }),
  fc.constantFrom(...TEXTS).map((t) => { const b = new TextEncoder().encode(t); return [0x58, ...le(b.length, 4), ...b]; }),
  fc.constantFrom(...CLASSES).map((c) => [0x63, ...ascii(`${c}\n`)]), // GLOBAL
  fc.constantFrom(...CLASSES).map((c) => [0x69, ...ascii(`${c}\n`)]), // INST
  fc.constantFrom('I01\n', 'I00\n', 'I-5\n', 'L123L\n', 'F1.5\n', 'Fnan\n', "S'ab\\x00'\n", 'Vx\\u00e9\n', 'g0\n', 'p1\n').map(ascii),
  fc.integer({ min: 0, max: 5 }).map((v) => [0x80, v]), // PROTO
  fc.integer({ min: 0, max: 40 }).map((n) => [0x95, ...le(n, 8)]), // FRAME
);

describe('unpickle: property — random and mutated input only ever raises SessionLensError', () => {
  it(`well-formed random opcode programs (${Math.ceil(RUNS / 2)} runs)`, () => {
    fc.assert(
      fc.property(fc.array(instruction, { maxLength: 60 }), (program) => {
        onlyTypedErrors(Uint8Array.from([...program.flat(), 0x2e]));
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  }, 600_000);

  it(`random opcode programs (${Math.ceil(RUNS / 2)} runs)`, () => {
    const byte = fc.oneof(fc.constantFrom(...OPCODES), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 200 }), fc.integer({ min: 0, max: 5 }), (program, proto) => {
        onlyTypedErrors(Uint8Array.from([0x80, proto, ...program]));
        onlyTypedErrors(Uint8Array.from(program));
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  }, 600_000);

  it(`mutated golden pickles (${Math.ceil(RUNS / 2)} runs)`, () => {
    const edit = fc.tuple(fc.constantFrom('set', 'insert', 'delete', 'truncate'), fc.nat(), fc.oneof(fc.constantFrom(...OPCODES), fc.integer({ min: 0, max: 255 })));
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), fc.array(edit, { minLength: 1, maxLength: 4 }), (seed, edits) => {
        const b = Array.from(seed);
        for (const [kind, at, value] of edits) {
          const i = b.length === 0 ? 0 : at % b.length;
          if (kind === 'set') b[i] = value;
          else if (kind === 'insert') b.splice(i, 0, value);
          else if (kind === 'delete') b.splice(i, 1);
          else b.length = i;
        }
        onlyTypedErrors(Uint8Array.from(b));
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  }, 600_000);
});
