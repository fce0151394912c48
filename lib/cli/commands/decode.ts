import { isAscii } from 'node:buffer';
import {
  DEFAULT_LIMITS,
  DEFAULT_SALTS,
  LimitExceededError,
  decodeCookies,
  saltCandidates,
  decodeSessionData,
  stringifyJson,
  toErrorInfo,
  type DecodeOptions,
  type DecodeResult,
} from '../../codec/index.ts';
import { nodeBackend, secretKeysOf } from '../../node/index.ts';
import { EXAMPLE } from '../example.ts';
import { EXIT, UsageError, parseCommandArgs, type Command } from '../io.ts';
import { palette, type Palette } from '../format/text.ts';

const HELP = `Usage: session-lens decode [VALUE|-] [options]

Decodes session values: Django signed cookies and session_data (3.1+ and legacy), Flask,
express-session, cookie-session and JWT; Rails, Rack, Laravel, Starlette/FastAPI, Tornado,
Phoenix/Plug, Go gorilla/securecookie, iron-session, NextAuth/Auth.js and Yii2 cookies. VALUE
may be a bare value (quoted and escaped as DevTools shows it, too), name=value, a Set-Cookie
line, or a whole Cookie header: then every cookie is decoded with its name, session cookies
first. With '-' (or no VALUE and piped input) reads one value per line and answers each in order.

Options:
  --secret-file FILE  keys to verify with, one per line, newest first (SECRET_KEY, then the
                      SECRET_KEY_FALLBACKS); or SESSION_LENS_SECRET_KEY and
                      SESSION_LENS_SECRET_KEY_FALLBACKS (commas or newlines);
                      each framework's key as its config holds it: SECRET_KEY, secret_key_base,
                      APP_KEY ("base64:…" or raw), NEXTAUTH_SECRET, an iron-session password …
  --secret KEY        a key on the command line (visible in ps: warned); repeat for fallbacks
  --salt SALT         a custom salt, tried before Django's default salts; repeat it for
                      Phoenix's signing_salt and encryption_salt
  --cookie-name NAME  the cookie's name (set_signed_cookie salts, Rails purposes, Laravel
                      prefixes, Auth.js key salts, gorilla and Tornado v1 signatures)
  --max-age SECONDS   treat older timestamped values as expired (not verified)
  --session-data      read VALUE as a db/file session_data column (salt django.contrib.sessions.SessionStore first)
  --json              one JSON object per value, one per line
  --example           decode an embedded example (a real Django signed_cookies session) with its key
  -h, --help          this help

Exit status: 0 every value decoded (and verified, when keys were given); 1 a signature is bad
or expired; 2 unreadable input or a usage error.
`;

interface Answer {
  /** The cookie's name, when the input named it (`name=value`, a Cookie header). */
  cookie?: string;
  result?: DecodeResult;
  error?: { code: string; message: string };
}

/** The `--json` line for one value. */
function toJsonLine(a: Answer): string {
  if (a.error) return stringifyJson({ cookie: a.cookie, error: a.error });
  const r = a.result!;
  return stringifyJson({
    cookie: a.cookie,
    format: r.format,
    framework: r.framework,
    keyName: r.keyName,
    data: r.data,
    verified: r.verified,
    keyIndex: r.keyIndex,
    salt: r.salt,
    algorithm: r.algorithm,
    compressed: r.compressed,
    serializer: r.serializer,
    timestamp: r.timestamp,
    expired: r.expired,
    details: r.details,
    error: r.error ? toErrorInfo(r.error) : undefined,
  });
}

