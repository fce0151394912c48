/* engine-impl.h for AVX2 (two 256-bit registers per 16-lane word); engine.c calls it when the CPU has AVX2. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#pragma GCC target("avx2")
#define SL_NAME(x) x##_avx2
#include "engine-impl.h"
#endif
