/**
 * `session-lens check URL… | --har FILE`: fetches each URL (following redirects, bounded), reads every
 * Set-Cookie along the way, decodes session cookies with the codec and applies the cookie policy.
 * With `--har FILE` the same from a recorded capture (check-har.ts).
 *
 * Exit status: 1 when a finding at or above --fail-on exists, 0 otherwise, 2 for a usage or
 * network error (refused, timeout, TLS, DNS …).
 */
import { readFile } from 'node:fs/promises';
import { decode, stringifyJson, type SessionValue } from '../../codec/index.ts';
import { nodeBackend } from '../../node/index.ts';
import {
  atLeast,
  classifyCookie,
  evaluateSetCookieHeaders,
  getPreset,
  isPresetName,
  isSeverity,
  parsePolicy,
  PRESET_NAMES,
  resolvePolicy,
  sortFindings,
  summarize,
  withoutLocalExemptions,
  type Finding,
  type Policy,
  type PolicyCookie,
  type Severity,
} from '../../policy/index.ts';
import { toSarif } from '../format/sarif.ts';
import { palette, safeText, table } from '../format/text.ts';
import { EXIT, UsageError, parseCommandArgs, type CliIO, type Command } from '../io.ts';
import { CookieJar } from '../cookie-jar.ts';
import { checkHar, type HarSessionCookie } from './check-har.ts';

const VERSION = '0.1.0';

const HELP = `Usage: session-lens check URL… [options]
       session-lens check --har FILE [options]

Fetches each URL (redirects followed), reads every Set-Cookie set along the way, decodes
session cookies and reports how each cookie breaks the policy, with the setting that fixes it.
With --har, reads a HAR capture (DevTools "Save all as HAR", Playwright recordHar) instead:
every session cookie its requests sent and its responses set, decoded; findings per Set-Cookie.

Options:
  --har FILE           check a HAR file (no URLs; nothing is fetched)
  --policy FILE        a policy JSON file (see README: "check/audit")
  --preset NAME        ${PRESET_NAMES.join(' | ')} (default: django-default)
  --strict             drop local-development exemptions (localhost need not be Secure)
  --json               JSON: { url, findings } per URL (an array for several URLs)
  --sarif              SARIF 2.1.0 for code-scanning tools
  --fail-on SEVERITY   exit 1 at or above: info | low | medium | high | critical | none (default: high)
  --timeout MS         per request (default: 10000)
  --max-redirects N    (default: 10)
  -h, --help           this help

Exit status: 0 no finding at or above --fail-on; 1 there is one; 2 usage or network error.
`;

/** One response along a URL's redirect chain. */
export interface Hop {
  url: string;
  status: number;
  setCookies: string[];
}

/** What went wrong while fetching, in words a person can act on. */
export class NetworkError extends Error {
  override name = 'NetworkError';
  constructor(
    readonly kind: 'refused' | 'timeout' | 'tls' | 'dns' | 'reset' | 'redirects' | 'protocol' | 'other',
    message: string,
  ) {
    super(message);
  }
}

const TLS_CODE = /^(CERT_|ERR_TLS|ERR_SSL|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET|VERIFY)|ERR_OSSL|HOSTNAME_MISMATCH)/;

/** Turns a fetch failure into a {@link NetworkError} naming the cause. */
export function classifyNetworkError(e: unknown, url: string, timeoutMs: number): NetworkError {
  const err = e as { name?: string; code?: string; cause?: { code?: string; name?: string; message?: string } } | undefined;
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  })();
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError' || err?.cause?.name === 'ConnectTimeoutError' || err?.cause?.code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new NetworkError('timeout', `timeout: ${host} did not answer within ${timeoutMs} ms`);
  }
  const code = err?.cause?.code ?? err?.code ?? '';
  if (code === 'ECONNREFUSED') return new NetworkError('refused', `connection refused by ${host}`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
    return new NetworkError('dns', `DNS lookup failed for ${host} (${code})`);
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return new NetworkError('reset', `connection to ${host} was reset (${code})`);
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new NetworkError('timeout', `timeout: ${host} did not answer within ${timeoutMs} ms`);
  }
  if (TLS_CODE.test(code)) return new NetworkError('tls', `TLS error with ${host}: ${code}`);
  const msg = err?.cause?.message ?? (e instanceof Error ? e.message : String(e));
  return new NetworkError('other', `cannot fetch ${url}: ${code ? `${code} ` : ''}${msg}`);
}

