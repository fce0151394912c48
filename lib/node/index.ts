/**
 * What the Node contexts share — the CLI (lib/cli) and the companion server (lib/companion) — below
 * both of them, so neither imports the other: the codec's Node backend (node:crypto, node:zlib),
 * passed explicitly to every codec call.
 *
 * @example
 * import { nodeBackend } from '../node/index.ts';
 * const r = await decode(value, { keys }, nodeBackend);
 */
export { nodeBackend } from './backend.ts';
