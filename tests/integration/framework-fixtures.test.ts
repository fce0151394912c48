/**
 * The framework vectors (tests/fixtures/frameworks) against the real frameworks: each generator's
 * `--check` has Starlette/Tornado re-sign byte for byte, or Rails, Rack, Laravel, gorilla/securecookie,
 * Erlang and jose read every committed vector back.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(process.cwd(), 'tests/fixtures/frameworks');
const GO_ENV = { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOCACHE: join(process.env.TMPDIR ?? '/tmp', 'session-lens-gocache'), GOFLAGS: '' };

describe.each([
  ['python.json (Starlette, Tornado)', '/usr/bin/python3', [join(DIR, 'make_python.py'), '--check'], /python\.json is up to date/, process.env],
  ['ruby.json (Rails 6.1, Rack 2.2)', 'ruby', [join(DIR, 'make_ruby.rb'), '--check'], /read every committed vector back/, process.env],
  ['php.json (Laravel 8, Yii2 hashData)', 'php', [join(DIR, 'make_php.php'), '--check'], /reads every committed vector back/, process.env],
  ['go.json (gorilla/securecookie)', 'go', ['run', './gorilla', '--check'], /decodes every committed vector/, GO_ENV],
  ['phoenix.json (Erlang terms, Plug format)', 'elixir', [join(DIR, 'make_phoenix.exs'), '--check'], /every committed vector verifies/, process.env],
  ['node.json (jose, iron)', process.execPath, [join(DIR, 'make_node.mjs'), '--check'], /read every committed vector back/, process.env],
] as const)('%s', (_name, cmd, args, expected, env) => {
  it('is read back by the real framework', () => {
    const res = spawnSync(cmd, [...args], { encoding: 'utf8', timeout: 120_000, cwd: DIR, env });
    expect(res.stderr + res.stdout).toMatch(expected);
    expect(res.status).toBe(0);
  });
});
