/**
 * The background's message router: validates every request with the protocol's zod schemas,
 * dispatches it to a handler and turns anything thrown into `{ ok: false, code, message }`.
 * Pure: no browser.* here, so tests run it in memory.
 */
import { isSessionLensError } from '../codec/index.ts';
import {
  ProtocolError,
  parseRequest,
  type ParsedParams,
  type RequestType,
  type ResponseData,
  type WireResponse,
} from '../protocol/index.ts';

/** Who sent a request (from runtime.onMessage's sender), when known. */
export interface RequestContext {
  tabId?: number;
  url?: string;
}

/** One handler per request type. */
export type Handlers = {
  [T in RequestType]: (params: ParsedParams<T>, ctx: RequestContext) => Promise<ResponseData<T>> | ResponseData<T>;
};

/** The router: one entry point for raw messages. */
export interface Router {
  handle(raw: unknown, ctx?: RequestContext): Promise<WireResponse>;
}

/**
 * Builds a router over a complete handler map.
 *
 * @example
 * const router = createRouter(handlers);
 * await router.handle({ type: 'timeline/get', site: 'http://localhost:8000' }); // { ok: true, data: … }
 */
export function createRouter(handlers: Handlers, onUnexpected?: (type: string, error: unknown) => void): Router {
  return {
    async handle(raw, ctx = {}) {
      const parsed = parseRequest(raw);
      if (!parsed.ok) return parsed;
      const handler = handlers[parsed.type] as (params: unknown, ctx: RequestContext) => unknown;
      try {
        const data = (await handler(parsed.params, ctx)) as ResponseData<RequestType>;
        return { ok: true, data };
      } catch (e) {
        return errorToWire(parsed.type, e, onUnexpected);
      }
    },
  };
}

/**
 * Turns a thrown value into the wire error. Codec and protocol errors keep their code and message;
 * anything else becomes `ERR_INTERNAL` with a generic message so internals never leak.
 *
 * @example
 * errorToWire('session/decode', new ProtocolError('ERR_NO_TAB', 'No tab 3')) // { ok: false, code: 'ERR_NO_TAB', … }
 */
export function errorToWire(
  type: string,
  e: unknown,
  onUnexpected?: (type: string, error: unknown) => void,
): { ok: false; code: string; message: string } {
  if (e instanceof ProtocolError) return { ok: false, code: e.code, message: e.message };
  if (isSessionLensError(e)) return { ok: false, ...e.toJSON() };
  onUnexpected?.(type, e);
  return { ok: false, code: 'ERR_INTERNAL', message: `"${type}" failed unexpectedly` };
}
