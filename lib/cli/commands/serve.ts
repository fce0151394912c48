/**
 * `session-lens serve`: the companion session server (lib/companion). Prints where it listens and,
 * when it generated the token, the token — once. Stops cleanly on SIGTERM / SIGINT / SIGHUP, and
 * when whatever started it goes away (`npx`, a supervisor, a test harness killed without passing
 * the signal on): the parent process id changes then, and the server stops as if signalled.
 * Shutdown waits at most its grace period for requests in flight; if the process still cannot
 * exit after that (a file-system call that never returns), it is ended by force.
 */
import { ConfigError, parseServeConfig, SERVE_HELP } from '../../companion/config.ts';
import { startCompanionServer } from '../../companion/server.ts';
import { EXIT, UsageError, type CliIO, type Command } from '../io.ts';
import { warnCommandLineSecret } from '../../node/index.ts';

/**
 * Runs the server until a signal arrives (or `io`'s `signal`, for tests, aborts).
 *
 * @example
 * await serve(['--store', 'redis://127.0.0.1:6379/0', '--port', '0'], { stdout, stderr, stdin, env })
 */
export const serve: Command = async (argv: string[], io: CliIO & { signal?: AbortSignal; cwd?: string }) => {
  const log = (line: string) => io.stderr.write(`[session-lens serve] ${line}\n`);
  for (const [flag, instead] of [
    ['--secret-key', '--secret-file FILE or SESSION_LENS_SECRET_KEY'],
    ['--token', '--token-file FILE or SESSION_LENS_TOKEN'],
  ] as const) {
    if (argv.some((a) => a === flag || a.startsWith(`${flag}=`))) warnCommandLineSecret(io.stderr, 'serve', flag, instead);
  }

  let config;
  try {
    config = parseServeConfig(argv, io.env, io.cwd ?? process.cwd(), (line) => io.stderr.write(`session-lens serve: warning: ${line}\n`));
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  if (config === 'help') {
    io.stdout.write(SERVE_HELP);
    return EXIT.ok;
  }
  let server;
  try {
    server = await startCompanionServer({ config, log });
  } catch (e) {
    const code = (e as { code?: string }).code;
    io.stderr.write(`session-lens serve: cannot listen on ${config.host}:${config.port}${code ? ` (${code})` : ''}\n`);
    return EXIT.failed;
  }
  io.stdout.write(`session-lens companion listening on ${server.url} (${config.allowWrite ? 'read-write' : 'read-only'})\n`);
  for (const s of config.stores) io.stdout.write(`  store: ${s.name}\n`);
  if (config.secretKeys.length === 0) io.stdout.write('  no secret key: session data is shown unverified\n');
  if (server.tokenGenerated) io.stdout.write(`  token: ${server.token}\n  (generated; pass --token-file or SESSION_LENS_TOKEN to choose one)\n`);

  // Handlers stay installed until the server is closed: a second signal (Ctrl-C reaches both the
  // launcher and this process, and the launcher forwards it) must not kill a clean shutdown.
  const signals = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
  let stop = (_why: string) => {};
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const onSignal = (sig: NodeJS.Signals) => stop(sig);
  for (const s of signals) process.on(s, onSignal);
  io.signal?.addEventListener('abort', () => stop('abort'), { once: true });
  const parentWatch = watchParent(() => stop('parent exited'));
  try {
    const why = await stopped;
    log(`shutting down (${why})`);
    // Standalone only (not when a test runs the command in its own process): if the process is
    // still alive a moment after the grace period, something below JavaScript holds it.
    if (!io.signal) forceExitAfter(SHUTDOWN_GRACE_MS + FORCE_EXIT_MARGIN_MS, log);
    await server.close(SHUTDOWN_GRACE_MS);
  } finally {
    clearInterval(parentWatch);
    for (const s of signals) process.off(s, onSignal);
  }
  return EXIT.ok;
};

/** How long shutdown waits for requests in flight. */
const SHUTDOWN_GRACE_MS = 3000;
/** How much longer the process may take to exit before it is ended by force. */
const FORCE_EXIT_MARGIN_MS = 1500;

/**
 * Calls `onExit` once the parent process is gone (Linux and macOS re-parent an orphan, so its
 * parent process id changes). Polls twice a second; the timer does not keep the process alive.
 */
function watchParent(onExit: () => void): NodeJS.Timeout {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      onExit();
    }
  }, 500);
  timer.unref();
  return timer;
}

/**
 * Ends the process after `ms` if it is still running. `process.exit` is not enough: Node waits for
 * its file-system threads at exit, and one stuck in `open()` never returns.
 */
function forceExitAfter(ms: number, log: (line: string) => void): void {
  setTimeout(() => {
    log('shutdown did not finish in time; exiting by force');
    process.kill(process.pid, 'SIGKILL');
  }, ms).unref();
}
