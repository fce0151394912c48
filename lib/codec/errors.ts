/**
 * Typed codec errors, after panva/jose's src/util/errors.ts and Django's signing.py.
 *
 * Two kinds are kept apart: "cannot parse" ({@link MalformedInputError} and the limits) versus
 * "does not verify" ({@link BadSignatureError}, {@link SignatureExpiredError}). Messages name the
 * offending piece of input, never a secret.
 */

/** Every stable error code the codec can raise. */
export type SessionLensErrorCode =
  | 'ERR_MALFORMED'
  | 'ERR_BAD_SIGNATURE'
  | 'ERR_SIGNATURE_EXPIRED'
  | 'ERR_DECOMPRESSION_LIMIT'
  | 'ERR_LIMIT_EXCEEDED'
  | 'ERR_PICKLE_UNSUPPORTED'
  | 'ERR_UNKNOWN_FORMAT'
  | 'ERR_INVALID';

/**
 * Base class of every error Session Lens raises on purpose.
 *
 * @example
 * try { await loads(value, { keys }) } catch (e) { if (isSessionLensError(e)) console.log(e.code) }
 */
export class SessionLensError extends Error {
  /** A stable, machine-readable code. */
  readonly code: SessionLensErrorCode = 'ERR_MALFORMED';
  static readonly defaultMessage: string = 'Session Lens error';

  constructor(message?: string, options?: { cause?: unknown }) {
    super(message ?? (new.target as typeof SessionLensError).defaultMessage, options);
    this.name = new.target.name;
  }

  /** The `{ code, message }` shape used on the wire and in `--json` output. */
  toJSON(): { code: SessionLensErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** The input cannot be parsed as the format it claims to be (bad base64, JSON, zlib, pickle…). */
export class MalformedInputError extends SessionLensError {
  override readonly code = 'ERR_MALFORMED' as const;
  static override readonly defaultMessage = 'Malformed input';
}


/** One problem with a field: its path (`sites[0].maxAge`; empty for the whole value) and why. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/**
 * A value that does not validate (a policy, the extension's settings …): `issues` lists every bad
 * field, as zod reported it. The message names the fields, never a secret value.
 *
 * @example
 * throw new ValidationError([{ path: 'maxAge', message: 'must be positive' }], 'policy'); // "Invalid policy: maxAge: must be positive"
 */
export class ValidationError extends SessionLensError {
  override readonly code = 'ERR_INVALID' as const;
  static override readonly defaultMessage = 'Invalid value';
  constructor(
    readonly issues: ValidationIssue[],
    what = 'value',
  ) {
    super(`Invalid ${what}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
  }
}

/** The input is recognised as no supported format. */
export class UnknownFormatError extends SessionLensError {
  override readonly code = 'ERR_UNKNOWN_FORMAT' as const;
  static override readonly defaultMessage = 'Not a recognised session format';
}

/** The signature does not match under any key and salt tried (Django: `BadSignature`). */
export class BadSignatureError extends SessionLensError {
  override readonly code = 'ERR_BAD_SIGNATURE' as const;
  static override readonly defaultMessage = 'Signature does not match';
}

/** The signature is good but older than `maxAge` (Django: `SignatureExpired`). */
export class SignatureExpiredError extends SessionLensError {
  override readonly code = 'ERR_SIGNATURE_EXPIRED' as const;
  static override readonly defaultMessage = 'Signature has expired';
  constructor(
    message: string | undefined,
    /** Age of the value in seconds. */
    readonly age: number,
    /** The maximum age it was held to, in seconds. */
    readonly maxAge: number,
    options?: { cause?: unknown },
  ) {
    super(message ?? `Signature age ${age} > ${maxAge} seconds`, options);
  }
}

/** A compressed payload inflates past the decompressed-size cap (a zip bomb stops here). */
export class DecompressionLimitError extends SessionLensError {
  override readonly code = 'ERR_DECOMPRESSION_LIMIT' as const;
  static override readonly defaultMessage = 'Decompressed payload exceeds the size limit';
}

/** Input length, nesting depth, item count or pickle memo size exceeds its limit. */
export class LimitExceededError extends SessionLensError {
  override readonly code = 'ERR_LIMIT_EXCEEDED' as const;
  static override readonly defaultMessage = 'Input exceeds a safety limit';
}

/** A pickle uses an opcode this safe reader refuses to interpret (it never executes code). */
export class UnsupportedPickleError extends SessionLensError {
  override readonly code = 'ERR_PICKLE_UNSUPPORTED' as const;
  static override readonly defaultMessage = 'Unsupported pickle opcode';
}

/** True for any error Session Lens raised on purpose. */
export function isSessionLensError(e: unknown): e is SessionLensError {
  return e instanceof SessionLensError;
}

/**
 * Turns anything thrown into the wire shape `{ code, message }`. Unexpected errors become
 * `ERR_MALFORMED` with a generic message so internals never leak.
 */
export function toErrorInfo(e: unknown): { code: SessionLensErrorCode; message: string } {
  if (isSessionLensError(e)) return e.toJSON();
  return { code: 'ERR_MALFORMED', message: 'Malformed input' };
}
