/**
 * Terminal text helpers shared by CLI commands: colour (only on a TTY, never with NO_COLOR),
 * control-character escaping (so session data cannot inject escape sequences), column tables.
 */
import type { Severity } from '../../policy/index.ts';

/** Which colours to use; `plain` has none. */
export interface Palette {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  severity(s: Severity, text?: string): string;
}

const wrap = (on: boolean, open: number, close: number) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);

/**
 * A palette: coloured when `stream.isTTY` and neither NO_COLOR nor TERM=dumb is set, or when
 * FORCE_COLOR is set.
 *
 * @example
 * const c = palette(io.stdout, io.env); io.stdout.write(c.red('high'));
 */
export function palette(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): Palette {
  const on =
    (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') ||
    (Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb');
  const red = wrap(on, 31, 39);
  const yellow = wrap(on, 33, 39);
  const bold = wrap(on, 1, 22);
  const dim = wrap(on, 2, 22);
  const cyan = wrap(on, 36, 39);
  return {
    bold,
    dim,
    red,
    yellow,
    green: wrap(on, 32, 39),
    cyan,
    severity(s, text = s) {
      if (s === 'critical') return bold(red(text));
      if (s === 'high') return red(text);
      if (s === 'medium') return yellow(text);
      if (s === 'low') return cyan(text);
      return dim(text);
    },
  };
}

/**
 * Escapes C0/C1 control characters (and DEL) as `\xNN` / `\u{…}` so untrusted text printed to a
 * terminal cannot move the cursor, recolour, or hide output.
 *
 * @example
 * safeText('a\x1b[2Jb') // 'a\\x1b[2Jb'
 */
export function safeText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
/** Printed width of a string, ignoring our colour codes. */
export function visibleLength(s: string): number {
  return [...s.replace(ANSI, '')].length;
}

/**
 * Lays out rows in columns separated by two spaces. Cells may contain colour codes; the last
 * column is not padded.
 *
 * @example
 * table([['SEVERITY', 'RULE'], ['high', 'secure-missing']])
 */
export function table(rows: readonly (readonly string[])[], indent = ''): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  return rows
    .map(
      (row) =>
        indent +
        row
          .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visibleLength(cell))))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}
