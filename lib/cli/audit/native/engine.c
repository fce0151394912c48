/*
 * The engine's entry points: engine-impl.h for the baseline instruction set, and the choice between
 * it and the AVX-512 / AVX2 builds (engine-avx512.c, engine-avx2.c) for this CPU, made once.
 */
#include "engine.h"

#define SL_NAME(x) x##_base
#include "engine-impl.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SL_X86 1
#define SL_DECLARE(isa)                                                                                    \
  void sl_hash16_##isa(int, const uint8_t *, size_t, const sl_lanes *, uint8_t *const *);                 \
  void sl_hmac16_##isa(int, const sl_lanes *, const sl_tail *, uint8_t *const *);                         \
  void sl_pbkdf2_16_##isa(int, const sl_lanes *, const sl_tail *, size_t, uint32_t, size_t, uint8_t *const *);
SL_DECLARE(avx512)
SL_DECLARE(avx2)
#endif

typedef struct {
  const char *name;
  void (*hash16)(int, const uint8_t *, size_t, const sl_lanes *, uint8_t *const *);
  void (*hmac16)(int, const sl_lanes *, const sl_tail *, uint8_t *const *);
  void (*pbkdf2_16)(int, const sl_lanes *, const sl_tail *, size_t, uint32_t, size_t, uint8_t *const *);
} sl_isa_impl;

static const sl_isa_impl ISAS[] = {
#ifdef SL_X86
    {"avx512f", sl_hash16_avx512, sl_hmac16_avx512, sl_pbkdf2_16_avx512},
    {"avx2", sl_hash16_avx2, sl_hmac16_avx2, sl_pbkdf2_16_avx2},
#endif
    {"base", sl_hash16_base, sl_hmac16_base, sl_pbkdf2_16_base},
};
#define SL_ISA_COUNT (sizeof ISAS / sizeof *ISAS)

static int supported(const char *name) {
#ifdef SL_X86
  __builtin_cpu_init();
  if (!strcmp(name, "avx512f")) return __builtin_cpu_supports("avx512f");
  if (!strcmp(name, "avx2")) return __builtin_cpu_supports("avx2");
#endif
  return !strcmp(name, "base");
}

static const sl_isa_impl *current;

static const sl_isa_impl *impl(void) {
  if (!current)
    for (size_t i = 0; i < SL_ISA_COUNT && !current; i++)
      if (supported(ISAS[i].name)) current = &ISAS[i];
  return current;
}

const char *sl_isa(void) { return impl()->name; }

int sl_set_isa(const char *name) {
  for (size_t i = 0; i < SL_ISA_COUNT; i++) {
    if (strcmp(ISAS[i].name, name) || !supported(name)) continue;
    current = &ISAS[i];
    return 1;
  }
  return 0;
}

size_t sl_tail_blocks(size_t n) { return (n + 8) / 64 + 1; }

void sl_make_tail(uint8_t *tail, const uint8_t *msg, size_t n, size_t lead) {
  size_t size = sl_tail_blocks(n) * 64;
  memset(tail, 0, size);
  if (n) memcpy(tail, msg, n);
  tail[n] = 0x80;
  uint64_t bits = (uint64_t)(lead + n) * 8;
  for (int i = 0; i < 8; i++) tail[size - 1 - i] = (uint8_t)(bits >> (8 * i));
}

void sl_hash16(int hash, const uint8_t *prefix, size_t plen, const sl_lanes *keys, uint8_t *const *out) {
  impl()->hash16(hash, prefix, plen, keys, out);
}

void sl_hmac16(int hash, const sl_lanes *keys, const sl_tail *msg, uint8_t *const *out) { impl()->hmac16(hash, keys, msg, out); }

void sl_pbkdf2_16(int hash, const sl_lanes *keys, const sl_tail *blocks, size_t nblocks, uint32_t iterations, size_t dk_len,
                  uint8_t *const *out) {
  impl()->pbkdf2_16(hash, keys, blocks, nblocks, iterations, dk_len, out);
}