function age(ms: number): string {
  const s = Math.round(ms / 1000);
  const abs = Math.abs(s);
  const unit = abs < 120 ? `${abs} s` : abs < 7200 ? `${Math.round(abs / 60)} min` : abs < 172800 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86400)} days`;
  return s >= 0 ? `${unit} ago` : `in ${unit}`;
}

/** The readable view of one value. */
function toText(a: Answer, p: Palette, now: number): string {
  const named = a.cookie !== undefined ? `${p.bold('cookie')}     ${a.cookie}\n` : '';
  if (a.error) return `${named}${p.red('✘ cannot read')}  ${a.error.message} ${p.dim(`(${a.error.code})`)}\n`;
  const r = a.result!;
  const lines: string[] = named ? [named.slice(0, -1)] : [];
  const how = [r.details?.signer, r.compressed ? 'compressed' : undefined, r.serializer !== 'none' ? r.serializer : undefined].filter(Boolean);
  lines.push(`${p.bold('format')}     ${r.format}${how.length ? p.dim(` (${how.join(', ')})`) : ''}`);
  if (r.framework) lines.push(`${p.bold('framework')}  ${r.framework}${r.keyName ? p.dim(` — key: ${r.keyName}`) : ''}`);
  let sig: string;
  if (r.verified === true) sig = p.green(`✔ verified`) + p.dim(` — key ${r.keyIndex}${r.salt ? `, salt ${r.salt}` : ''}${r.algorithm ? `, ${r.algorithm}` : ''}`);
  else if (r.verified === false) sig = p.red(`✘ ${r.error?.code === 'ERR_SIGNATURE_EXPIRED' ? 'expired' : 'bad signature'}`) + p.dim(` — ${r.error?.message ?? ''}`);
  else if (r.keyName && r.data === null) sig = p.yellow('? encrypted') + p.dim(` — give --secret ${r.keyName} to decrypt`);
  else sig = p.yellow('? unverified') + p.dim(r.algorithm ? ` — ${r.algorithm}; give --secret to verify` : ' — no key given');
  lines.push(`${p.bold('signature')}  ${sig}`);
  if (r.timestamp) lines.push(`${p.bold('timestamp')}  ${r.timestamp.toISOString()} ${p.dim(`(${age(now - r.timestamp.getTime())})`)}${r.expired ? p.red(' expired') : ''}`);
  if (r.format === 'django-session-key') lines.push(p.dim('An opaque server-side session key: the data is in the server store (see `session-lens serve`).'));
  lines.push(`${p.bold('data')}`);
  lines.push(stringifyJson(r.data, 2));
  return `${lines.join('\n')}\n`;
}

function severity(a: Answer): number {
  if (a.error) return EXIT.usage;
  return a.result!.verified === false ? EXIT.failed : EXIT.ok;
}

/** A line longer than the input limit: reported, never held in memory whole. */
const TOO_LONG = Symbol('too long');

/**
 * The lines of a stream (LF or CRLF), a batch per chunk read (so the caller answers a chunk's
 * lines with one write), holding at most `max` characters of any one line: the rest of a longer
 * line is skipped and the line comes out as {@link TOO_LONG}.
 */
async function* boundedLines(stream: NodeJS.ReadableStream, max: number): AsyncGenerator<(string | typeof TOO_LONG)[]> {
  let line = '';
  let over = false;
  let decoder: TextDecoder | undefined;
  let read = false;
  for await (const chunk of stream) {
    let text: string;
    if (typeof chunk === 'string') text = chunk;
    // ASCII reads the same in any of them: Latin-1 is one native copy, several times the decoder's speed
    else if (!decoder && isAscii(chunk as Uint8Array)) text = Buffer.from((chunk as Uint8Array).buffer, (chunk as Uint8Array).byteOffset, (chunk as Uint8Array).byteLength).toString('latin1');
    else {
      // from the first other chunk on, the decoder (a BOM is dropped only at the very start, as before)
      decoder ??= new TextDecoder('utf-8', { ignoreBOM: read });
      text = decoder.decode(chunk as Uint8Array, { stream: true });
    }
    read = true;
    const batch: (string | typeof TOO_LONG)[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const piece = text.slice(start, nl);
      batch.push(over || line.length + piece.length > max ? TOO_LONG : stripCr(line + piece));
      line = '';
      over = false;
      start = nl + 1;
    }
    if (!over) {
      line += text.slice(start);
      if (line.length > max) {
        over = true;
        line = '';
      }
    }
    if (batch.length) yield batch;
  }
  if (over) yield [TOO_LONG];
  else if (line !== '') yield [stripCr(line)];
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** `session-lens decode`. */
export const decode: Command = async (argv, io) => {
  const { values, positionals } = parseCommandArgs(argv, {
    secret: { type: 'string', multiple: true },
    'secret-file': { type: 'string' },
    salt: { type: 'string', multiple: true },
    'cookie-name': { type: 'string' },
    'max-age': { type: 'string' },
    'session-data': { type: 'boolean' },
    json: { type: 'boolean' },
    example: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  if (positionals.length > 1) throw new UsageError('give one VALUE, or "-" to read values from standard input');
  let maxAge: number | undefined;
  if (values['max-age'] !== undefined) {
    maxAge = Number(values['max-age']);
    if (!Number.isFinite(maxAge) || maxAge < 0) throw new UsageError(`--max-age must be a number of seconds, not "${values['max-age']}"`);
  }
  const keys = secretKeysOf({ secret: values.secret, secretFile: values['secret-file'] }, io, 'decode');
  let single = positionals[0];
  if (values.example) {
    if (single !== undefined) throw new UsageError('--example takes no VALUE');
    single = EXAMPLE.value;
    if (keys.length === 0) keys.push(EXAMPLE.secretKey);
  }
  const [salt, ...moreSalts] = values.salt ?? [];
  const options: DecodeOptions = {
    keys,
    salt,
    // More than one --salt (Phoenix's two salts): the rest are tried too, then Django's session salts.
    ...(moreSalts.length ? { salts: [...moreSalts, DEFAULT_SALTS.signedCookies, DEFAULT_SALTS.sessionStore, DEFAULT_SALTS.signing] } : {}),
    cookieName: values['cookie-name'],
    maxAge,
  };
  const now = Date.now();
  /** One answer per value; a Cookie header gives one per cookie that decodes (session cookies first). */
  const answer = async (value: string): Promise<Answer[]> => {
    try {
      if (values['session-data']) return [{ result: await decodeSessionData(value, options, nodeBackend) }];
      const all = await decodeCookies(value, options, nodeBackend);
      const read = all.filter((c) => c.result);
      return (read.length ? read : all.slice(0, 1)).map((c) => ({
        ...(c.name !== undefined ? { cookie: c.name } : {}),
        ...(c.result ? { result: c.result } : { error: toErrorInfo(c.error) }),
      }));
    } catch (e) {
      return [{ error: toErrorInfo(e) }];
    }
  };
  const colors = palette(io.stdout, io.env);
  /** The answers' text, with their worst exit status. */
  const render = (as: Answer[]): [string, number] => {
    let out = '';
    let worst: number = EXIT.ok;
    const one = (a: Answer) => (values.json ? `${toJsonLine(a)}\n` : toText(a, colors, now));
    as.forEach((a, i) => {
      let text: string;
      try {
        text = one(a);
      } catch (e) {
        // an answer that cannot be written out is this value's error, never the end of the batch
        a = { ...(a.cookie !== undefined ? { cookie: a.cookie } : {}), error: toErrorInfo(e) };
        text = one(a);
      }
      out += (i && !values.json ? '\n' : '') + text;
      worst = Math.max(worst, severity(a));
    });
    return [out, worst];
  };
  let worst: number = EXIT.ok;
  if (single !== undefined && single !== '-') {
    const [out, status] = render(await answer(single));
    io.stdout.write(out);
    return status;
  }
  if (single === undefined && io.stdin.isTTY) throw new UsageError('no VALUE given (use "-" to read from standard input)');
  let first = true;
  // --json with keys: the common line (a verified Django JSON value) answered by the batch fast
  // path, any other by the general one below — the same bytes either way (lib/cli/batch/)
  const fast =
    values.json && !values['session-data'] && maxAge === undefined && keys.length > 0
      ? new (await import('../batch/fast-decode.ts')).BatchDecoder(keys, saltCandidates(options))
      : undefined;
  // one write per chunk read: a pipe's worth of lines answered at once, an interactive line at once
  for await (const batch of boundedLines(io.stdin, DEFAULT_LIMITS.maxInputLength)) {
    let out = '';
    for (const line of batch) {
      if (fast && line !== TOO_LONG && fast.line(line)) continue;
      if (line !== TOO_LONG && line.trim() === '') continue;
      if (!values.json && !first) out += '\n';
      first = false;
      const as: Answer[] =
        line === TOO_LONG
          ? [{ error: toErrorInfo(new LimitExceededError(`Input line is over the limit of ${DEFAULT_LIMITS.maxInputLength} characters`)) }]
          : await answer(line);
      const [text, status] = render(as);
      if (fast) fast.sink.text(text);
      else out += text;
      worst = Math.max(worst, status);
    }
    if (fast?.sink.len) io.stdout.write(fast.sink.take());
    else if (out) io.stdout.write(out);
  }
  return worst;
};