/**
 * Fetches `url`, following up to `maxRedirects` redirects, and returns every hop's Set-Cookie
 * headers. Throws a {@link NetworkError}.
 */
export async function fetchChain(url: string, options: { timeoutMs: number; maxRedirects: number; now?: number }): Promise<Hop[]> {
  const hops: Hop[] = [];
  const jar = new CookieJar();
  const now = () => options.now ?? Date.now();
  let current = url;
  for (let i = 0; ; i++) {
    const u = new URL(current);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new NetworkError('protocol', `cannot fetch ${current}: only http and https URLs`);
    const headers: Record<string, string> = { 'user-agent': `session-lens/${VERSION}`, accept: 'text/html,*/*' };
    const cookie = jar.headerFor(u, now());
    if (cookie) headers.cookie = cookie;
    let res: Response;
    try {
      res = await fetch(u, { redirect: 'manual', headers, signal: AbortSignal.timeout(options.timeoutMs) });
    } catch (e) {
      throw classifyNetworkError(e, current, options.timeoutMs);
    }
    const setCookies = res.headers.getSetCookie();
    await res.body?.cancel().catch(() => undefined);
    hops.push({ url: current, status: res.status, setCookies });
    for (const h of setCookies) {
      const r = evaluateSetCookieHeaders([h], { url: u, ...(options.now === undefined ? {} : { now: options.now }) });
      // Only what a browser would keep goes on to the next request (cookie-jar.ts).
      jar.store(r.cookies, u, now());
    }
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || res.status === 304 || !location) return hops;
    if (i >= options.maxRedirects) throw new NetworkError('redirects', `too many redirects from ${url} (more than ${options.maxRedirects})`);
    try {
      current = new URL(location, u).href;
    } catch {
      throw new NetworkError('other', `bad redirect Location from ${current}: ${location.slice(0, 200)}`);
    }
  }
}

/** A decoded session cookie, as shown next to the findings. */
export interface DecodedCookie {
  name: string;
  domain: string;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite: string;
  expires?: string;
  setBy: string;
  /** The decoded session; `data` is exact JSON text (big integers and Python objects kept). */
  session?: { format: string; verified: boolean | null; data: SessionValue; timestamp?: string } | { error: string };
}

/** What `check` found for one URL. */
export interface CheckResult {
  url: string;
  findings: Finding[];
  /** Cookies set along the chain; for a HAR, the session cookies seen (check-har.ts). */
  cookies: (DecodedCookie | HarSessionCookie)[];
  redirects: string[];
  warnings: string[];
  error?: { kind: NetworkError['kind']; message: string };
}

