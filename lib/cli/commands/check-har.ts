/**
 * `session-lens check --har FILE`: the same report as `check URL`, from a capture instead of live
 * requests. Every session cookie the HAR's requests sent (`Cookie`) and its responses set
 * (`Set-Cookie`) is decoded, and the policy runs on every `Set-Cookie` against the URL that sent
 * it (lib/policy `analyzeHar`). Nothing is fetched.
 */
import { open } from 'node:fs/promises';
import { isSessionLensError } from '../../codec/index.ts';
import { MAX_HAR_CHARS, analyzeHar, parseHar, type Policy } from '../../policy/index.ts';
import { UsageError } from '../io.ts';
import { decodeSession, type CheckResult, type DecodedCookie } from './check.ts';

/** A session cookie seen in the capture, decoded. */
export interface HarSessionCookie {
  name: string;
  /** Sent by the browser (`request`) or set by the server (`response`). */
  source: 'request' | 'response';
  /** The first exchange it was seen in, and how often it was seen with this value. */
  method: string;
  url: string;
  status: number;
  seen: number;
  session?: DecodedCookie['session'];
}

/** Reads a HAR file, at most {@link MAX_HAR_CHARS} bytes. Throws a {@link UsageError} naming the file. */
async function readHar(file: string): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    throw new UsageError(`cannot read HAR file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    const { size } = await handle.stat();
    if (size > MAX_HAR_CHARS) throw new UsageError(`HAR file ${file} is ${size} bytes, over the ${MAX_HAR_CHARS} limit`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Checks a HAR file: findings per `Set-Cookie`, every session cookie decoded.
 *
 * @example
 * const r = await checkHar('capture.har', { policy: getPreset('django-default') });
 * r.findings // with the request that set each cookie: { rule, cookie, method, url, status, … }
 */
export async function checkHar(file: string, options: { policy: Policy; now?: number }): Promise<CheckResult> {
  const text = await readHar(file);
  let analysis: ReturnType<typeof analyzeHar>;
  try {
    analysis = analyzeHar(parseHar(text), options);
  } catch (e) {
    if (isSessionLensError(e)) throw new UsageError(`${file}: ${e.message} (${e.code})`);
    throw e;
  }
  const cookies: HarSessionCookie[] = [];
  for (const c of analysis.cookies) {
    if (c.kind !== 'session') continue;
    const d: HarSessionCookie = { name: c.name, source: c.source, method: c.method, url: c.url, status: c.status, seen: c.seen };
    const session = await decodeSession(c);
    if (session) d.session = session;
    cookies.push(d);
  }
  return { url: file, findings: analysis.findings, cookies, redirects: [], warnings: analysis.warnings };
}
