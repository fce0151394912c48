/** Runs the `session-lens` command in-process, as the CLI's integration tests do. */
import { main } from '../../lib/cli/main.ts';
import { sink } from './sink.ts';

/**
 * The exit code and what the command wrote, with colour off.
 * @example const { code, stdout } = await runCli(['check', '--json', url]);
 */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = sink();
  const stderr = sink();
  const code = await main(args, { stdout, stderr, stdin: process.stdin, env: { NO_COLOR: '1' } });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
