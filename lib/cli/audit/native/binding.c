/*
 * The N-API face of engine.c: batch HMAC, PBKDF2 and prefixed hashes over candidate keys given as
 * slices of one byte buffer (native-engine.ts). Every offset and length is checked here, since the
 * candidates come from wordlists: a bad argument throws a JS error, it never reads out of bounds.
 */
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include "engine.h"

/* AES-GCM through the OpenSSL inside Node (its headers ship with Node's, its symbols are Node's own). */
#if defined(__has_include)
#if __has_include(<openssl/evp.h>)
#define SL_OPENSSL 1
#include <openssl/evp.h>
#endif
#endif

#define MAX_DK_LEN 65536
#define MAX_MESSAGE (1u << 30)

typedef struct {
  const uint8_t *src;
  const int32_t *starts, *lengths;
  size_t count;
} batch;

#define CHECK(env, call)                                      \
  do {                                                        \
    if ((call) != napi_ok) return fail(env, "native engine: N-API call failed"); \
  } while (0)

static napi_value fail(napi_env env, const char *message) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, "ERR_SESSION_LENS_NATIVE", message);
  return NULL;
}

static int get_bytes(napi_env env, napi_value v, const uint8_t **data, size_t *len) {
  bool is = false;
  napi_typedarray_type type;
  void *p = NULL;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return 0;
  if (napi_get_typedarray_info(env, v, &type, len, &p, NULL, NULL) != napi_ok) return 0;
  if (type != napi_uint8_array && type != napi_uint8_clamped_array) return 0;
  *data = p;
  return 1;
}

static int get_i32s(napi_env env, napi_value v, const int32_t **data, size_t *len) {
  bool is = false;
  napi_typedarray_type type;
  void *p = NULL;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return 0;
  if (napi_get_typedarray_info(env, v, &type, len, &p, NULL, NULL) != napi_ok) return 0;
  if (type != napi_int32_array) return 0;
  *data = p;
  return 1;
}

static int get_u32(napi_env env, napi_value v, uint32_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) return 0;
  if (!(d >= 0 && d <= 4294967295.0) || d != (double)(uint32_t)d) return 0;
  *out = (uint32_t)d;
  return 1;
}

static int get_hash(napi_env env, napi_value v, int *hash) {
  uint32_t h;
  if (!get_u32(env, v, &h) || h > SL_SHA256) return 0;
  *hash = (int)h;
  return 1;
}

/* args[at..at+3]: src, starts, lengths, count — every slice inside src. */
static const char *get_batch(napi_env env, napi_value *args, batch *b) {
  size_t src_len, ns, nl;
  uint32_t count;
  if (!get_bytes(env, args[0], &b->src, &src_len)) return "keys.src must be a Uint8Array";
  if (!get_i32s(env, args[1], &b->starts, &ns) || !get_i32s(env, args[2], &b->lengths, &nl))
    return "keys.starts and keys.lengths must be Int32Arrays";
  if (!get_u32(env, args[3], &count) || count > ns || count > nl) return "keys.count is out of range";
  for (size_t i = 0; i < count; i++) {
    int64_t s = b->starts[i], n = b->lengths[i];
    if (s < 0 || n < 0 || (uint64_t)(s + n) > src_len) return "a key slice lies outside keys.src";
  }
  b->count = count;
  return NULL;
}

static size_t digest_len(int hash) { return hash == SL_SHA1 ? 20 : 32; }

/* Runs `pass` over the batch 16 keys at a time; out_len bytes per key at out (NULL: kept in a scratch per pass). */
static void lanes_of(const batch *b, size_t k, sl_lanes *lanes, uint8_t **outs, uint8_t *out, size_t out_len) {
  for (size_t l = 0; l < SL_GROUP; l++) {
    size_t i = k + l;
    if (i < b->count) {
      lanes->p[l] = b->src + b->starts[i];
      lanes->n[l] = (size_t)b->lengths[i];
      outs[l] = out + i * out_len;
    } else {
      lanes->p[l] = NULL;
      lanes->n[l] = 0;
      outs[l] = NULL;
    }
  }
}

