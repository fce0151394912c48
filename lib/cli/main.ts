import { EXIT, UsageError, type CliIO, type Command } from './io.ts';

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  decode: { summary: 'Decode (and verify) session values', load: async () => (await import('./commands/decode.ts')).decode },
  sign: { summary: 'Sign a session the way Django does', load: async () => (await import('./commands/sign.ts')).sign },
  serve: { summary: 'Serve db/file/cache sessions over a local HTTP API', load: async () => (await import('./commands/serve.ts')).serve },
  check: { summary: "Check a site's cookies against a policy", load: async () => (await import('./commands/check.ts')).check },
  audit: { summary: 'Look for known or weak SECRET_KEYs', load: async () => (await import('./commands/audit.ts')).audit },
};

const HELP = () => `Usage: session-lens <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`)
  .join('\n')}

Run 'session-lens <command> --help' for a command's options.
`;

/** Runs the CLI and returns its exit code. Bad input never produces a stack trace. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(HELP());
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write('session-lens 0.1.0\n');
    return EXIT.ok;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr.write(`session-lens: unknown command '${name}'\n\n${HELP()}`);
    return EXIT.usage;
  }
  try {
    return await (await entry.load())(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`session-lens ${name}: ${e.message}\nRun 'session-lens ${name} --help' for usage.\n`);
      return EXIT.usage;
    }
    io.stderr.write(`session-lens ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.usage;
  }
}

/**
 * Runs the CLI on this process's standard streams and environment (the `session-lens` launcher).
 *
 * @example
 * process.exitCode = await run(process.argv.slice(2));
 */
export function run(argv: string[]): Promise<number> {
  return main(argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
}

const isEntry = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
