import { classifyNetworkError } from '../../../lib/cli/commands/check.ts';
import { sarifLevel, toSarif } from '../../../lib/cli/format/sarif.ts';
import { palette, safeText, table, visibleLength } from '../../../lib/cli/format/text.ts';
import type { Finding } from '../../../lib/policy/index.ts';

const cause = (code: string, name?: string) => Object.assign(new TypeError('fetch failed'), { cause: { code, name, message: code } });

describe('classifyNetworkError', () => {
  it.each([
    [cause('ECONNREFUSED'), 'refused', /connection refused by example\.com:8080/],
    [cause('ENOTFOUND'), 'dns', /DNS lookup failed for example\.com:8080 \(ENOTFOUND\)/],
    [cause('EAI_AGAIN'), 'dns', /DNS lookup failed/],
    [cause('UND_ERR_CONNECT_TIMEOUT'), 'timeout', /did not answer within 500 ms/],
    [Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }), 'timeout', /timeout: example\.com:8080/],
    [cause('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls', /TLS error with example\.com:8080: DEPTH_ZERO_SELF_SIGNED_CERT/],
    [cause('CERT_HAS_EXPIRED'), 'tls', /TLS error/],
    [cause('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls', /TLS error/],
    [cause('ECONNRESET'), 'reset', /was reset/],
    [new Error('weird'), 'other', /cannot fetch http:\/\/example\.com:8080\/: weird/],
  ])('%s → %s', (err, kind, message) => {
    const e = classifyNetworkError(err, 'http://example.com:8080/', 500);
    expect(e.kind).toBe(kind);
    expect(e.message).toMatch(message);
  });
});

describe('SARIF', () => {
  const findings: Finding[] = [
    { cookie: 'sessionid', domain: 'example.com', path: '/', partition: null, rule: 'secure-missing', severity: 'high', message: 'm1', fix: 'SESSION_COOKIE_SECURE = True' },
    { cookie: 'theme', domain: 'example.com', path: '/', partition: null, rule: 'samesite-missing', severity: 'info', message: 'm2', fix: 'f2' },
  ];
  it('maps severities to levels', () => {
    expect(['critical', 'high', 'medium', 'low', 'info'].map((s) => sarifLevel(s as Finding['severity']))).toEqual(['error', 'error', 'warning', 'note', 'note']);
  });
  it('has one rule descriptor per rule and one result per finding, with ruleIndex pointing at it', () => {
    const log = toSarif([{ url: 'https://example.com/', findings }], { version: '9.9.9' }) as {
      version: string;
      runs: { tool: { driver: { rules: { id: string }[]; version: string } }; results: { ruleId: string; ruleIndex: number; locations: unknown[] }[] }[];
    };
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0]!;
    expect(run.tool.driver.version).toBe('9.9.9');
    expect(run.results).toHaveLength(2);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]?.id).toBe(r.ruleId);
    expect(JSON.stringify(run.results[0])).toContain('https://example.com/');
  });
});

describe('text helpers', () => {
  it.each([
    ['plain', 'plain'],
    ['a\x1b[2Jb', 'a\\x1b[2Jb'],
    ['c1\u009bx', 'c1\\x9bx'],
    ['bell\x07', 'bell\\x07'],
    ['rtl\u202eevil', 'rtl\\u{202e}evil'],
    ['tab\tok', 'tab\tok'],
  ])('safeText(%j)', (input, want) => expect(safeText(input)).toBe(want));

  it('colours only on a TTY without NO_COLOR, or with FORCE_COLOR', () => {
    expect(palette({ isTTY: true }, {}).red('x')).toBe('\x1b[31mx\x1b[39m');
    expect(palette({ isTTY: true }, { NO_COLOR: '1' }).red('x')).toBe('x');
    expect(palette({ isTTY: false }, {}).red('x')).toBe('x');
    expect(palette({ isTTY: false }, { FORCE_COLOR: '1' }).severity('high')).toBe('\x1b[31mhigh\x1b[39m');
  });

  it('lays out columns by visible width', () => {
    const c = palette({ isTTY: true }, {});
    const out = table([
      ['A', 'B', 'C'],
      [c.red('high'), 'x', 'last'],
    ]);
    const lines = out.split('\n');
    expect(lines[1]).toBe(`${c.red('high')}  x  last`);
    expect(visibleLength(lines[1]!)).toBe(13);
    expect(lines[0]).toBe('A     B  C');
  });
});