/* The message's tail after the pad block, owned by the caller (free). */
static uint8_t *make_tail(const uint8_t *msg, size_t n, sl_tail *tail) {
  tail->blocks = sl_tail_blocks(n);
  uint8_t *bytes = malloc(tail->blocks * 64);
  if (bytes) sl_make_tail(bytes, msg, n, 64);
  tail->bytes = bytes;
  return bytes;
}

/* Digests of every key (HMAC or prefixed hash) into a scratch buffer of count × digest bytes. */
static uint8_t *digests(int hash, const batch *b, const sl_tail *tail, const uint8_t *prefix, size_t plen) {
  size_t dl = digest_len(hash);
  uint8_t *all = malloc(b->count * dl + 1);
  if (!all) return NULL;
  sl_lanes lanes;
  uint8_t *outs[SL_GROUP];
  for (size_t k = 0; k < b->count; k += SL_GROUP) {
    lanes_of(b, k, &lanes, outs, all, dl);
    if (tail) sl_hmac16(hash, &lanes, tail, outs);
    else sl_hash16(hash, prefix, plen, &lanes, outs);
  }
  return all;
}

/* hmac(hash, src, starts, lengths, count, message, out) */
static napi_value js_hmac(napi_env env, napi_callback_info info) {
  size_t argc = 7, msg_len, out_len;
  napi_value args[7];
  int hash;
  batch b;
  const uint8_t *msg, *out_c;
  CHECK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 7 || !get_hash(env, args[0], &hash)) return fail(env, "hmac: hash must be 0 (sha1) or 1 (sha256)");
  const char *bad = get_batch(env, args + 1, &b);
  if (bad) return fail(env, bad);
  if (!get_bytes(env, args[5], &msg, &msg_len) || msg_len > MAX_MESSAGE) return fail(env, "hmac: message must be a Uint8Array");
  if (!get_bytes(env, args[6], &out_c, &out_len) || out_len < b.count * digest_len(hash))
    return fail(env, "hmac: out must hold count × digest bytes");
  sl_tail tail;
  uint8_t *t = make_tail(msg, msg_len, &tail);
  uint8_t *all = t ? digests(hash, &b, &tail, NULL, 0) : NULL;
  if (all) memcpy((uint8_t *)out_c, all, b.count * digest_len(hash));
  free(t);
  free(all);
  return all ? NULL : fail(env, "hmac: out of memory");
}

/* hmacFind(hash, src, starts, lengths, count, message, tag) → indices whose HMAC starts with tag */
static napi_value js_hmac_find(napi_env env, napi_callback_info info) {
  size_t argc = 7, msg_len, tag_len;
  napi_value args[7], result;
  int hash;
  batch b;
  const uint8_t *msg, *tag;
  CHECK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 7 || !get_hash(env, args[0], &hash)) return fail(env, "hmacFind: hash must be 0 (sha1) or 1 (sha256)");
  const char *bad = get_batch(env, args + 1, &b);
  if (bad) return fail(env, bad);
  if (!get_bytes(env, args[5], &msg, &msg_len) || msg_len > MAX_MESSAGE) return fail(env, "hmacFind: message must be a Uint8Array");
  if (!get_bytes(env, args[6], &tag, &tag_len) || tag_len == 0 || tag_len > digest_len(hash))
    return fail(env, "hmacFind: tag must be 1 to digest-length bytes");
  sl_tail tail;
  uint8_t *t = make_tail(msg, msg_len, &tail);
  uint8_t *all = t ? digests(hash, &b, &tail, NULL, 0) : NULL;
  free(t);
  if (!all) return fail(env, "hmacFind: out of memory");
  uint32_t found = 0;
  if (napi_create_array(env, &result) != napi_ok) {
    free(all);
    return fail(env, "hmacFind: N-API call failed");
  }
  for (size_t i = 0; i < b.count; i++) {
    if (memcmp(all + i * digest_len(hash), tag, tag_len)) continue;
    napi_value v;
    if (napi_create_uint32(env, (uint32_t)i, &v) != napi_ok || napi_set_element(env, result, found++, v) != napi_ok) {
      free(all);
      return fail(env, "hmacFind: N-API call failed");
    }
  }
  free(all);
  return result;
}

