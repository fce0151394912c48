import { DEFAULT_LIMITS, dumpsSerialized, encodeLegacySessionData, pythonJson, toErrorInfo, type SignatureAlgorithm } from '../../codec/index.ts';
import { EXIT, UsageError, parseCommandArgs, type Command } from '../io.ts';
import { nodeBackend, secretKeysOf } from '../../node/index.ts';

const HELP = `Usage: session-lens sign --secret-file FILE [options] JSON

Signs a session the way Django does, byte for byte (for forging test sessions in local development).
JSON is the session as JSON text ('-' reads it from standard input).

Options:
  --secret-file FILE the SECRET_KEY to sign with, on the file's first line (or SESSION_LENS_SECRET_KEY)
  --secret KEY       the same on the command line (visible in ps: warned)
  --salt SALT        default 'django.core.signing' (signing.dumps); a signed_cookies session uses
                     'django.contrib.sessions.backends.signed_cookies', db/file session_data
                     'django.contrib.sessions.SessionStore'
  --compress         zlib-compress when it saves space, as signing.dumps(compress=True)
  --legacy           write the pre-3.1 session_data format (base64 of sha1-hash:json) instead
  --algorithm ALG    sha256 (default), sha1 (Django 3.1–3.2 with DEFAULT_HASHING_ALGORITHM='sha1'), sha384 or sha512
  --timestamp SECS   sign as of this Unix time (default: now)
  -h, --help         this help

Examples:
  session-lens sign --secret-file ./secret_key.txt --salt django.contrib.sessions.backends.signed_cookies --compress '{"_auth_user_id":"1"}'
`;

/** Standard input as text, refused past the codec's input limit (never read whole). */
async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let s = '';
  for await (const chunk of stream) {
    s += chunk.toString();
    if (s.length > DEFAULT_LIMITS.maxInputLength) throw new UsageError(`the JSON is over the limit of ${DEFAULT_LIMITS.maxInputLength} characters`);
  }
  return s;
}

/** `session-lens sign`. */
export const sign: Command = async (argv, io) => {
  const parsed = parseCommandArgs(argv, {
    secret: { type: 'string' },
    'secret-file': { type: 'string' },
    salt: { type: 'string' },
    compress: { type: 'boolean' },
    legacy: { type: 'boolean' },
    algorithm: { type: 'string' },
    timestamp: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  const [key] = secretKeysOf({ secret: values.secret === undefined ? undefined : [values.secret], secretFile: values['secret-file'] }, io, 'sign');
  if (!key) throw new UsageError('a key is required: --secret-file FILE, SESSION_LENS_SECRET_KEY or --secret');
  if (positionals.length !== 1) throw new UsageError('give the session as one JSON argument (or "-")');
  const algorithm = (values.algorithm ?? 'sha256') as SignatureAlgorithm;
  if (!['sha256', 'sha1', 'sha384', 'sha512'].includes(algorithm)) throw new UsageError(`--algorithm must be sha256, sha1, sha384 or sha512, not "${values.algorithm}"`);
  let timestamp: number | undefined;
  if (values.timestamp !== undefined) {
    timestamp = Number(values.timestamp);
    if (!Number.isSafeInteger(timestamp)) throw new UsageError('--timestamp must be whole seconds since the epoch');
  }
  const text = positionals[0] === '-' ? await readAll(io.stdin) : positionals[0]!;
  let serialized: Uint8Array;
  try {
    serialized = new TextEncoder().encode(pythonJson(text));
  } catch (e) {
    io.stderr.write(`session-lens sign: ${toErrorInfo(e).message}\n`);
    return EXIT.usage;
  }
  if (values.legacy) {
    const storeClass = values.salt?.startsWith('django.contrib.sessions.') ? values.salt.slice('django.contrib.sessions.'.length) : undefined;
    io.stdout.write(`${await encodeLegacySessionData({ serialized }, { key, storeClass, backend: nodeBackend })}\n`);
    return EXIT.ok;
  }
  io.stdout.write(`${await dumpsSerialized(serialized, { key, salt: values.salt, compress: values.compress, algorithm, timestamp, backend: nodeBackend })}\n`);
  return EXIT.ok;
};
