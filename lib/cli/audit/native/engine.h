/* The batch kernels of engine.c: each works on one pass of SL_LANES candidates. */
#ifndef SL_ENGINE_H
#define SL_ENGINE_H
#include <stddef.h>
#include <stdint.h>

#define SL_GROUP 16

enum sl_hash { SL_SHA1 = 0, SL_SHA256 = 1 };

/* One pass's candidates: lane l is p[l][0, n[l]); out[l] NULL leaves lane l unwritten. */
typedef struct {
  const uint8_t *p[SL_GROUP];
  size_t n[SL_GROUP];
} sl_lanes;

/* The shared tail of a message after the 64-byte HMAC pad: bytes, padding and length, `blocks` × 64 bytes. */
typedef struct {
  const uint8_t *bytes;
  size_t blocks;
} sl_tail;

/* Fills `tail` (room for sl_tail_blocks(n) × 64 bytes) with message ‖ 0x80 ‖ 0… ‖ bit length of (lead + n). */
size_t sl_tail_blocks(size_t n);
void sl_make_tail(uint8_t *tail, const uint8_t *msg, size_t n, size_t lead);

/* The instruction set in use ("avx512f", "avx2", "base"), and a switch to another this CPU has (tests). */
const char *sl_isa(void);
int sl_set_isa(const char *name);

void sl_hash16(int hash, const uint8_t *prefix, size_t plen, const sl_lanes *keys, uint8_t *const *out);
void sl_hmac16(int hash, const sl_lanes *keys, const sl_tail *msg, uint8_t *const *out);
void sl_pbkdf2_16(int hash, const sl_lanes *keys, const sl_tail *blocks, size_t nblocks, uint32_t iterations,
                  size_t dk_len, uint8_t *const *out);

#endif
