import type { KeyBatch } from '../../lib/cli/audit/framework-simd.ts';

/**
 * Candidate keys as the audit workers hold them: slices of one buffer, starts and lengths in
 * Int32Arrays. `lead` bytes before the first key put the slices at a non-zero offset of their
 * ArrayBuffer (what a wordlist range read into a reused buffer gives).
 *
 * @example keyBatch([Buffer.from('a'), Buffer.from('bc')]) // { src, starts: [0, 1], lengths: [1, 2], count: 2 }
 */
export function keyBatch(keys: readonly Uint8Array[], lead = 0): KeyBatch & { src: Buffer; starts: Int32Array; lengths: Int32Array } {
  const starts = new Int32Array(keys.length);
  const lengths = new Int32Array(keys.length);
  let at = 0;
  keys.forEach((k, i) => {
    starts[i] = at;
    lengths[i] = k.length;
    at += k.length;
  });
  const whole = Buffer.concat([Buffer.alloc(lead, 0x78), ...keys]);
  return { src: whole.subarray(lead), starts, lengths, count: keys.length };
}
