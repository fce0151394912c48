/**
 * The `Date` of a time read from a value, or `undefined` when a `Date` cannot hold it (beyond
 * ±8.64e15 ms of the epoch, ECMA-262 §21.4.1.22; NaN): a forged or corrupt timestamp is then
 * simply not shown, rather than an Invalid Date that throws where it is written out.
 *
 * @example dateOf(1700000000 * 1000)?.toISOString() // '2023-11-14T22:13:20.000Z'
 * @example dateOf(1e20) // undefined
 */
export function dateOf(ms: number): Date | undefined {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms) : undefined;
}
