/**
 * What `audit` needs to test candidate secret_key_bases against a Phoenix / Plug session cookie
 * (the wire formats are phoenix.ts's). Plug keeps its salts in the endpoint, not in the cookie, so
 * the salts given are tried, every pair of them for an encrypted cookie:
 *
 * ```
 * signed:    SFMyNTY.<term>.<mac>               key  = PBKDF2-SHA256(secret_key_base, signing_salt, 1000, 32)
 * encrypted: QTEyOEdDTQ.<wrapped>.<iv>.<ct>.<tag>
 *            secret      = PBKDF2-SHA256(secret_key_base, encryption_salt, 1000, 32)
 *            sign_secret = PBKDF2-SHA256(secret_key_base, signing_salt, 1000, 32)
 *            wrapped     = AES-256-GCM(secret, wiv, aad = sign_secret, CEK) . tag . wiv (16 + 16 + 12 bytes)
 *            ct . tag    = AES-128-GCM(CEK, iv, aad = "A128GCM", :erlang.term_to_binary(session))
 * ```
 * From plug_crypto lib/plug/crypto/message_encryptor.ex (v1.x `aes128_gcm_encrypt`,
 * `aes_gcm_key_wrap`; v2 still decrypts `QTEyOEdDTQ.` tokens this way) and key_generator.ex; Plug's
 * lib/plug/session/cookie.ex derives both keys with `key_iterations: 1000, key_length: 32,
 * key_digest: :sha256`. plug_crypto 2's XChaCha20-Poly1305 tokens (`XCP.`) are not WebCrypto and
 * not read here.
 */
import { utf8 } from '../backend.ts';
import { b64Decode } from '../base64.ts';
import type { FrameworkAuditSpec } from './audit-spec.ts';
import { PHOENIX_ENCRYPTED_RE, PHOENIX_SIGNED_RE } from './phoenix.ts';

/** Plug.Session.COOKIE's key generator options (lib/plug/session/cookie.ex defaults). */
const PLUG_KEY = { kind: 'pbkdf2', digests: ['sha256'], iterations: 1000, length: 32 } as const;

const SIGNED_SETTING = "secret_key_base (config/runtime.exs or SECRET_KEY_BASE) and the endpoint's signing_salt";
const ENCRYPTED_SETTING = "secret_key_base (config/runtime.exs or SECRET_KEY_BASE) and the endpoint's encryption_salt and signing_salt";

/**
 * The audit spec of a Phoenix session cookie, or `undefined` when the value is none or no salt is
 * given (the key cannot be derived without them).
 *
 * @example phoenixAuditSpec(cookie, ['eN7cR4yT', 'kR3qP9xZ'])?.format // 'phoenix-encrypted'
 */
export function phoenixAuditSpec(value: string, salts: readonly string[]): FrameworkAuditSpec | undefined {
  if (salts.length === 0) return undefined;
  if (PHOENIX_SIGNED_RE.test(value)) {
    const [p, payload, sig] = value.split('.') as [string, string, string];
    const hash = ({ SFMyNTY: 'sha256', SFMzODQ: 'sha384', SFM1MTI: 'sha512' } as const)[p as 'SFMyNTY'];
    return {
      format: 'phoenix-signed',
      setting: SIGNED_SETTING,
      derive: { ...PLUG_KEY, digests: [...PLUG_KEY.digests], salts: [...salts] },
      check: { kind: 'hmac', hash, message: utf8(`${p}.${payload}`), mac: b64Decode(sig), macText: 'b64url' },
    };
  }
  if (PHOENIX_ENCRYPTED_RE.test(value)) {
    const [header, wrapped, iv, ciphertext, tag] = value.split('.').map((x) => b64Decode(x)) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    // plug_crypto aes_gcm_key_unwrap: <<cipher_text::128|192|256, cipher_tag::128, iv::96>>
    const cek = wrapped.length - 28;
    if (cek !== 16 && cek !== 24 && cek !== 32) return undefined;
    if (iv.length !== 12 || tag.length !== 16 || ciphertext.length === 0) return undefined;
    return {
      format: 'phoenix-encrypted',
      setting: ENCRYPTED_SETTING,
      derive: { ...PLUG_KEY, digests: [...PLUG_KEY.digests], salts: [...salts] },
      check: {
        kind: 'plug-gcm',
        sign: { ...PLUG_KEY, digests: [...PLUG_KEY.digests], salts: [...salts] },
        wrapped: { iv: wrapped.subarray(cek + 16), ciphertext: wrapped.subarray(0, cek), tag: wrapped.subarray(cek, cek + 16) },
        content: { iv, ciphertext, tag, aad: header },
      },
    };
  }
  return undefined;
}
