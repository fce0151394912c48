/**
 * Phoenix / Plug session cookies (`_app_key`), `Plug.Session.COOKIE`:
 *
 * ```
 * signed:    SFMyNTY.g3QAAAAD….ALciMnhb…      = url64("HS256") . url64(term) . url64(HMAC-SHA256)
 * encrypted: QTEyOEdDTQ.<wrapped key>.<iv>.<ciphertext>.<tag>   (url64 "A128GCM" first)
 * ```
 * Keys: `Plug.Crypto.KeyGenerator` = PBKDF2-HMAC-SHA256(secret_key_base, salt, 1000 iterations, 32
 * bytes) for the endpoint's `signing_salt` (and `encryption_salt`). Encrypted: the random content
 * key is AES-GCM-wrapped under the encryption key with the signing key as AAD (ciphertext . tag .
 * iv), the term AES-GCM-encrypted under it with the protected header as AAD. The term is
 * `:erlang.term_to_binary(session)`. From elixir-plug/plug lib/plug/session/cookie.ex and
 * plug_crypto lib/plug/crypto/{key_generator,message_verifier,message_encryptor}.ex.
 *
 * The salts are in the application's endpoint.ex, not in the cookie: give them as `salt`/`salts`.
 */
import { constantTimeEqual, getDefaultBackend, utf8, type CodecBackend, type HashName } from '../backend.ts';
import { b64Decode } from '../base64.ts';
import { isCompressedTerm } from '../erlang-term.ts';
import { resolveLimits, type Limits } from '../limits.ts';
import type { DecodeOptions, DecodeResult } from '../types.ts';
import { hasKeys, noKeyMatched, readPayload, unverified, type Family } from './common.ts';
import { aesGcmDecrypt, pbkdf2 } from './crypto.ts';

const SIGNED: Family = { format: 'phoenix-signed', framework: 'Phoenix / Plug', keyName: 'secret_key_base (+ signing_salt)' };
const ENCRYPTED: Family = { format: 'phoenix-encrypted', framework: 'Phoenix / Plug', keyName: 'secret_key_base (+ encryption_salt, signing_salt)' };

/** url64 of HS256 / HS384 / HS512, then two URL-safe base64 parts. */
export const PHOENIX_SIGNED_RE = /^SFM(?:yNTY|zODQ|1MTI)\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43,86}$/;
/** url64 of A128GCM / A256GCM, then four parts. */
export const PHOENIX_ENCRYPTED_RE = /^QT(?:EyOEdDTQ|I1NkdDTQ)(?:\.[A-Za-z0-9_-]+){4}$/;

const DIGEST: Record<string, HashName> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

const plugKey = (secretKeyBase: string, salt: string) => pbkdf2('sha256', utf8(secretKeyBase), utf8(salt), 1000, 32);

async function readTerm(bytes: Uint8Array, limits: Limits, backend: CodecBackend): Promise<{ data: DecodeResult['data']; serializer: DecodeResult['serializer']; compressed: boolean }> {
  if (isCompressedTerm(bytes)) {
    const inflated = await backend.inflate(bytes.subarray(6), limits.maxDecompressedSize);
    const whole = new Uint8Array(inflated.length + 1);
    whole[0] = 131;
    whole.set(inflated, 1);
    return { ...readPayload(whole, limits), compressed: true };
  }
  return { ...readPayload(bytes, limits), compressed: false };
}

function salts(options: DecodeOptions): string[] {
  return [...new Set([...(options.salt ? [options.salt] : []), ...(options.salts ?? [])])];
}

/**
 * Decodes a signed Plug session cookie; with secret_key_base and the signing salt, verifies it.
 * @example await decodePhoenixSigned(cookie, { keys: [secretKeyBase], salt: 'kR3qP9xZ' })
 */
export async function decodePhoenixSigned(value: string, options: DecodeOptions = {}, backend: CodecBackend = getDefaultBackend()): Promise<DecodeResult> {
  const limits = resolveLimits(options.limits);
  const [p, payload, sig] = value.split('.') as [string, string, string];
  const alg = new TextDecoder().decode(b64Decode(p));
  const hash = DIGEST[alg]!;
  const t = await readTerm(b64Decode(payload), limits, backend);
  const r: DecodeResult = { ...unverified(SIGNED, t.data, t.serializer), compressed: t.compressed, algorithm: hash };
  if (!hasKeys(options.keys)) return r;
  const list = salts(options);
  if (list.length === 0) return noKeyMatched(r, "Give the endpoint's signing_salt (salt): Plug derives the key from secret_key_base and it");
  const mac = b64Decode(sig);
  for (const [i, k] of options.keys.entries()) {
    for (const salt of list) {
      if (constantTimeEqual(await backend.hmac(hash, await plugKey(k, salt), `${p}.${payload}`), mac)) return { ...r, verified: true, keyIndex: i, salt };
    }
  }
  return noKeyMatched(r, 'No key and signing salt verify the signature');
}

/**
 * Decodes an encrypted Plug session cookie; with secret_key_base and both salts, decrypts it.
 * @example await decodePhoenixEncrypted(cookie, { keys: [secretKeyBase], salts: [encryptionSalt, signingSalt] })
 */
export async function decodePhoenixEncrypted(value: string, options: DecodeOptions = {}, backend: CodecBackend = getDefaultBackend()): Promise<DecodeResult> {
  const limits = resolveLimits(options.limits);
  const parts = value.split('.');
  const [protectedHeader, wrapped, iv, ct, tag] = parts.map((x) => b64Decode(x)) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  const aad = protectedHeader;
  const base = unverified(ENCRYPTED, null, 'none', { cipher: new TextDecoder().decode(protectedHeader) });
  if (!hasKeys(options.keys)) return base;
  const list = salts(options);
  if (list.length < 1) return noKeyMatched(base, "Give the endpoint's encryption_salt and signing_salt (salts): Plug derives both keys from secret_key_base and them");
  const wrappedCt = wrapped.subarray(0, wrapped.length - 28);
  const wrappedTag = wrapped.subarray(wrapped.length - 28, wrapped.length - 12);
  const wrappedIv = wrapped.subarray(wrapped.length - 12);
  for (const [i, k] of options.keys.entries()) {
    for (const encSalt of list) {
      for (const signSalt of list) {
        const cek = await aesGcmDecrypt(await plugKey(k, encSalt), wrappedIv, wrappedCt, wrappedTag, await plugKey(k, signSalt));
        if (!cek) continue;
        const plain = await aesGcmDecrypt(cek, iv, ct, tag, aad);
        if (!plain) continue;
        const t = await readTerm(plain, limits, backend);
        return { ...base, data: t.data, serializer: t.serializer, compressed: t.compressed, verified: true, keyIndex: i, salt: signSalt, details: { ...base.details, encryptionSalt: encSalt } };
      }
    }
  }
  return noKeyMatched(base, 'No key and salts decrypt it');
}
