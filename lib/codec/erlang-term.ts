/**
 * A safe reader for the Erlang external term format (`:erlang.term_to_binary`, the payload of
 * Phoenix / Plug session cookies): it reads terms as data; no atom is created, no fun or
 * process is touched (what `binary_to_term(bin, [:safe])` guards in Erlang is simply not possible here).
 *
 * `term_to_binary(%{"user_id" => 42})` is
 *
 *     83                  version 131
 *     74 00 00 00 01      MAP_EXT, 1 pair
 *     6d 00 00 00 07 "user_id"   BINARY_EXT, 7 bytes
 *     61 2a               SMALL_INTEGER_EXT 42
 *
 * Tags from erts/doc "External Term Format" (OTP 25). How terms come out (the same form
 * tests/fixtures/frameworks/make_phoenix.exs writes from the real terms):
 *
 * | Erlang / Elixir                   | SessionValue                                              |
 * | --------------------------------- | --------------------------------------------------------- |
 * | integer, float                    | number \| bigint, number                                  |
 * | true, false, nil                  | true, false, null                                         |
 * | other atom                        | `{ $py: 'erlang:atom', value: 'name' }`                   |
 * | binary (UTF-8) / other binary     | string / `{ $py: 'erlang:binary', value: hex }`           |
 * | list (charlists too), tuple       | array, `{ $py: 'erlang:tuple', items: […] }`              |
 * | map with binary keys / other map  | object / `{ $py: 'erlang:map', entries: [[k, v], …] }`    |
 * | pid, port, reference, fun, bits   | `{ $py: 'erlang:pid' …, value: hex of its bytes }`        |
 *
 * Compressed terms (tag 80) are inflated by the caller, capped at `maxDecompressedSize`.
 * Safety: lengths and arities are checked against the bytes left, nesting against `maxDepth`,
 * values against `maxItems`, big integers at 2048 bytes.
 */
import { ByteReader, exactInteger, hex } from './byte-reader.ts';
import { setKey } from './json.ts';
import { resolveLimits, type Limits } from './limits.ts';
import { keepKeyOrder, PyObject, pyFloat, type SessionObject, type SessionValue } from './value.ts';

const VERSION = 131;
const MAX_BIG_BYTES = 2048;
const LATIN1 = new TextDecoder('latin1');

/** True when the bytes start like `term_to_binary` output. */
export function isErlangTerm(bytes: Uint8Array): boolean {
  return bytes.length > 1 && bytes[0] === VERSION;
}

/** True when the term is zlib-compressed (`term_to_binary(t, [:compressed])`): inflate `bytes.subarray(6)` first. */
export function isCompressedTerm(bytes: Uint8Array): boolean {
  return bytes.length > 6 && bytes[0] === VERSION && bytes[1] === 80;
}

class TermReader extends ByteReader {
  private atom(bytes: Uint8Array, utf8: boolean): SessionValue {
    const name = utf8 ? (ByteReader.utf8(bytes) ?? this.fail('atom is not UTF-8')) : LATIN1.decode(bytes);
    if (name === 'true') return true;
    if (name === 'false') return false;
    if (name === 'nil') return null;
    return new PyObject('erlang:atom', { value: name });
  }

  private big(n: number): number | bigint {
    if (n > MAX_BIG_BYTES) this.fail(`a ${n}-byte integer is over the limit of ${MAX_BIG_BYTES}`);
    const sign = this.byte();
    const bytes = this.take(n);
    let v = 0n;
    for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
    return exactInteger(sign ? -v : v);
  }

  private list(n: number): SessionValue {
    const items: SessionValue[] = [];
    for (let i = 0; i < n; i++) items.push(this.value());
    const tail = this.value();
    if (Array.isArray(tail) && tail.length === 0) return items;
    return new PyObject('erlang:improper_list', { items, state: tail });
  }

  private opaque(kind: string, start: number, skip: () => void): PyObject {
    skip();
    return new PyObject(`erlang:${kind}`, { value: hex(this.bytes.subarray(start, this.pos)) });
  }

