/** Safety limits applied to hostile input. Every decode function accepts `Partial<Limits>`. */
export interface Limits {
  /** Longest input string accepted, in characters. Cookies are ≤ 4096 bytes; session_data can be larger. */
  maxInputLength: number;
  /** Largest decompressed payload, in bytes (zip-bomb cap). */
  maxDecompressedSize: number;
  /** Deepest nesting of containers in JSON or pickle. */
  maxDepth: number;
  /** Most entries in a pickle memo. */
  maxPickleMemo: number;
  /** Most values (containers and scalars) one payload may produce. */
  maxItems: number;
}

/** Defaults: generous for real sessions, small enough that hostile input stays cheap. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxInputLength: 1024 * 1024,
  maxDecompressedSize: 8 * 1024 * 1024,
  maxDepth: 200,
  maxPickleMemo: 100_000,
  maxItems: 1_000_000,
});

/** Fills in the defaults for any limit not given. */
export function resolveLimits(limits?: Partial<Limits>): Limits {
  return limits ? { ...DEFAULT_LIMITS, ...limits } : DEFAULT_LIMITS;
}
