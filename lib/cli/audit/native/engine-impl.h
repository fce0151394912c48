/*
 * HMAC (RFC 2104), PBKDF2 (RFC 8018 §5.2) and plain hashes of 16 candidate keys per pass
 * (sha-lanes.h). Included once per instruction set (engine-avx512.c, engine-avx2.c, engine.c), each
 * time under its own names, SL_NAME(x); engine.c picks one for this CPU. The compressions are
 * functions of their own (one copy per hash and instruction set), everything else inlines.
 */
#include "engine.h"
#include "sha-lanes.h"

static __attribute__((noinline)) void SL_NAME(compress1)(v16 *s, v16 *w) { sl_sha1(s, w); }
static __attribute__((noinline)) void SL_NAME(compress256)(v16 *s, v16 *w) { sl_sha256(s, w); }
#define sl_compress(hash, s, w) ((hash) == SL_SHA1 ? SL_NAME(compress1)(s, w) : SL_NAME(compress256)(s, w))

/*
 * PBKDF2's inner loop, `n` times: U = HMAC(P, U) from the pad states, T ^= U (RFC 8018 §5.2 F). One
 * copy per hash with both compressions inlined, so the padding words of U's block are constants.
 */
#define SL_ITERATE(name, WORDS, compress)                                                                    \
  static __attribute__((noinline)) void SL_NAME(name)(const v16 *inner, const v16 *outer, v16 *u_io, v16 *t_io, \
                                                      uint32_t n) {                                           \
    v16 u[WORDS], t[WORDS], x[WORDS], w[16];                                                                  \
    for (int i = 0; i < WORDS; i++) u[i] = u_io[i], t[i] = t_io[i];                                           \
    for (uint32_t j = 0; j < n; j++) {                                                                        \
      for (int i = 0; i < 16; i++) w[i] = i < WORDS ? u[i] : (v16){0};                                        \
      w[WORDS] = (v16){0} + 0x80000000u;                                                                      \
      w[15] = (v16){0} + (uint32_t)((64 + 4 * WORDS) * 8);                                                    \
      for (int i = 0; i < WORDS; i++) x[i] = inner[i];                                                        \
      compress(x, w);                                                                                         \
      for (int i = 0; i < 16; i++) w[i] = i < WORDS ? x[i] : (v16){0};                                        \
      w[WORDS] = (v16){0} + 0x80000000u;                                                                      \
      w[15] = (v16){0} + (uint32_t)((64 + 4 * WORDS) * 8);                                                    \
      for (int i = 0; i < WORDS; i++) u[i] = outer[i];                                                        \
      compress(u, w);                                                                                         \
      for (int i = 0; i < WORDS; i++) t[i] ^= u[i];                                                           \
    }                                                                                                         \
    for (int i = 0; i < WORDS; i++) u_io[i] = u[i], t_io[i] = t[i];                                           \
  }
SL_ITERATE(iterate1, 5, sl_sha1)
SL_ITERATE(iterate256, 8, sl_sha256)

/* Block `b` of lane l's padded (prefix ‖ msg), written to `block`. */
SL_INLINE void lane_block(uint8_t *block, size_t b, const uint8_t *prefix, size_t plen, const uint8_t *msg, size_t n,
                          size_t nblocks) {
  size_t at = b * 64, total = plen + n;
  memset(block, 0, 64);
  if (at < plen) memcpy(block, prefix + at, (plen - at < 64 ? plen - at : 64));
  size_t from = at > plen ? at : plen, to = at + 64 < total ? at + 64 : total;
  if (from < to) memcpy(block + (from - at), msg + (from - plen), to - from);
  if (total >= at && total < at + 64) block[total - at] = 0x80;
  if (b == nblocks - 1) {
    uint64_t bits = (uint64_t)total * 8;
    for (int i = 0; i < 8; i++) block[63 - i] = (uint8_t)(bits >> (8 * i));
  }
}

/* Transposes lane blocks into schedule words: w[t][l] = big-endian word t of lane l's block. */
SL_INLINE void load_lanes(v16 *w, uint8_t blocks[SL_LANES][64]) {
  for (int t = 0; t < 16; t++)
    for (int l = 0; l < SL_LANES; l++) w[t][l] = sl_be32(blocks[l] + 4 * t);
}

/* H(prefix ‖ msg_l) of every lane into `s`; lanes of fewer blocks keep their state (masked). */
SL_INLINE void hash_lanes(int hash, const uint8_t *prefix, size_t plen, const sl_lanes *m, v16 *s) {
  uint8_t blocks[SL_LANES][64];
  v16 nb, w[16], next[8];
  size_t most = 0;
  for (int l = 0; l < SL_LANES; l++) {
    size_t n = (plen + m->n[l] + 8) / 64 + 1;
    nb[l] = (uint32_t)n;
    if (n > most) most = n;
  }
  sl_iv(hash, s);
  for (size_t b = 0; b < most; b++) {
    for (int l = 0; l < SL_LANES; l++) {
      if (b < nb[l]) lane_block(blocks[l], b, prefix, plen, m->p[l], m->n[l], nb[l]);
      else memset(blocks[l], 0, 64);
    }
    load_lanes(w, blocks);
    for (int i = 0; i < 8; i++) next[i] = s[i];
    sl_compress(hash, next, w);
    v16 live = (v16)((v16){0} + (uint32_t)b < nb);
    for (int i = 0; i < sl_words(hash); i++) s[i] = (next[i] & live) | (s[i] & ~live);
  }
}

