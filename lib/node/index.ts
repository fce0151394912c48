/**
 * What the Node contexts share — the CLI (lib/cli) and the companion server (lib/companion) — below
 * both of them, so neither imports the other: the codec's Node backend (node:crypto, node:zlib),
 * passed explicitly to every codec call; and where secrets come from (files, the environment,
 * the command line — warned about), read the same way by every command.
 *
 * @example
 * import { nodeBackend } from '../node/index.ts';
 * const r = await decode(value, { keys }, nodeBackend);
 */
export { nodeBackend } from './backend.ts';
export { readSecretFile, SECRET_FILE_MAX_BYTES, SecretSourceError, secretKeysOf, splitFallbacks, warnCommandLineSecret } from './secrets.ts';
