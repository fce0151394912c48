/**
 * The WebCrypto primitives other frameworks' cookies need: AES-GCM, AES-CBC, AES-CTR, PBKDF2 and
 * HKDF. Web standards only (crypto.subtle), so they run in the panel, the service worker and Node.
 * Failures of authenticated decryption come back as `undefined` (a wrong key), never as a throw.
 */
import type { HashName } from '../backend.ts';

const WEB_HASH: Record<HashName, string> = { sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };
const subtle = (): SubtleCrypto => globalThis.crypto.subtle;
const src = (b: Uint8Array) => b as BufferSource;

/** PBKDF2 results are costly (Rails, Phoenix: 1000 iterations) and asked for again per cookie: keep a few. */
const derived = new Map<string, Promise<Uint8Array>>();
const MAX_DERIVED = 64;

function remember(id: string, make: () => Promise<Uint8Array>): Promise<Uint8Array> {
  let p = derived.get(id);
  if (!p) {
    if (derived.size >= MAX_DERIVED) derived.delete(derived.keys().next().value!);
    p = make();
    derived.set(id, p);
    p.catch(() => derived.delete(id));
  }
  return p;
}

/**
 * PBKDF2 (RFC 8018 §5.2) of a password and salt, `length` bytes.
 * @example await pbkdf2('sha1', utf8(secretKeyBase), utf8('authenticated encrypted cookie'), 1000, 32)
 */
export function pbkdf2(hash: HashName, password: Uint8Array, salt: Uint8Array, iterations: number, length: number): Promise<Uint8Array> {
  const id = `${hash}\0${iterations}\0${length}\0${Array.from(password).join(',')}\0${Array.from(salt).join(',')}`;
  return remember(id, async () => {
    const key = await subtle().importKey('raw', src(password), 'PBKDF2', false, ['deriveBits']);
    const bits = await subtle().deriveBits({ name: 'PBKDF2', hash: WEB_HASH[hash], salt: src(salt), iterations }, key, length * 8);
    return new Uint8Array(bits);
  });
}

/**
 * HKDF (RFC 5869) with SHA-256, `length` bytes.
 * @example await hkdf(utf8(NEXTAUTH_SECRET), new Uint8Array(), utf8('NextAuth.js Generated Encryption Key'), 32)
 */
export async function hkdf(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array> {
  const key = await subtle().importKey('raw', src(ikm), 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await subtle().deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: src(salt), info: src(info) }, key, length * 8));
}

function aesKey(name: string, key: Uint8Array): Promise<CryptoKey> | undefined {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) return undefined;
  return subtle().importKey('raw', src(key), name, false, ['decrypt']);
}

/** AES-GCM decryption with a 16-byte tag; `undefined` when the tag does not verify. */
export async function aesGcmDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad?: Uint8Array): Promise<Uint8Array | undefined> {
  const k = aesKey('AES-GCM', key);
  if (!k || tag.length !== 16 || iv.length === 0) return undefined;
  const data = new Uint8Array(ciphertext.length + tag.length);
  data.set(ciphertext);
  data.set(tag, ciphertext.length);
  try {
    const params: AesGcmParams = { name: 'AES-GCM', iv: src(iv), tagLength: 128, ...(aad ? { additionalData: src(aad) } : {}) };
    return new Uint8Array(await subtle().decrypt(params, await k, src(data)));
  } catch {
    return undefined;
  }
}

/** AES-CBC decryption with PKCS#7 padding; `undefined` when the padding is wrong (a wrong key, mostly). */
export async function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array | undefined> {
  const k = aesKey('AES-CBC', key);
  if (!k || iv.length !== 16 || ciphertext.length === 0 || ciphertext.length % 16 !== 0) return undefined;
  try {
    return new Uint8Array(await subtle().decrypt({ name: 'AES-CBC', iv: src(iv) }, await k, src(ciphertext)));
  } catch {
    return undefined;
  }
}

/** AES-CTR with a full 16-byte counter block (Go's cipher.NewCTR). */
export async function aesCtrDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array | undefined> {
  const k = aesKey('AES-CTR', key);
  if (!k || iv.length !== 16) return undefined;
  return new Uint8Array(await subtle().decrypt({ name: 'AES-CTR', counter: src(iv), length: 128 }, await k, src(ciphertext)));
}

/** Lower-case hex → bytes; `undefined` if not hex. */
export function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}