/** Decodes a session cookie's value (no key: `verified` is `null`); `undefined` for an empty value. */
export async function decodeSession(c: Pick<PolicyCookie, 'name' | 'value'>): Promise<DecodedCookie['session']> {
  if (c.value === '' || c.value === '""') return undefined;
  try {
    const r = await decode(c.value, { cookieName: c.name }, nodeBackend);
    // The codec's exact JSON, so big ints and Python objects survive.
    const out: { format: string; verified: boolean | null; data: SessionValue; timestamp?: string } = {
      format: r.format,
      verified: r.verified,
      data: r.data,
    };
    if (r.timestamp) out.timestamp = r.timestamp.toISOString();
    return out;
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Checks one URL: fetch, parse every Set-Cookie along the chain, evaluate, decode session cookies.
 *
 * @example
 * const r = await checkUrl('https://example.com/', { policy: getPreset('django-default'), timeoutMs: 5000, maxRedirects: 10 });
 */
export async function checkUrl(url: string, options: { policy: Policy; timeoutMs: number; maxRedirects: number; now?: number }): Promise<CheckResult> {
  const result: CheckResult = { url, findings: [], cookies: [], redirects: [], warnings: [] };
  let hops: Hop[];
  try {
    hops = await fetchChain(url, options);
  } catch (e) {
    const ne = e instanceof NetworkError ? e : classifyNetworkError(e, url, options.timeoutMs);
    result.error = { kind: ne.kind, message: ne.message };
    return result;
  }
  result.redirects = hops.slice(1).map((h) => h.url);
  const chain = hops.map((h) => h.url);
  const findings: Finding[] = [];
  for (const hop of hops) {
    const r = evaluateSetCookieHeaders(hop.setCookies, {
      url: hop.url,
      relatedUrls: chain,
      policy: options.policy,
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    findings.push(...r.findings);
    result.warnings.push(...r.warnings, ...r.ignored.map((i) => `ignored Set-Cookie "${i.header.slice(0, 60)}": ${i.reason}`));
    const effective = resolvePolicy(options.policy, new URL(hop.url).hostname);
    for (const c of r.cookies) {
      const d: DecodedCookie = {
        name: c.name,
        domain: c.domain,
        path: c.path,
        secure: c.secure,
        httpOnly: c.httpOnly,
        sameSite: c.sameSite,
        setBy: hop.url,
      };
      if (c.expires !== undefined) d.expires = Number.isFinite(c.expires * 1000) && Math.abs(c.expires) < 8.64e12 ? new Date(c.expires * 1000).toISOString() : String(c.expires);
      if (classifyCookie(c.name, effective) === 'session') {
        const s = await decodeSession(c);
        if (s) d.session = s;
      }
      result.cookies.push(d);
    }
  }
  result.findings = sortFindings(findings);
  return result;
}

function parseIntOption(v: string | undefined, name: string, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${v}"`);
  return Number(v);
}

async function loadPolicyOption(file: string | undefined, preset: string | undefined): Promise<Policy> {
  if (file !== undefined && preset !== undefined) throw new UsageError('give --policy or --preset, not both');
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read policy file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    const r = parsePolicy(text);
    if (!r.ok) throw new UsageError(`invalid policy ${file}:\n${r.issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
    return r.policy;
  }
  const name = preset ?? 'django-default';
  if (!isPresetName(name)) throw new UsageError(`unknown preset "${name}"; choose ${PRESET_NAMES.join(', ')}`);
  return getPreset(name);
}

function jsonResult(r: CheckResult): Record<string, unknown> {
  const out: Record<string, unknown> = { url: r.url, findings: r.findings, cookies: r.cookies };
  if (r.redirects.length) out.redirects = r.redirects;
  if (r.warnings.length) out.warnings = r.warnings;
  if (r.error) out.error = r.error;
  return out;
}

function renderTable(results: readonly CheckResult[], io: CliIO): string {
  const c = palette(io.stdout, io.env);
  const parts: string[] = [];
  for (const r of results) {
    const head = c.bold(safeText(r.url));
    if (r.error) {
      parts.push(`${head}\n  ${c.red('error')}: ${safeText(r.error.message)}`);
      continue;
    }
    const via = r.redirects.length ? `, via ${r.redirects.length} redirect${r.redirects.length === 1 ? '' : 's'}` : '';
    const lines = [`${head} ${c.dim(`(${r.cookies.length} cookie${r.cookies.length === 1 ? '' : 's'}${via})`)}`];
    if (r.findings.length === 0) lines.push(`  ${c.green('no findings')}`);
    else {
      const rows: string[][] = [[c.dim('SEVERITY'), c.dim('COOKIE'), c.dim('RULE'), c.dim('MESSAGE')]];
      for (const f of r.findings) {
        rows.push([c.severity(f.severity), safeText(f.cookie), f.rule, safeText(f.message)]);
        rows.push(['', '', '', c.dim(`fix: ${safeText(f.fix)}`)]);
      }
      lines.push(table(rows, '  '));
    }
    for (const d of r.cookies) {
      if (!d.session) continue;
      if ('error' in d.session) lines.push(`  ${c.dim('session')} ${safeText(d.name)}: ${c.dim(`not decoded: ${safeText(d.session.error)}`)}`);
      else {
        const v = d.session.verified === null ? 'not verified: no key' : d.session.verified ? 'verified' : 'signature not verified';
        const shown =
          d.session.format === 'django-session-key' ? c.dim('an opaque session key: the data lives on the server') : safeText(stringifyJson(d.session.data));
        const via = 'source' in d ? c.dim(` ${d.source === 'request' ? 'sent with' : 'set by'} ${safeText(`${d.method} ${d.url}`)} → ${d.status}${d.seen > 1 ? `, seen ${d.seen}×` : ''}`) : '';
        lines.push(`  ${c.dim('session')} ${safeText(d.name)} ${c.dim(`(${d.session.format}, ${v})`)}${via}: ${shown}`);
      }
    }
    for (const w of r.warnings) lines.push(`  ${c.yellow('warning')}: ${safeText(w)}`);
    const s = summarize(r.findings);
    const counts = (['critical', 'high', 'medium', 'low', 'info'] as const).filter((k) => s[k] > 0).map((k) => c.severity(k, `${s[k]} ${k}`));
    if (counts.length) lines.push(`  ${c.dim('summary:')} ${counts.join(', ')}`);
    parts.push(lines.join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}

/** The `check` command. */
export const check: Command = async (argv: string[], io: CliIO): Promise<number> => {
  const parsed = parseCommandArgs(argv, {
    policy: { type: 'string' },
    preset: { type: 'string' },
    strict: { type: 'boolean' },
    json: { type: 'boolean' },
    sarif: { type: 'boolean' },
    'fail-on': { type: 'string' },
    timeout: { type: 'string' },
    'max-redirects': { type: 'string' },
    har: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  if (values.har !== undefined && positionals.length > 0) throw new UsageError('give URLs or --har FILE, not both');
  if (positionals.length === 0 && values.har === undefined) throw new UsageError('give at least one URL (or --har FILE)');
  if (values.json && values.sarif) throw new UsageError('give --json or --sarif, not both');
  const failOn = values['fail-on'] ?? 'high';
  if (failOn !== 'none' && !isSeverity(failOn)) throw new UsageError(`--fail-on must be info, low, medium, high, critical or none, not "${failOn}"`);
  const timeoutMs = parseIntOption(values.timeout, 'timeout', 10_000, 1, 600_000);
  const maxRedirects = parseIntOption(values['max-redirects'], 'max-redirects', 10, 0, 50);
  for (const u of positionals) {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      throw new UsageError(`not a URL: "${safeText(u.slice(0, 200))}" (include http:// or https://)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`only http and https URLs can be checked, not ${url.protocol}`);
  }
  let policy = await loadPolicyOption(values.policy, values.preset);
  if (values.strict) policy = withoutLocalExemptions(policy);

  const results: CheckResult[] = values.har !== undefined ? [await checkHar(values.har, { policy })] : [];
  for (const u of positionals) {
    results.push(await checkUrl(u, { policy, timeoutMs, maxRedirects }));
  }

  if (values.sarif) {
    io.stdout.write(`${JSON.stringify(toSarif(results.filter((r) => !r.error), { version: VERSION }), null, 2)}\n`);
  } else if (values.json) {
    const out = results.length === 1 ? jsonResult(results[0]!) : results.map(jsonResult);
    io.stdout.write(`${stringifyJson(out, 2)}\n`);
  } else {
    io.stdout.write(renderTable(results, io));
  }
  const errors = results.filter((r) => r.error);
  for (const r of errors) io.stderr.write(`session-lens check: ${safeText(r.error!.message)}\n`);
  if (errors.length) return EXIT.usage;
  const threshold: Severity | null = failOn === 'none' ? null : (failOn as Severity);
  if (threshold && results.some((r) => r.findings.some((f) => atLeast(f.severity, threshold)))) return EXIT.failed;
  return EXIT.ok;
};
