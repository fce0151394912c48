/*
 * SHA-1 (FIPS 180-4 §6.1) and SHA-256 (FIPS 180-4 §6.2) over 16 independent lanes at once, one
 * 32-bit word per lane in a GCC vector (`vector_size(64)`): one AVX-512 register where the CPU has
 * it, two AVX2 or four SSE2 registers otherwise (engine-impl.h is compiled once per instruction set).
 */
#ifndef SL_SHA_LANES_H
#define SL_SHA_LANES_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "engine.h"

#define SL_LANES 16
typedef uint32_t v16 __attribute__((vector_size(64)));

#define SL_INLINE static inline __attribute__((always_inline))
#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))
#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

/* Digest words: 5 for SHA-1, 8 for SHA-256. */
SL_INLINE int sl_words(int hash) { return hash == SL_SHA1 ? 5 : 8; }

static const uint32_t SL_IV1[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
static const uint32_t SL_IV256[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
static const uint32_t SL_K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

/* One SHA-1 compression of every lane: s[0..4] += f(s, w). `w` is overwritten (message schedule). */
SL_INLINE void sl_sha1(v16 *s, v16 *w) {
  v16 a = s[0], b = s[1], c = s[2], d = s[3], e = s[4];
#pragma GCC unroll 80
  for (int t = 0; t < 80; t++) {
    if (t >= 16) {
      v16 x = w[(t - 3) & 15] ^ w[(t - 8) & 15] ^ w[(t - 14) & 15] ^ w[t & 15];
      w[t & 15] = ROL(x, 1);
    }
    v16 f;
    uint32_t k;
    if (t < 20) f = d ^ (b & (c ^ d)), k = 0x5a827999;
    else if (t < 40) f = b ^ c ^ d, k = 0x6ed9eba1;
    else if (t < 60) f = (b & c) | (d & (b | c)), k = 0x8f1bbcdc;
    else f = b ^ c ^ d, k = 0xca62c1d6;
    v16 tmp = ROL(a, 5) + f + e + k + w[t & 15];
    e = d, d = c, c = ROL(b, 30), b = a, a = tmp;
  }
  s[0] += a, s[1] += b, s[2] += c, s[3] += d, s[4] += e;
}

/* One SHA-256 compression of every lane: s[0..7] += f(s, w). `w` is overwritten. */
SL_INLINE void sl_sha256(v16 *s, v16 *w) {
  v16 a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
#pragma GCC unroll 64
  for (int t = 0; t < 64; t++) {
    if (t >= 16) {
      v16 w15 = w[(t - 15) & 15], w2 = w[(t - 2) & 15];
      v16 s0 = ROR(w15, 7) ^ ROR(w15, 18) ^ (w15 >> 3);
      v16 s1 = ROR(w2, 17) ^ ROR(w2, 19) ^ (w2 >> 10);
      w[t & 15] += s0 + w[(t - 7) & 15] + s1;
    }
    v16 t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + (g ^ (e & (f ^ g))) + SL_K256[t] + w[t & 15];
    v16 t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) | (c & (a | b)));
    h = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
  }
  s[0] += a, s[1] += b, s[2] += c, s[3] += d, s[4] += e, s[5] += f, s[6] += g, s[7] += h;
}

SL_INLINE void sl_iv(int hash, v16 *s) {
  int n = sl_words(hash);
  for (int i = 0; i < n; i++) s[i] = (v16){0} + (hash == SL_SHA1 ? SL_IV1[i] : SL_IV256[i]);
}

SL_INLINE uint32_t sl_be32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

SL_INLINE void sl_put_be32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

#endif