  protected value0(): SessionValue {
    const start = this.pos;
    const t = this.byte();
    switch (t) {
      case 97 /* SMALL_INTEGER_EXT */:
        return this.byte();
      case 98 /* INTEGER_EXT */:
        return this.uintBE(4) | 0;
      case 70 /* NEW_FLOAT_EXT */: {
        const b = this.take(8);
        return pyFloat(new DataView(b.buffer, b.byteOffset, 8).getFloat64(0));
      }
      case 99 /* FLOAT_EXT: 31 bytes of "%.20e" text */: {
        const text = LATIN1.decode(this.take(31)).replace(/\0+$/, '');
        const v = Number(text);
        if (Number.isNaN(v)) this.fail(`bad float "${text}"`);
        return pyFloat(v);
      }
      case 100 /* ATOM_EXT */:
        return this.atom(this.take(this.uintBE(2)), false);
      case 115 /* SMALL_ATOM_EXT */:
        return this.atom(this.take(this.byte()), false);
      case 118 /* ATOM_UTF8_EXT */:
        return this.atom(this.take(this.uintBE(2)), true);
      case 119 /* SMALL_ATOM_UTF8_EXT */:
        return this.atom(this.take(this.byte()), true);
      case 104 /* SMALL_TUPLE_EXT */:
      case 105 /* LARGE_TUPLE_EXT */: {
        const n = this.count(t === 104 ? this.byte() : this.uintBE(4));
        const items: SessionValue[] = [];
        for (let i = 0; i < n; i++) items.push(this.value());
        return new PyObject('erlang:tuple', { items });
      }
      case 106 /* NIL_EXT */:
        return [];
      case 107 /* STRING_EXT: a list of small integers */:
        return Array.from(this.take(this.uintBE(2)));
      case 108 /* LIST_EXT */:
        return this.list(this.count(this.uintBE(4)));
      case 109 /* BINARY_EXT */: {
        const b = this.take(this.uintBE(4));
        return ByteReader.utf8(b) ?? new PyObject('erlang:binary', { value: hex(b) });
      }
      case 77 /* BIT_BINARY_EXT */: {
        const n = this.uintBE(4);
        const bits = this.byte();
        return new PyObject('erlang:bitstring', { value: `${hex(this.take(n))}/${bits}` });
      }
      case 110 /* SMALL_BIG_EXT */:
        return this.big(this.byte());
      case 111 /* LARGE_BIG_EXT */:
        return this.big(this.uintBE(4));
      case 116 /* MAP_EXT */: {
        const n = this.count(this.uintBE(4), 2);
        const pairs: [SessionValue, SessionValue][] = [];
        for (let i = 0; i < n; i++) pairs.push([this.value(), this.value()]);
        if (pairs.every(([k]) => typeof k === 'string')) {
          const out: SessionObject = {};
          for (const [k, v] of pairs) setKey(out, k as string, v);
          return keepKeyOrder(out, pairs.map(([k]) => k as string));
        }
        return new PyObject('erlang:map', { entries: pairs });
      }
      case 88 /* NEW_PID_EXT */:
        return this.opaque('pid', start, () => (this.value(), this.take(12)));
      case 103 /* PID_EXT */:
        return this.opaque('pid', start, () => (this.value(), this.take(9)));
      case 89 /* NEW_PORT_EXT */:
        return this.opaque('port', start, () => (this.value(), this.take(8)));
      case 120 /* V4_PORT_EXT */:
        return this.opaque('port', start, () => (this.value(), this.take(12)));
      case 102 /* PORT_EXT */:
        return this.opaque('port', start, () => (this.value(), this.take(5)));
      case 90 /* NEWER_REFERENCE_EXT */:
      case 114 /* NEW_REFERENCE_EXT */:
        return this.opaque('reference', start, () => {
          const n = this.uintBE(2);
          this.value();
          this.take(t === 90 ? 4 + 4 * n : 1 + 4 * n);
        });
      case 113 /* EXPORT_EXT */:
        return this.opaque('fun', start, () => (this.value(), this.value(), this.value()));
      case 112 /* NEW_FUN_EXT: its own size says how far to skip; never run */:
        return this.opaque('fun', start, () => this.take(this.uintBE(4) - 4));
      default:
        this.pos--;
        return this.fail(`unknown tag ${t}`);
    }
  }
}

/**
 * Reads an uncompressed external term. Throws {@link MalformedInputError} for anything else,
 * {@link LimitExceededError} past a limit.
 *
 * @example
 * binaryToTerm(Uint8Array.of(131, 97, 42)) // 42
 */
export function binaryToTerm(bytes: Uint8Array, limits?: Partial<Limits>): SessionValue {
  const r = new TermReader(bytes, resolveLimits(limits), 'Erlang term');
  if (!isErlangTerm(bytes)) r.fail('no version byte 131');
  if (bytes[1] === 80) r.fail('compressed: inflate it first');
  r.pos = 1;
  const v = r.value();
  if (r.left !== 0) r.fail(`${r.left} bytes after the term`);
  return v;
}