/* pbkdf2(hash, src, starts, lengths, count, salt, iterations, dkLen, out) */
static napi_value js_pbkdf2(napi_env env, napi_callback_info info) {
  size_t argc = 9, salt_len, out_len;
  napi_value args[9];
  int hash;
  batch b;
  uint32_t iterations, dk_len;
  const uint8_t *salt, *out_c;
  CHECK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 9 || !get_hash(env, args[0], &hash)) return fail(env, "pbkdf2: hash must be 0 (sha1) or 1 (sha256)");
  const char *bad = get_batch(env, args + 1, &b);
  if (bad) return fail(env, bad);
  if (!get_bytes(env, args[5], &salt, &salt_len) || salt_len > MAX_MESSAGE) return fail(env, "pbkdf2: salt must be a Uint8Array");
  if (!get_u32(env, args[6], &iterations) || iterations < 1) return fail(env, "pbkdf2: iterations must be a positive integer");
  if (!get_u32(env, args[7], &dk_len) || dk_len < 1 || dk_len > MAX_DK_LEN) return fail(env, "pbkdf2: dkLen must be 1 to 65536");
  if (!get_bytes(env, args[8], &out_c, &out_len) || out_len < b.count * dk_len) return fail(env, "pbkdf2: out must hold count × dkLen bytes");
  size_t hl = digest_len(hash), nblocks = (dk_len + hl - 1) / hl, per = sl_tail_blocks(salt_len + 4) * 64;
  /* Per output block i: salt ‖ INT(i) (RFC 8018 §5.2 step 3), padded after the 64-byte pad. */
  uint8_t *msg = malloc(salt_len + 4), *bytes = malloc(nblocks * per);
  sl_tail *tails = malloc(nblocks * sizeof *tails);
  if (!msg || !bytes || !tails) {
    free(msg), free(bytes), free(tails);
    return fail(env, "pbkdf2: out of memory");
  }
  if (salt_len) memcpy(msg, salt, salt_len);
  for (size_t i = 0; i < nblocks; i++) {
    uint32_t n = (uint32_t)i + 1;
    msg[salt_len] = (uint8_t)(n >> 24), msg[salt_len + 1] = (uint8_t)(n >> 16);
    msg[salt_len + 2] = (uint8_t)(n >> 8), msg[salt_len + 3] = (uint8_t)n;
    sl_make_tail(bytes + i * per, msg, salt_len + 4, 64);
    tails[i].bytes = bytes + i * per;
    tails[i].blocks = per / 64;
  }
  sl_lanes lanes;
  uint8_t *outs[SL_GROUP];
  for (size_t k = 0; k < b.count; k += SL_GROUP) {
    lanes_of(&b, k, &lanes, outs, (uint8_t *)out_c, dk_len);
    sl_pbkdf2_16(hash, &lanes, tails, nblocks, iterations, dk_len, outs);
  }
  free(msg), free(bytes), free(tails);
  return NULL;
}

/* hashPrefixed(hash, prefix, src, starts, lengths, count, out): H(prefix ‖ key) */
static napi_value js_hash_prefixed(napi_env env, napi_callback_info info) {
  size_t argc = 7, plen, out_len;
  napi_value args[7];
  int hash;
  batch b;
  const uint8_t *prefix, *out_c;
  CHECK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 7 || !get_hash(env, args[0], &hash)) return fail(env, "hashPrefixed: hash must be 0 (sha1) or 1 (sha256)");
  if (!get_bytes(env, args[1], &prefix, &plen) || plen > MAX_MESSAGE) return fail(env, "hashPrefixed: prefix must be a Uint8Array");
  const char *bad = get_batch(env, args + 2, &b);
  if (bad) return fail(env, bad);
  if (!get_bytes(env, args[6], &out_c, &out_len) || out_len < b.count * digest_len(hash))
    return fail(env, "hashPrefixed: out must hold count × digest bytes");
  sl_lanes lanes;
  uint8_t *outs[SL_GROUP];
  for (size_t k = 0; k < b.count; k += SL_GROUP) {
    lanes_of(&b, k, &lanes, outs, (uint8_t *)out_c, digest_len(hash));
    sl_hash16(hash, prefix, plen, &lanes, outs);
  }
  return NULL;
}

#ifdef SL_OPENSSL
static const EVP_CIPHER *gcm_cipher(size_t key_len) {
  return key_len == 16 ? EVP_aes_128_gcm() : key_len == 24 ? EVP_aes_192_gcm() : key_len == 32 ? EVP_aes_256_gcm() : NULL;
}

