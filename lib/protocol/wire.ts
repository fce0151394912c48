/**
 * What every message family shares: the error codes and the `{ ok: false, code, message }` wire
 * error, the port shape both runtime ports and the in-memory transport provide, and short text
 * for zod errors.
 */
import type { SessionLensErrorCode } from '../codec/index.ts';
import { z } from './zod.ts';

/** Error codes the protocol adds to the codec's own. */
export const PROTOCOL_ERROR_CODES = [
  'ERR_BAD_REQUEST',
  'ERR_BAD_RESPONSE',
  'ERR_NO_TAB',
  'ERR_NOT_CONFIGURED',
  'ERR_COMPANION',
  'ERR_TRANSPORT',
  'ERR_INTERNAL',
  /** No host access to the site whose cookies were to change. */
  'ERR_NO_ACCESS',
  /** The cookie is not (or no longer, with that value) in the jar. */
  'ERR_NOT_FOUND',
  /** The browser refused to write the cookie. */
  'ERR_COOKIE_WRITE',
  /** The session cannot be re-signed: no stored key verified it, or its format cannot be written exactly. */
  'ERR_NOT_SIGNABLE',
] as const;

/** One of {@link PROTOCOL_ERROR_CODES}. */
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

/** The codec's error codes, as they may arrive on the wire. */
export const CODEC_ERROR_CODES = [
  'ERR_MALFORMED',
  'ERR_BAD_SIGNATURE',
  'ERR_SIGNATURE_EXPIRED',
  'ERR_DECOMPRESSION_LIMIT',
  'ERR_LIMIT_EXCEEDED',
  'ERR_PICKLE_UNSUPPORTED',
  'ERR_UNKNOWN_FORMAT',
  'ERR_INVALID',
] as const satisfies readonly SessionLensErrorCode[];
// Every codec code is listed (a new one fails to compile here until it is).
const _everyCodecCode: [Exclude<SessionLensErrorCode, (typeof CODEC_ERROR_CODES)[number]>] extends [never] ? true : false = true;
void _everyCodecCode;

/** Every code a `{ ok: false }` answer may carry: the codec's and the protocol's. */
export type WireErrorCode = ProtocolErrorCode | SessionLensErrorCode;

const WIRE_ERROR_CODES: ReadonlySet<string> = new Set([...PROTOCOL_ERROR_CODES, ...CODEC_ERROR_CODES]);

/**
 * True for a code this protocol knows.
 *
 * @example
 * isWireErrorCode('ERR_NO_TAB') // true
 */
export function isWireErrorCode(code: string): code is WireErrorCode {
  return WIRE_ERROR_CODES.has(code);
}

/**
 * The protocol's one error: thrown by the background's handlers on purpose (its code and message
 * go on the wire as they are) and by the client for every `{ ok: false }` answer.
 *
 * @example
 * throw new ProtocolError('ERR_NO_TAB', 'No tab 42');
 * try { await client.decode('x') } catch (e) { if (e instanceof ProtocolError) console.log(e.code) }
 */
export class ProtocolError extends Error {
  constructor(
    readonly code: WireErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }

  /** The `{ code, message }` the wire carries. */
  toJSON(): { code: WireErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** A failure on the wire. */
export const WireErrorSchema = z.object({ ok: z.literal(false), code: z.string(), message: z.string() });
export type WireError = z.infer<typeof WireErrorSchema>;

/** A port as both runtime ports and the in-memory transport provide it. */
export interface PortLike {
  readonly name: string;
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(cb: (message: unknown) => void): void; removeListener(cb: (message: unknown) => void): void };
  onDisconnect: { addListener(cb: () => void): void; removeListener(cb: () => void): void };
}

/**
 * Short text for a zod error: the first three issues with their paths.
 *
 * @example
 * formatZodError({ issues: [{ path: ['tabId'], message: 'Invalid input' }] }) // 'tabId: Invalid input'
 */
export function formatZodError(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}
