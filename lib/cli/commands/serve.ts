/**
 * `session-lens serve`: the companion session server (lib/companion). Prints where it listens and,
 * when it generated the token, the token — once. Stops cleanly on SIGTERM / SIGINT.
 */
import { ConfigError, parseServeConfig, SERVE_HELP } from '../../companion/config.ts';
import { startCompanionServer } from '../../companion/server.ts';
import { EXIT, UsageError, type CliIO, type Command } from '../io.ts';

/**
 * Runs the server until a signal arrives (or `io`'s `signal`, for tests, aborts).
 *
 * @example
 * await serve(['--store', 'redis://127.0.0.1:6379/0', '--port', '0'], { stdout, stderr, stdin, env })
 */
export const serve: Command = async (argv: string[], io: CliIO & { signal?: AbortSignal; cwd?: string }) => {
  let config;
  try {
    config = parseServeConfig(argv, io.env, io.cwd ?? process.cwd());
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  if (config === 'help') {
    io.stdout.write(SERVE_HELP);
    return EXIT.ok;
  }
  const log = (line: string) => io.stderr.write(`[session-lens serve] ${line}\n`);
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
  if (server.tokenGenerated) io.stdout.write(`  token: ${server.token}\n  (generated; pass --token or SESSION_LENS_TOKEN to choose one)\n`);

  // Handlers stay installed until the server is closed: a second signal (Ctrl-C reaches both the
  // launcher and this process, and the launcher forwards it) must not kill a clean shutdown.
  const signals = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
  let stop = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  for (const s of signals) process.on(s, stop);
  io.signal?.addEventListener('abort', stop, { once: true });
  try {
    await stopped;
    log('shutting down');
    await server.close();
  } finally {
    for (const s of signals) process.off(s, stop);
  }
  return EXIT.ok;
};