/* Whether `key` opens the message: AES-GCM decryption whose tag verifies (NIST SP 800-38D §7.2). */
static int gcm_opens(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *cipher, const uint8_t *key, const uint8_t *iv, size_t iv_len,
                     const uint8_t *aad, size_t aad_len, const uint8_t *ct, size_t ct_len, const uint8_t *tag, size_t tag_len,
                     uint8_t *plain) {
  int n = 0;
  if (EVP_DecryptInit_ex(ctx, cipher, NULL, NULL, NULL) != 1) return 0;
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, (int)iv_len, NULL) != 1) return 0;
  if (EVP_DecryptInit_ex(ctx, NULL, NULL, key, iv) != 1) return 0;
  if (aad_len && EVP_DecryptUpdate(ctx, NULL, &n, aad, (int)aad_len) != 1) return 0;
  if (EVP_DecryptUpdate(ctx, plain, &n, ct, (int)ct_len) != 1) return 0;
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, (int)tag_len, (void *)tag) != 1) return 0;
  return EVP_DecryptFinal_ex(ctx, plain + n, &n) == 1;
}

/* gcmFind(src, starts, lengths, count, iv, ciphertext, aad, tag) → indices of the keys (16, 24 or 32 bytes) that open it */
static napi_value js_gcm_find(napi_env env, napi_callback_info info) {
  size_t argc = 8, iv_len, ct_len, aad_len, tag_len;
  napi_value args[8], result;
  batch b;
  const uint8_t *iv, *ct, *aad, *tag;
  CHECK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 8) return fail(env, "gcmFind: 8 arguments");
  const char *bad = get_batch(env, args, &b);
  if (bad) return fail(env, bad);
  if (!get_bytes(env, args[4], &iv, &iv_len) || iv_len < 1 || iv_len > 128) return fail(env, "gcmFind: iv must be 1 to 128 bytes");
  if (!get_bytes(env, args[5], &ct, &ct_len) || ct_len > MAX_MESSAGE) return fail(env, "gcmFind: ciphertext must be a Uint8Array");
  if (!get_bytes(env, args[6], &aad, &aad_len) || aad_len > MAX_MESSAGE) return fail(env, "gcmFind: aad must be a Uint8Array");
  if (!get_bytes(env, args[7], &tag, &tag_len) || tag_len < 4 || tag_len > 16) return fail(env, "gcmFind: tag must be 4 to 16 bytes");
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  uint8_t *plain = malloc(ct_len + 32);
  if (!ctx || !plain || napi_create_array(env, &result) != napi_ok) {
    EVP_CIPHER_CTX_free(ctx);
    free(plain);
    return fail(env, "gcmFind: out of memory");
  }
  uint32_t found = 0;
  for (size_t i = 0; i < b.count; i++) {
    const EVP_CIPHER *cipher = gcm_cipher((size_t)b.lengths[i]);
    if (!cipher || !gcm_opens(ctx, cipher, b.src + b.starts[i], iv, iv_len, aad, aad_len, ct, ct_len, tag, tag_len, plain)) continue;
    napi_value v;
    if (napi_create_uint32(env, (uint32_t)i, &v) != napi_ok || napi_set_element(env, result, found++, v) != napi_ok) break;
  }
  EVP_CIPHER_CTX_free(ctx);
  free(plain);
  return result;
}

static const EVP_CIPHER *ecb_cipher(size_t key_len) {
  return key_len == 16 ? EVP_aes_128_ecb() : key_len == 24 ? EVP_aes_192_ecb() : key_len == 32 ? EVP_aes_256_ecb() : NULL;
}

/* AES-GCM's keystream for a 96-bit IV from counter 2 on (NIST SP 800-38D §7.2), `n` ≤ 32 bytes, into `out`. */
static int gcm_keystream(EVP_CIPHER_CTX *ctx, const uint8_t *key, size_t key_len, const uint8_t *iv, uint8_t *out, size_t n) {
  uint8_t counters[32] = {0};
  int len = 0;
  const EVP_CIPHER *cipher = ecb_cipher(key_len);
  size_t blocks = (n + 15) / 16;
  for (size_t b = 0; b < blocks; b++) {
    memcpy(counters + 16 * b, iv, 12);
    counters[16 * b + 15] = (uint8_t)(2 + b);
  }
  if (!cipher || EVP_EncryptInit_ex(ctx, cipher, NULL, key, NULL) != 1 || EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) return 0;
  return EVP_EncryptUpdate(ctx, out, &len, counters, (int)(16 * blocks)) == 1 && len == (int)(16 * blocks);
}

