/**
 * Which (key, salt) pairs a batch verifies with, for `verifySigned` (signing.ts) to try first: each
 * key list's pairs, the most used first; and whether an earlier pair in the documented order derives
 * the same HMAC key, so would verify whatever a remembered pair verifies.
 *
 * Django's derived key is `H(salt + "signer" + secret)`; the cookie signer's secret is
 * `"django.http.cookies" + SECRET_KEY`, so salt "x" with key "django.http.cookiesK" and the cookie
 * signer's salt "x" with key "K" are one HMAC key.
 */
import { COOKIE_SIGNER_KEY_PREFIX, type SaltCandidate } from './salts.ts';

/** `H(salt + "signer" + secret)`'s input for candidate `c` with key `keyIndex`. */
export function derivationInput(keys: readonly string[], keyIndex: number, c: SaltCandidate): string {
  return `${c.salt}signer${c.signer === 'cookie' ? COOKIE_SIGNER_KEY_PREFIX : ''}${keys[keyIndex]!}`;
}

/** The secret the derived key uses: the cookie signer prefixes it. */
export function derivationInputSecret(key: string, c: SaltCandidate): string {
  return c.signer === 'cookie' ? COOKIE_SIGNER_KEY_PREFIX + key : key;
}

/** A (key index, salt, signer) that verified with a key list, and how often it has. */
interface RememberedPair {
  keyIndex: number;
  salt: string;
  signer: SaltCandidate['signer'];
  uses: number;
}

/**
 * The pairs that verified with each key list, the most used first: a batch (the CLI reading lines,
 * the companion listing a store) mostly repeats a few, so {@link verifySigned} tries them first.
 * Keyed by the caller's key array, so they go when it does.
 */
export const remembered = new WeakMap<readonly string[], RememberedPair[]>();
const MAX_REMEMBERED = 16;

export function remember(keys: readonly string[], keyIndex: number, c: SaltCandidate): void {
  let list = remembered.get(keys);
  if (!list) remembered.set(keys, (list = []));
  let i = list.findIndex((p) => p.keyIndex === keyIndex && p.salt === c.salt && p.signer === c.signer);
  if (i < 0) {
    if (list.length >= MAX_REMEMBERED) list.pop();
    i = list.push({ keyIndex, salt: c.salt, signer: c.signer, uses: 0 }) - 1;
  }
  const p = list[i]!;
  p.uses++;
  // keep the most used first (over a cycle of values, fewer tries than the latest first)
  for (; i > 0 && list[i - 1]!.uses < p.uses; i--) list[i] = list[i - 1]!;
  list[i] = p;
}

/**
 * Whether a pair before (`keyIndex`, `candidates[index]`) in the documented order derives the same
 * HMAC key (the same `salt + "signer" + secret`), so would verify whatever it verifies.
 */
export function shadowed(keys: readonly string[], candidates: readonly SaltCandidate[], keyIndex: number, index: number): boolean {
  const c = candidates[index]!;
  const length = inputLength(keys[keyIndex]!, c);
  let input: string | undefined;
  for (let k = 0; k <= keyIndex; k++) {
    for (let i = 0; i < (k < keyIndex ? candidates.length : index); i++) {
      const e = candidates[i]!;
      // only a same-length input can be the same: build the text only then
      if (inputLength(keys[k]!, e) !== length) continue;
      if (derivationInput(keys, k, e) === (input ??= derivationInput(keys, keyIndex, c))) return true;
    }
  }
  return false;
}

/** The length of `derivationInput` for `key` and `c`, without building it. */
function inputLength(key: string, c: SaltCandidate): number {
  return c.salt.length + (c.signer === 'cookie' ? COOKIE_SIGNER_KEY_PREFIX.length : 0) + key.length;
}

/** Which (key, candidate) {@link findSignerPair} found: `candidates[index]` with `keys[keyIndex]`. */
export interface FoundPair {
  keyIndex: number;
  index: number;
}

/**
 * What {@link findSignerPair} works out once for a key list and candidate list that stay the same
 * (a batch's): each remembered pair's candidate index, and whether each pair is {@link shadowed}.
 */
interface SearchMemo {
  keys: readonly string[];
  candidates: readonly SaltCandidate[];
  index: WeakMap<RememberedPair, number>;
  /** Per pair (`keyIndex * candidates.length + index`): 0 unknown, 1 shadowed, 2 not. */
  shadow: Uint8Array;
}
let memo: SearchMemo | undefined;

function memoFor(keys: readonly string[], candidates: readonly SaltCandidate[]): SearchMemo {
  if (memo?.keys !== keys || memo.candidates !== candidates) {
    memo = { keys, candidates, index: new WeakMap(), shadow: new Uint8Array(keys.length * candidates.length) };
  }
  return memo;
}

/**
 * `verifySigned`'s search (signing.ts), synchronous, for a caller with its own MAC check
 * (`verifies(keyIndex, index)`: whether the signature verifies with that key and candidate): the
 * remembered pairs first, then every pair in the documented order, skipping those tried. The same
 * answer as the ordered loop alone: the first pair in order that verifies. For a batch that
 * passes the same `keys` and `candidates` arrays each time (nothing may change them).
 * @example findSignerPair(keys, candidates, (k, i) => macOk(keys[k], candidates[i])) // { keyIndex: 0, index: 2 }
 */
export function findSignerPair(keys: readonly string[], candidates: readonly SaltCandidate[], verifies: (keyIndex: number, index: number) => boolean): FoundPair | null {
  const m = memoFor(keys, candidates);
  const list = remembered.get(keys);
  let tried: number[] | undefined;
  for (let r = 0; list && r < list.length; r++) {
    const p = list[r]!;
    if (p.keyIndex >= keys.length) continue;
    let index = m.index.get(p);
    if (index === undefined) m.index.set(p, (index = candidates.findIndex((c) => c.salt === p.salt && c.signer === p.signer)));
    if (index < 0) continue;
    const at = p.keyIndex * candidates.length + index;
    (tried ??= []).push(at);
    if (verifies(p.keyIndex, index)) {
      if (m.shadow[at] === 0) m.shadow[at] = shadowed(keys, candidates, p.keyIndex, index) ? 1 : 2;
      if (m.shadow[at] === 1) break; // the ordered loop finds the earlier pair
      remember(keys, p.keyIndex, candidates[index]!);
      return { keyIndex: p.keyIndex, index };
    }
  }
  for (let keyIndex = 0; keyIndex < keys.length; keyIndex++) {
    for (let index = 0; index < candidates.length; index++) {
      if (tried?.includes(keyIndex * candidates.length + index)) continue;
      if (verifies(keyIndex, index)) {
        remember(keys, keyIndex, candidates[index]!);
        return { keyIndex, index };
      }
    }
  }
  return null;
}
