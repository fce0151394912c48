/**
 * Untrusted text (cookie names and values, session data, findings) shown with its invisible and
 * direction-changing characters escaped, as the CLI's `check` prints them: C0/C1 controls, DEL,
 * line/paragraph separators and bidi overrides/isolates (U+202A–U+202E, U+2066–U+2069) become
 * `\xNN` / `\u{NNNN}`, so a value cannot reorder or hide what is around it. Pure; no DOM.
 *
 * @example
 * escapeText('abc\u202Etxt.exe') // 'abc\\u{202e}txt.exe'
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** See the module doc. Tabs and newlines are kept (they wrap, they do not reorder). */
export function escapeText(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/**
 * Like {@link escapeText}, and newlines and tabs too: for one-line fields (names, domains, table cells).
 *
 * @example
 * escapeLine('a\nb') // 'a\\x0ab'
 */
export function escapeLine(s: string): string {
  return escapeText(s).replace(/[\t\n]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
