/**
 * `session-lens audit VALUE…`: checks Django signed values against public and weak SECRET_KEYs
 * (the bundled list plus any wordlist), over Django's default salts and sha256/sha1 (the
 * algorithm is known from the signature's length). A match is a critical finding: whoever knows
 * that key can forge sessions.
 *
 * Exit status: 1 a key was found, 0 none, 2 usage error or unreadable input.
 */
import { stat } from 'node:fs/promises';
import {
  b64Decode,
  COOKIE_SIGNER_KEY_PREFIX,
  decode,
  frameworkAuditSpec,
  frameworkDecoder,
  isSessionCookieName,
  normalizeValue,
  parseCookieHeader,
  parseSigned,
  saltCandidates,
  stringifyJson,
  type FrameworkAuditSpec,
  type ParsedSigned,
  type SessionValue,
} from '../../codec/index.ts';
import { frameworkFinding } from '../audit/framework-report.ts';
import { nodeBackend } from '../../node/index.ts';
import { runAudit, type AuditMatch, type AuditRun, type AuditSalt, type AuditTarget } from '../audit/run.ts';
import { palette, safeText } from '../format/text.ts';
import { EXIT, UsageError, parseCommandArgs, type CliIO, type Command } from '../io.ts';

const HELP = `Usage: session-lens audit VALUE… [options]

Checks Django signed values (signed_cookies sessions, signing.dumps, session_data, messages)
against SECRET_KEYs that are public or weak: a bundled list (placeholders from project
templates, tutorial and sample-project keys, common weak strings) plus any wordlist, over
Django's default salts, sha256 and sha1. Other frameworks' cookies (Rails, Rack, Laravel,
Starlette, Tornado, Phoenix with --salt, gorilla, iron-session, NextAuth, Yii2) are checked
against their own bundled list, the Django one and the wordlist. Uses every core.

Options:
  --wordlist FILE   more candidate keys, one per line (streamed; any size)
  --salt SALT       a custom salt, tried before the default salts; repeat it for Phoenix's
                    signing_salt and encryption_salt (every pair is tried)
  --cookie-name N   the cookie's name, for set_signed_cookie values (salt = name + salt);
                    gorilla, Tornado v1 and Auth.js cookies sign or salt with it
  --threads N       worker threads (default: every core)
  --no-bundled      skip the bundled list
  --json            machine-readable output
  -h, --help        this help

Exit status: 1 a key was found (critical), 0 none found, 2 usage error or unreadable input.
`;

const FIX = 'Rotate SECRET_KEY now (django.core.management.utils.get_random_secret_key()), keep it out of the repository, and do not list the old key in SECRET_KEY_FALLBACKS: every signed session and token must be re-issued.';

/** itsdangerous' default Signer salt (Starlette's SessionMiddleware). */
const ITSDANGEROUS_SALT = 'itsdangerous.Signer';

/** One value's answer. */
interface ValueReport {
  value: string;
  found: boolean;
  finding?: {
    rule: 'known-secret-key';
    severity: 'critical';
    message: string;
    fix: string;
    key: string;
    keySource: 'bundled' | 'wordlist';
    salt: string;
    signer: 'default' | 'cookie';
    algorithm: string;
    /** Other frameworks: the cookie's format and the setting its key lives in. */
    format?: string;
    setting?: string;
    /** The decoded session, as exact JSON text. */
    session?: SessionValue;
    verified?: boolean | null;
  };
}

function preview(v: string): string {
  return v.length > 40 ? `${v.slice(0, 28)}…${v.slice(-8)}` : v;
}

async function decodeWith(value: string, m: AuditMatch): Promise<{ data: SessionValue; verified: boolean | null } | undefined> {
  try {
    // The cookie signer's key is "django.http.cookies" + SECRET_KEY, with the default signer rules.
    const key = m.signer === 'cookie' ? `${COOKIE_SIGNER_KEY_PREFIX}${m.key}` : m.key;
    const r = await decode(value, { keys: [key], salts: [m.salt] }, nodeBackend);
    return { data: r.data, verified: r.verified };
  } catch {
    return undefined;
  }
}

