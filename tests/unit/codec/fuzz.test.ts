/**
 * Property tests: whatever the input, decoding resolves or rejects with a typed SessionLensError —
 * never another exception, never a hang. CI runs ≥ 100,000 inputs; `npm run fuzz` many more
 * (SESSION_LENS_FUZZ_RUNS).
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { b64Encode, decode, decodeSessionData, isSessionLensError, stdB64Encode } from '../../../lib/codec/index.ts';
import { nodeBackend } from '../../../lib/node/index.ts';
import { EXAMPLE } from '../../../lib/cli/example.ts';

const TOTAL = Number(process.env.SESSION_LENS_FUZZ_RUNS ?? 100_000);
const seeds = [
  EXAMPLE.value,
  'eyJhIjoxfQ:1r31eq:7GjF0GDEeTIgrI8pMsJxJMyFCFR2ITcAjTHAbZVBeNQ',
  'eyJ1c2VyX2lkIjo0MiwibmFtZSI6ImFsaWNlIn0.ZVPxAA.l5lx8_xXLh37g4U1z9d0cwIq6oU',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
  's:abc.' + 'A'.repeat(43),
  stdB64Encode(new TextEncoder().encode(`${'a'.repeat(40)}:{"x":1}`)),
  // messages cookies: Django 3.1 raw JSON (quoted, escaped) and ≤ 3.0 HASH$JSON
  `"[[\\"__json_message\\"\\0540\\05420\\054\\"Hi\\073 \\351\\"]]:1r31eq:${'C'.repeat(43)}"`,
  `${'0'.repeat(40)}$[["__json_message",0,20,"Hi","tag"],["__json_message",1,"25",{"a":[]}]]`,
  // a whole Cookie header, with a quoted set_signed_cookie value
  `Cookie: csrftoken=abc; pref="a\\054b\\073c\\"d:1r31eq:${'D'.repeat(43)}"; sessionid=eyJhIjoxfQ:1r31eq:${'E'.repeat(43)}`,
  `Set-Cookie: pref="x\\"y"; Path=/; Secure; HttpOnly`,
  // Express signed JSON, a JWS with a text payload
  `s:j:{"a":[1,"b.c"]}.${'F'.repeat(43)}`,
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.aGVsbG8sIHdvcmxk.OBPGHfFD-Q1GSADwMvcvvoLdWzvArIfu2cclbZ9Ed-8',
];

/** Runs `decode` and fails the property on anything but success or a SessionLensError. */
async function typedOnly(value: string, sessionData = false): Promise<boolean> {
  try {
    if (sessionData) await decodeSessionData(value, { keys: ['k'] }, nodeBackend);
    else await decode(value, { keys: ['k'] }, nodeBackend);
    return true;
  } catch (e) {
    if (!isSessionLensError(e)) throw e;
    return true;
  }
}

const mutate = fc
  .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.nat(255), fc.constantFrom('flip', 'cut', 'insert', 'delete')), { maxLength: 4 }))
  .map(([seed, edits]) => {
    let s = seed;
    for (const [pos, ch, op] of edits) {
      const i = s.length ? pos % s.length : 0;
      if (op === 'flip') s = s.slice(0, i) + String.fromCharCode(ch) + s.slice(i + 1);
      else if (op === 'cut') s = s.slice(0, i);
      else if (op === 'insert') s = s.slice(0, i) + String.fromCharCode(ch) + s.slice(i);
      else s = s.slice(0, i) + s.slice(i + 2);
    }
    return s;
  });

/** Random payload bytes wrapped in every container shape, so the JSON/pickle/zlib readers see them. */
const wrapped = fc.tuple(fc.uint8Array({ maxLength: 300 }), fc.boolean(), fc.nat(2)).map(([bytes, dot, shape]) => {
  const payload = (dot ? '.' : '') + b64Encode(bytes);
  if (shape === 0) return `${payload}:1r31eq:${'A'.repeat(43)}`;
  if (shape === 1) return `${payload}:${'B'.repeat(27)}`;
  return stdB64Encode(new Uint8Array([...new TextEncoder().encode('0'.repeat(40) + ':'), ...bytes]));
});

describe('codec fuzz', () => {
  it(`random strings (${Math.round(TOTAL * 0.3)} runs)`, async () => {
    await fc.assert(fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), (s) => typedOnly(s)), { numRuns: Math.round(TOTAL * 0.3) });
  }, 600_000);

  it(`mutated real values (${Math.round(TOTAL * 0.4)} runs)`, async () => {
    await fc.assert(fc.asyncProperty(mutate, fc.boolean(), (s, sd) => typedOnly(s, sd)), { numRuns: Math.round(TOTAL * 0.4) });
  }, 600_000);

  it(`random payload bytes in signed and legacy wrappers (${Math.round(TOTAL * 0.3)} runs)`, async () => {
    await fc.assert(fc.asyncProperty(wrapped, (s) => typedOnly(s, s.includes(':') ? false : true)), { numRuns: Math.round(TOTAL * 0.3) });
  }, 600_000);
});