/*
 * plugFind(src, starts, lengths, count, wrappedIv, wrappedCt, contentIv, first, want) → indices of the keys
 * whose unwrapped content key turns the content's first cipher byte into `want` (Plug's tagless check,
 * framework-check.ts plugGcm): no tag verified, about 1 in 256 wrong keys pass.
 */
static napi_value js_plug_find(napi_env env, napi_callback_info info) {
  size_t argc = 9, wiv_len, wct_len, civ_len;
  napi_value args[9], result;
  batch b;
  const uint8_t *wiv, *wct, *civ;
  uint32_t first, want;
  CHECK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 9) return fail(env, "plugFind: 9 arguments");
  const char *bad = get_batch(env, args, &b);
  if (bad) return fail(env, bad);
  if (!get_bytes(env, args[4], &wiv, &wiv_len) || wiv_len != 12 || !get_bytes(env, args[6], &civ, &civ_len) || civ_len != 12)
    return fail(env, "plugFind: the IVs must be 12 bytes");
  if (!get_bytes(env, args[5], &wct, &wct_len) || !ecb_cipher(wct_len)) return fail(env, "plugFind: the wrapped key must be 16, 24 or 32 bytes");
  if (!get_u32(env, args[7], &first) || first > 255 || !get_u32(env, args[8], &want) || want > 255) return fail(env, "plugFind: first and want are bytes");
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  if (!ctx || napi_create_array(env, &result) != napi_ok) {
    EVP_CIPHER_CTX_free(ctx);
    return fail(env, "plugFind: out of memory");
  }
  uint32_t found = 0;
  uint8_t cek[32], stream[32];
  for (size_t i = 0; i < b.count; i++) {
    if (!ecb_cipher((size_t)b.lengths[i]) || !gcm_keystream(ctx, b.src + b.starts[i], (size_t)b.lengths[i], wiv, cek, wct_len)) continue;
    for (size_t k = 0; k < wct_len; k++) cek[k] ^= wct[k];
    if (!gcm_keystream(ctx, cek, wct_len, civ, stream, 1) || (stream[0] ^ first) != want) continue;
    napi_value v;
    if (napi_create_uint32(env, (uint32_t)i, &v) != napi_ok || napi_set_element(env, result, found++, v) != napi_ok) break;
  }
  EVP_CIPHER_CTX_free(ctx);
  return result;
}
#endif

/* isa(name?) → the instruction set in use, after switching to `name` when given and this CPU has it (tests). */
static napi_value js_isa(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg, result;
  char name[16];
  size_t len;
  CHECK(env, napi_get_cb_info(env, info, &argc, &arg, NULL, NULL));
  if (argc >= 1) {
    if (napi_get_value_string_utf8(env, arg, name, sizeof name, &len) != napi_ok) return fail(env, "isa: name must be a string");
    sl_set_isa(name);
  }
  CHECK(env, napi_create_string_utf8(env, sl_isa(), NAPI_AUTO_LENGTH, &result));
  return result;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"hmac", NULL, js_hmac, NULL, NULL, NULL, napi_enumerable, NULL},
      {"hmacFind", NULL, js_hmac_find, NULL, NULL, NULL, napi_enumerable, NULL},
      {"pbkdf2", NULL, js_pbkdf2, NULL, NULL, NULL, napi_enumerable, NULL},
      {"hashPrefixed", NULL, js_hash_prefixed, NULL, NULL, NULL, napi_enumerable, NULL},
      {"isa", NULL, js_isa, NULL, NULL, NULL, napi_enumerable, NULL},
#ifdef SL_OPENSSL
      {"gcmFind", NULL, js_gcm_find, NULL, NULL, NULL, napi_enumerable, NULL},
      {"plugFind", NULL, js_plug_find, NULL, NULL, NULL, napi_enumerable, NULL},
#endif
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof *props, props) != napi_ok) return NULL;
  return exports;
}