/** The command's options, as parsed. */
interface AuditFlags {
  wordlist?: string | undefined;
  salt?: string[] | undefined;
  'cookie-name'?: string | undefined;
  threads?: string | undefined;
  'no-bundled'?: boolean | undefined;
  json?: boolean | undefined;
}

/** The thread count asked for, after checking the options that can be checked before the run. */
async function checkOptions(opts: AuditFlags): Promise<number | undefined> {
  let threads: number | undefined;
  if (opts.threads !== undefined) {
    if (!/^\d+$/.test(opts.threads) || Number(opts.threads) < 1 || Number(opts.threads) > 64) throw new UsageError(`--threads must be 1 to 64, not "${opts.threads}"`);
    threads = Number(opts.threads);
  }
  if (opts.wordlist !== undefined) {
    try {
      const s = await stat(opts.wordlist);
      if (!s.isFile()) throw new Error('not a file');
    } catch (e) {
      throw new UsageError(`cannot read wordlist ${opts.wordlist}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  if (opts['no-bundled'] && opts.wordlist === undefined) throw new UsageError('--no-bundled needs --wordlist: there would be no key to try');
  return threads;
}

/** Where a value went in the run: Django targets first, then other frameworks'. */
interface Slot {
  framework: boolean;
  index: number;
  starlette?: FrameworkAuditSpec;
}

/** What the run checks, value by value. */
interface AuditPlan {
  targets: AuditTarget[];
  frameworks: FrameworkAuditSpec[];
  /** Per value: its target number in the run. */
  slots: Slot[];
  /** Cookie names given by pasted `name=value` / Set-Cookie / Cookie lines: their set_signed_cookie salts are tried too. */
  pastedNames: Set<string>;
}

/** Another framework's cookie (Rails, Laravel, …), pasted alone or as a cookie line: its slot in the plan. */
function planFramework(plan: AuditPlan, i: number, raw: string, framework: string, opts: AuditFlags): void {
  const spec = frameworkAuditSpec(framework, {
    ...(opts['cookie-name'] === undefined ? {} : { cookieName: opts['cookie-name'] }),
    ...(opts.salt === undefined ? {} : { salts: opts.salt }),
  });
  if (!spec) throw new UsageError(`value ${i + 1} (${safeText(preview(raw.trim()))}) is a cookie the audit cannot check alone (Phoenix: give its signing_salt, and encryption_salt when encrypted, with --salt)`);
  if (spec.format === 'starlette' && spec.check.kind === 'hmac') {
    // itsdangerous' key derivation (SHA1(salt + "signer" + key), then HMAC-SHA1) is Django's
    // salted_hmac: the Django engine checks it, with the salt "itsdangerous.Signer".
    plan.slots.push({ framework: false, index: plan.targets.length, starlette: spec });
    plan.targets.push({ signedPart: new TextDecoder().decode(spec.check.message), signature: spec.check.mac, algorithm: 'sha1' });
    return;
  }
  plan.slots.push({ framework: true, index: plan.frameworks.length });
  plan.frameworks.push(spec);
}

/** A Django signed value, alone, quoted or in a cookie line: its slot in the plan. */
function planDjango(plan: AuditPlan, i: number, raw: string): void {
  // a quoted value as DevTools shows it is unquoted as Django reads it; a pasted cookie line gives its name
  let value = normalizeValue(raw);
  if (!value.includes(':') || parseCookieHeader(raw).length > 0) {
    const pairs = parseCookieHeader(raw);
    const pair = pairs.find((c) => isSessionCookieName(c.name) && c.value.includes(':')) ?? pairs.find((c) => c.value.includes(':'));
    if (pair) {
      value = normalizeValue(pair.value);
      plan.pastedNames.add(pair.name);
    }
  }
  let p: ParsedSigned;
  try {
    p = parseSigned(value);
  } catch (e) {
    throw new UsageError(`value ${i + 1} (${safeText(preview(value))}) is not a Django signed value: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!p.algorithm) throw new UsageError(`value ${i + 1}: a ${p.signature.length}-character signature is not sha256, sha1, sha384 or sha512`);
  plan.slots.push({ framework: false, index: plan.targets.length });
  plan.targets.push({ signedPart: p.signedPart, signature: b64Decode(p.signature), algorithm: p.algorithm });
}

/** Reads every value given into what the run checks; a value that cannot be audited is a usage error. */
function planAudit(positionals: readonly string[], opts: AuditFlags): AuditPlan {
  const plan: AuditPlan = { targets: [], frameworks: [], slots: [], pastedNames: new Set() };
  for (const [i, raw] of positionals.entries()) {
    const framework = [normalizeValue(raw), ...parseCookieHeader(raw).map((c) => normalizeValue(c.value))].find((v) => frameworkDecoder(v));
    if (framework) planFramework(plan, i, raw, framework, opts);
    else planDjango(plan, i, raw);
  }
  return plan;
}

/** The salts to try: `--salt`, then Django's defaults, for each cookie name given (and itsdangerous' for Starlette). */
function auditSalts(plan: AuditPlan, opts: AuditFlags): AuditSalt[] {
  const names = opts['cookie-name'] === undefined ? [...plan.pastedNames] : [opts['cookie-name'], ...plan.pastedNames];
  const salts: AuditSalt[] = [];
  for (const cookieName of names.length ? names : [undefined]) {
    for (const salt of opts.salt?.length ? opts.salt : [undefined]) {
      for (const c of saltCandidates({ ...(salt === undefined ? {} : { salt }), ...(cookieName === undefined ? {} : { cookieName }) })) {
        if (!salts.some((x) => x.salt === c.salt && x.signer === c.signer)) salts.push(c);
      }
    }
  }
  if (plan.slots.some((s) => s.starlette)) salts.push({ salt: ITSDANGEROUS_SALT, signer: 'default' });
  return salts;
}

/** One report per value given, in order: the key found (with the decoded session) or none. */
async function buildReports(positionals: readonly string[], plan: AuditPlan, run: AuditRun, opts: AuditFlags): Promise<ValueReport[]> {
  const globalTarget = (slot: Slot) => (slot.framework ? plan.targets.length + slot.index : slot.index);
  const reports: ValueReport[] = [];
  for (const [i, raw] of positionals.entries()) {
    const value = raw.trim();
    const slot = plan.slots[i]!;
    const m = run.matches.find((x) => x.target === globalTarget(slot));
    if (!m) {
      reports.push({ value, found: false });
      continue;
    }
    if (slot.starlette) m.framework = { format: 'starlette', setting: slot.starlette.setting, note: `salt ${ITSDANGEROUS_SALT}` };
    if (m.framework) {
      const f = await frameworkFinding(normalizeValue(value), m, {
        ...(opts['cookie-name'] === undefined ? {} : { cookieName: opts['cookie-name'] }),
        ...(opts.salt === undefined ? {} : { salts: opts.salt }),
      });
      reports.push({ value, found: true, finding: { rule: 'known-secret-key', severity: 'critical', key: m.key, keySource: m.source, salt: m.salt, signer: 'default', ...f } });
      continue;
    }
    const decoded = await decodeWith(value, m);
    const algorithm = plan.targets[slot.index]!.algorithm;
    reports.push({
      value,
      found: true,
      finding: {
        rule: 'known-secret-key',
        severity: 'critical',
        message: `Signed with a ${m.source === 'bundled' ? 'publicly known' : 'wordlist'} SECRET_KEY: whoever knows it can forge sessions.`,
        fix: FIX,
        key: m.key,
        keySource: m.source,
        salt: m.salt,
        signer: m.signer,
        algorithm,
        ...(decoded ? { session: decoded.data, verified: decoded.verified } : {}),
      },
    });
  }
  return reports;
}

/** The reports as text for a person (colours only on a terminal), ending with the run's figures. */
function formatText(io: CliIO, reports: readonly ValueReport[], run: AuditRun, saltCount: number): string {
  const o = palette(io.stdout, io.env);
  const lines: string[] = [];
  reports.forEach((r, i) => {
    const head = `value ${i + 1} ${o.dim(safeText(preview(r.value)))}`;
    if (!r.finding) {
      lines.push(`${head}\n  ${o.green('no known or weak key found')}`);
      return;
    }
    const f = r.finding;
    lines.push(
      [
        head,
        `  ${o.severity('critical', 'CRITICAL')} ${safeText(f.message)}`,
        `  key:     ${o.bold(JSON.stringify(f.key))} (${f.keySource === 'bundled' ? 'bundled list' : 'wordlist'})`,
        ...(f.format ? [`  format:  ${f.format} (${safeText(f.setting ?? '')})`] : []),
        ...(f.salt ? [`  salt:    ${safeText(f.salt)}${f.signer === 'cookie' ? ' (cookie signer: key "django.http.cookies" + SECRET_KEY)' : ''}`] : []),
        `  algo:    ${f.algorithm}`,
        ...(f.session !== undefined ? [`  session: ${safeText(stringifyJson(f.session))}`] : []),
        `  fix:     ${f.fix}`,
      ].join('\n'),
    );
  });
  lines.push(
    o.dim(
      `tried ${run.tried.toLocaleString('en')} keys × ${saltCount} salts in ${run.seconds.toFixed(2)} s (${Math.round(run.keysPerSecond).toLocaleString('en')} keys/s, ${run.threads} threads, ${run.engine})`,
    ),
  );
  return `${lines.join('\n\n')}\n`;
}

/** The `audit` command. */
export const audit: Command = async (argv: string[], io: CliIO): Promise<number> => {
  const parsed = parseCommandArgs(argv, {
    wordlist: { type: 'string' },
    salt: { type: 'string', multiple: true },
    'cookie-name': { type: 'string' },
    threads: { type: 'string' },
    'no-bundled': { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  const { values: opts, positionals } = parsed;
  if (opts.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError('give at least one signed value');
  const threads = await checkOptions(opts);
  const plan = planAudit(positionals, opts);
  const { targets, frameworks, slots } = plan;
  const salts = auditSalts(plan, opts);

  const c = palette(io.stderr, io.env);
  const tty = Boolean(io.stderr.isTTY) && !opts.json;
  const run = await runAudit({
    targets,
    salts,
    ...(frameworks.length ? { frameworks } : {}),
    frameworkKeys: frameworks.length > 0 || slots.some((s) => s.starlette),
    ...(opts.wordlist === undefined ? {} : { wordlist: opts.wordlist }),
    bundled: !opts['no-bundled'],
    ...(threads === undefined ? {} : { threads }),
    ...(tty
      ? {
          onProgress: (p) =>
            io.stderr.write(`\r${c.dim(`tried ${p.tried.toLocaleString('en')} keys, ${Math.round(p.keysPerSecond).toLocaleString('en')}/s, found ${p.found}/${positionals.length}`)}\x1b[K`),
        }
      : {}),
  });
  if (tty) io.stderr.write('\r\x1b[K');

  const reports = await buildReports(positionals, plan, run, opts);
  if (opts.json) {
    const out = {
      tried: run.tried,
      salts: salts.length,
      seconds: Math.round(run.seconds * 1000) / 1000,
      keysPerSecond: Math.round(run.keysPerSecond),
      threads: run.threads,
      engine: run.engine,
      results: reports,
    };
    io.stdout.write(`${stringifyJson(out, 2)}\n`);
  } else {
    io.stdout.write(formatText(io, reports, run, salts.length));
  }
  return reports.some((r) => r.found) ? EXIT.failed : EXIT.ok;
};
