/**
 * JSON output that embeds session values exactly: a decoded session can hold integers beyond
 * 2^53 (bigint) and Python objects, which `JSON.stringify` would round or refuse. Wrap such a
 * value's exact JSON text (the codec's `stringifyJson`) in {@link RawJson} and it is spliced in
 * verbatim.
 */

/** Already-serialised JSON text to embed as is. */
export class RawJson {
  constructor(readonly text: string) {}
}

/**
 * `JSON.stringify` that writes {@link RawJson} values verbatim.
 *
 * @example
 * stringifyWithRaw({ data: new RawJson('12345678901234567890') }) // '{\n  "data": 12345678901234567890\n}'
 */
export function stringifyWithRaw(value: unknown, indent = 2): string {
  const raws: string[] = [];
  const nonce = Math.random().toString(36).slice(2);
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (v instanceof RawJson) {
        raws.push(v.text);
        return `@@raw-${nonce}-${raws.length - 1}@@`;
      }
      return v;
    },
    indent,
  );
  return text.replace(new RegExp(`"@@raw-${nonce}-(\\d+)@@"`, 'g'), (_m, i: string) => raws[Number(i)] ?? 'null');
}
