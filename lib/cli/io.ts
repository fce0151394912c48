import { parseArgs, type ParseArgsConfig } from 'node:util';

/** What a command needs from the outside world; tests pass their own. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** A command: parses its own argv (after the command name) and returns the exit code. */
export type Command = (argv: string[], io: CliIO) => Promise<number>;

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A usage error: printed with the command's help hint, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * `util.parseArgs` with positionals allowed, its errors turned into {@link UsageError}s (exit 2,
 * with the command's help hint).
 * @example const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } });
 */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}
