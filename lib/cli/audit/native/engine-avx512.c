/* engine-impl.h for AVX-512 (one 512-bit register per 16-lane word); engine.c calls it when the CPU has AVX-512F. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#pragma GCC target("avx512f")
#define SL_NAME(x) x##_avx512
#include "engine-impl.h"
#endif
