/**
 * lib/codec: Django's session wire formats (and other frameworks'), isomorphic.
 * Runs unchanged in the panel, the service worker and Node: web standards only.
 * The one door: code outside lib/codec imports from here, and only what is listed here is public
 * (the per-format readers behind `decode`, the backend default and the key-order helpers stay inside).
 *
 * @example
 * import { decode, stringifyJson } from '../codec/index.ts';
 * const r = await decode(cookie, { keys: [SECRET_KEY] });
 */
export { decode, decodeCookies, normalizeValue, type NamedDecodeResult } from './decode.ts';
export { unquoteCookieValue, parseCookieHeader, isSessionCookieName, type CookiePair } from './cookie-text.ts';
export { decodeSessionData, encodeLegacySessionData } from './session-data.ts';
export {
  loads,
  dumps,
  dumpsSerialized,
  parseSigned,
  signature,
  saltCandidates,
  DEFAULT_SALTS,
  COOKIE_SIGNER_KEY_PREFIX,
  type ParsedSigned,
  type SaltCandidate,
  type SignatureMatch,
  type LoadsOptions,
  type DumpsOptions,
} from './signing.ts';
export { unpickle } from './pickle.ts';
export { pickleDumps } from './pickle-write.ts';
export { unmarshal } from './marshal.ts';
export { phpUnserialize } from './php-serialize.ts';
export { binaryToTerm } from './erlang-term.ts';
export { FLASK_RE } from './flask.ts';
export { EXPRESS_RE } from './express-session.ts';
export {
  frameworkDecoder,
  detectFramework,
  decodeRailsEncrypted,
  decodeRailsSigned,
  decodeLaravel,
  laravelKey,
  decodeStarlette,
  decodeTornado,
  decodePhoenixSigned,
  decodePhoenixEncrypted,
  decodeGorilla,
  decodeIron,
  decodeNextAuth,
  decodeYii2,
  frameworkAuditSpec,
  type FrameworkDecoder,
  type FrameworkAuditSpec,
  type AuditCheck,
  type KeyDerivation,
} from './frameworks/index.ts';
export { parseJson, parseExactJson, stringifyJson, stringifyPython, pythonJson, type ExactJson } from './json.ts';
export { b64Encode, b64Decode, stdB64Encode, stdB64Decode } from './base64.ts';
export { b62Encode, b62Decode } from './base62.ts';
export { findSignerPair, type FoundPair } from './signer-pairs.ts';
export {
  webBackend,
  type CodecBackend,
  type HashName,
} from './backend.ts';
export {
  SessionLensError,
  MalformedInputError,
  UnknownFormatError,
  BadSignatureError,
  SignatureExpiredError,
  DecompressionLimitError,
  LimitExceededError,
  UnsupportedPickleError,
  ValidationError,
  isSessionLensError,
  toErrorInfo,
  type SessionLensErrorCode,
  type ValidationIssue,
} from './errors.ts';
export { DEFAULT_LIMITS, resolveLimits, type Limits } from './limits.ts';
export {
  PyObject,
  isSessionObject,
  pyBytesRepr,
  pyFloat,
  pyFloatRepr,
  pyTuple,
  toNumber,
  sessionKeys,
  type SessionValue,
  type SessionObject,
  type PyObjectFields,
} from './value.ts';
export type { DecodeOptions, DecodeResult, Keyring, SessionFormat, FrameworkFormat, Serializer, SignatureAlgorithm } from './types.ts';
