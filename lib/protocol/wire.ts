/**
 * What every message family shares: the error codes and the `{ ok: false, code, message }` wire
 * error, the port shape both runtime ports and the in-memory transport provide, and short text
 * for zod errors.
 */
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
] as const;

/** One of {@link PROTOCOL_ERROR_CODES}. */
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

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
