/**
 * Where the CLI takes secrets from — the same in every command — and the warning when they come
 * from the command line, where `ps`, shell history and npm's debug log (world-readable) see them.
 *
 * ```
 * --secret KEY …            visible to every user of the machine: warned about
 * --secret-file FILE        one key per line, newest first (SECRET_KEY, then SECRET_KEY_FALLBACKS)
 * SESSION_LENS_SECRET_KEY + SESSION_LENS_SECRET_KEY_FALLBACKS (commas or newlines)
 * ```
 * Command-line keys win over a file, a file over the environment.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { SessionLensError } from '../codec/index.ts';

/**
 * A secret that cannot be read (missing file, empty, too large, two sources at once). The message
 * names the flag and the file, never the content; the CLI reports it as a usage error.
 */
export class SecretSourceError extends SessionLensError {
  override readonly code = 'ERR_INVALID' as const;
  static override readonly defaultMessage = 'A secret cannot be read';
}

/** Largest secret file read (a key file is a few lines). */
export const SECRET_FILE_MAX_BYTES = 64 * 1024;

/**
 * `SECRET_KEY_FALLBACKS` as one variable: split on commas and newlines, each trimmed, empty ones
 * dropped — the same rule in every command.
 *
 * @example
 * splitFallbacks('old-key-1, old-key-2\nold-key-3') // ['old-key-1', 'old-key-2', 'old-key-3']
 */
export function splitFallbacks(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[,\r\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The non-empty lines of a small secret file (trimmed), e.g. `--secret-file <(pass show app/key)`.
 * Errors name the file and the reason, never its content. `warn` hears about a regular file that
 * other users may read.
 *
 * @example
 * readSecretFile('/run/secrets/django_key', '--secret-file') // ['current-key', 'previous-key']
 */
export function readSecretFile(path: string, flag: string, warn?: (line: string) => void): string[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new SecretSourceError(`${flag}: cannot open ${path} (${(e as { code?: string }).code ?? 'error'})`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new SecretSourceError(`${flag}: ${path} is a directory`);
    if (st.isFile() && (st.mode & 0o077) !== 0) warn?.(`${flag}: ${path} can be read by other users (chmod 600 it)`);
    const buf = Buffer.alloc(SECRET_FILE_MAX_BYTES + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n > SECRET_FILE_MAX_BYTES) throw new SecretSourceError(`${flag}: ${path} is larger than ${SECRET_FILE_MAX_BYTES} bytes`);
    }
    const lines = buf
      .toString('utf8', 0, n)
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    if (lines.length === 0) throw new SecretSourceError(`${flag}: ${path} is empty`);
    return lines;
  } finally {
    closeSync(fd);
  }
}

/** Writes the warning for a secret given on the command line. */
export function warnCommandLineSecret(stderr: NodeJS.WritableStream, command: string, flag: string, instead: string): void {
  stderr.write(
    `session-lens ${command}: warning: ${flag} on the command line is visible to other users (ps, /proc) and may be ` +
      `kept in shell history and npm's logs; use ${instead} instead\n`,
  );
}

/**
 * The secret keys of a command, newest first: `--secret` values, else `--secret-file`, else
 * SESSION_LENS_SECRET_KEY (+ _FALLBACKS, + SESSION_LENS_SECRET_FILE). Warns about command-line keys.
 *
 * @example
 * const keys = secretKeysOf({ secret: values.secret, secretFile: values['secret-file'] }, io, 'decode');
 */
export function secretKeysOf(
  given: { secret?: string[]; secretFile?: string },
  io: { env: NodeJS.ProcessEnv; stderr: NodeJS.WritableStream },
  command: string,
  warn: (line: string) => void = (line) => io.stderr.write(`session-lens ${command}: warning: ${line}\n`),
): string[] {
  if (given.secret?.length && given.secretFile) throw new SecretSourceError('give --secret or --secret-file, not both');
  if (given.secret?.length) {
    warnCommandLineSecret(io.stderr, command, '--secret', '--secret-file FILE or SESSION_LENS_SECRET_KEY');
    return given.secret;
  }
  const file = given.secretFile ?? (io.env.SESSION_LENS_SECRET_FILE || undefined);
  if (file) return readSecretFile(file, '--secret-file', warn);
  const key = io.env.SESSION_LENS_SECRET_KEY;
  return key ? [key, ...splitFallbacks(io.env.SESSION_LENS_SECRET_KEY_FALLBACKS)] : [];
}
