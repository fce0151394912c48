/**
 * Timestamps beyond what a `Date` holds (±8.64e15 ms): a forged or corrupt value decodes without a
 * timestamp instead of an Invalid Date that throws when the answer is written out — and `decode -`
 * answers the lines after it.
 */
import { createHash, createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decode as decodeCommand } from '../../../lib/cli/commands/decode.ts';
import { decode, stringifyJson } from '../../../lib/codec/index.ts';
import { dateOf } from '../../../lib/codec/time.ts';
import { sink } from '../../support/sink.ts';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');

describe('dateOf', () => {
  it('keeps every time a Date holds and refuses the rest', () => {
    expect(dateOf(8.64e15)?.toISOString()).toBe('+275760-09-13T00:00:00.000Z');
    expect(dateOf(-8.64e15)?.toISOString()).toBe('-271821-04-20T00:00:00.000Z');
    for (const ms of [8.64e15 + 1, -8.64e15 - 1, 1e300, Infinity, NaN]) expect(dateOf(ms)).toBeUndefined();
  });
});

describe('values with a timestamp no Date holds', () => {
  const values: [string, string][] = [
    // TimestampSigner: "zzzzzzzzz" is 62^9 − 1 ≈ 1.35e16 seconds
    ['Django signed', 'eyJhIjoxfQ:zzzzzzzzz:abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq'],
    ['JWT iat 1e300', `${b64('{"alg":"HS256","typ":"JWT"}')}.${b64('{"iat":1e300,"sub":"1"}')}.${'A'.repeat(43)}`],
    ['Tornado v2', `2|1:0|20:99999999999999999999|7:session|4:${b64('x').replace(/=+$/, '')}==|${'a'.repeat(64)}`],
  ];
  it.each(values)('%s: decoded, no timestamp, written out', async (_, value) => {
    const r = await decode(value);
    expect(r.timestamp).toBeUndefined();
    expect(() => stringifyJson({ timestamp: r.timestamp, data: r.data })).not.toThrow();
  });

  it('decode --json - answers every line around one', async () => {
    const key = 'k'.repeat(50);
    const good = 'eyJhIjoxfQ:1r31eq:';
    const salt = 'django.core.signing';
    const sig = (signed: string) => signerSig(key, salt, signed);
    const lines = [`${good}${sig('eyJhIjoxfQ:1r31eq')}`, `eyJhIjoxfQ:zzzzzzzzz:${sig('eyJhIjoxfQ:zzzzzzzzz')}`, `${good}${sig('eyJhIjoxfQ:1r31eq')}`];
    const stdout = sink();
    const code = await decodeCommand(['--json', '-'], { stdout, stderr: sink(), stdin: Readable.from([lines.join('\n')]), env: { SESSION_LENS_SECRET_KEY: key } });
    const out = stdout.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(3);
    for (const o of out) expect(o.verified).toBe(true);
    expect(out[1]!.timestamp).toBeUndefined();
    expect(out[0]!.timestamp).toBe('2023-11-14T22:13:20.000Z');
    expect(code).toBe(0);
  });
});

/** Django's Signer signature (salted_hmac: key = SHA-256(salt + "signer" + secret)), URL-safe base64. */
function signerSig(secret: string, salt: string, signed: string): string {
  const k = createHash('sha256').update(`${salt}signer${secret}`).digest();
  return createHmac('sha256', k).update(signed).digest('base64url');
}