SL_INLINE void store_lanes(int hash, const v16 *s, size_t len, uint8_t *const *out) {
  uint8_t bytes[32];
  for (int l = 0; l < SL_LANES; l++) {
    if (!out[l]) continue;
    for (int i = 0; i < sl_words(hash); i++) sl_put_be32(bytes + 4 * i, s[i][l]);
    memcpy(out[l], bytes, len);
  }
}

/* The HMAC pad states H(K ⊕ ipad), H(K ⊕ opad) after one block; a key longer than the block is hashed first (RFC 2104 §2). */
SL_INLINE void pads(int hash, const sl_lanes *keys, v16 *inner, v16 *outer) {
  uint8_t blocks[SL_LANES][64];
  int words = sl_words(hash);
  int longer = 0;
  for (int l = 0; l < SL_LANES; l++) longer |= keys->n[l] > 64;
  v16 hashed[8];
  if (longer) hash_lanes(hash, NULL, 0, keys, hashed);
  for (int l = 0; l < SL_LANES; l++) {
    memset(blocks[l], 0, 64);
    if (keys->n[l] > 64)
      for (int i = 0; i < words; i++) sl_put_be32(blocks[l] + 4 * i, hashed[i][l]);
    else if (keys->n[l])
      memcpy(blocks[l], keys->p[l], keys->n[l]);
  }
  v16 k[16], w[16];
  load_lanes(k, blocks);
  for (int t = 0; t < 16; t++) w[t] = k[t] ^ 0x36363636u;
  sl_iv(hash, inner);
  sl_compress(hash, inner, w);
  for (int t = 0; t < 16; t++) w[t] = k[t] ^ 0x5c5c5c5cu;
  sl_iv(hash, outer);
  sl_compress(hash, outer, w);
}

/* Continues `s` over shared blocks (every lane the same bytes). */
SL_INLINE void shared_blocks(int hash, v16 *s, const sl_tail *tail) {
  v16 w[16];
  for (size_t b = 0; b < tail->blocks; b++) {
    for (int t = 0; t < 16; t++) w[t] = (v16){0} + sl_be32(tail->bytes + 64 * b + 4 * t);
    sl_compress(hash, s, w);
  }
}

/* s = compress(from, digest ‖ padding): the second half of an HMAC whose message is a digest. */
SL_INLINE void digest_block(int hash, v16 *s, const v16 *from, const v16 *digest) {
  int words = sl_words(hash);
  v16 w[16];
  for (int t = 0; t < 16; t++) w[t] = (v16){0};
  for (int i = 0; i < words; i++) w[i] = digest[i];
  w[words] = (v16){0} + 0x80000000u;
  w[15] = (v16){0} + (uint32_t)((64 + 4 * words) * 8);
  for (int i = 0; i < 8; i++) s[i] = from[i];
  sl_compress(hash, s, w);
}

void SL_NAME(sl_hash16)(int hash, const uint8_t *prefix, size_t plen, const sl_lanes *keys, uint8_t *const *out) {
  v16 s[8];
  hash_lanes(hash, prefix, plen, keys, s);
  store_lanes(hash, s, 4 * sl_words(hash), out);
}

void SL_NAME(sl_hmac16)(int hash, const sl_lanes *keys, const sl_tail *msg, uint8_t *const *out) {
  v16 inner[8], outer[8], mac[8];
  pads(hash, keys, inner, outer);
  shared_blocks(hash, inner, msg);
  digest_block(hash, mac, outer, inner);
  store_lanes(hash, mac, 4 * sl_words(hash), out);
}

void SL_NAME(sl_pbkdf2_16)(int hash, const sl_lanes *keys, const sl_tail *blocks, size_t nblocks, uint32_t iterations,
                                  size_t dk_len, uint8_t *const *out) {
  v16 inner[8], outer[8], u[8], x[8], t[8];
  size_t hlen = 4 * (size_t)sl_words(hash);
  int words = sl_words(hash);
  uint8_t *at[SL_LANES];
  pads(hash, keys, inner, outer);
  for (size_t b = 0; b < nblocks; b++) {
    for (int i = 0; i < 8; i++) x[i] = inner[i];
    shared_blocks(hash, x, &blocks[b]);
    digest_block(hash, u, outer, x);
    for (int i = 0; i < words; i++) t[i] = u[i];
    if (iterations > 1) {
      if (hash == SL_SHA1) SL_NAME(iterate1)(inner, outer, u, t, iterations - 1);
      else SL_NAME(iterate256)(inner, outer, u, t, iterations - 1);
    }
    size_t len = dk_len - b * hlen < hlen ? dk_len - b * hlen : hlen;
    for (int l = 0; l < SL_LANES; l++) at[l] = out[l] ? out[l] + b * hlen : NULL;
    store_lanes(hash, t, len, at);
  }
}
