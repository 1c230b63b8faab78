/*===- bench/kernels/crc32.c - CRC-32 (IEEE 802.3), slicing-by-4 ----------===*
 * CRC-32 of a 256 KiB buffer with four 256-entry tables built in init:
 * table lookups at data-dependent addresses, shifts and xors.
 *===----------------------------------------------------------------------===*/
#include "kernel_common.h"

#define CRC_BYTES (256 * 1024)

static uint32_t Table[4][256];
static uint8_t Data[CRC_BYTES];

KERNEL_EXPORT(crc32_init) void crc32_init(void) {
  for (uint32_t I = 0; I < 256; ++I) {
    uint32_t C = I;
    for (int K = 0; K < 8; ++K)
      C = (C & 1) ? 0xedb88320u ^ (C >> 1) : C >> 1;
    Table[0][I] = C;
  }
  for (uint32_t I = 0; I < 256; ++I)
    for (int T = 1; T < 4; ++T)
      Table[T][I] = (Table[T - 1][I] >> 8) ^ Table[0][Table[T - 1][I] & 0xff];
  uint32_t S = 0xc4c32u;
  for (int I = 0; I < CRC_BYTES; ++I)
    Data[I] = (uint8_t)(kb_next(&S) >> 24);
}

KERNEL_EXPORT(crc32_run) uint32_t crc32_run(void) {
  uint32_t C = 0xffffffffu;
  const uint8_t *P = Data;
  for (size_t I = 0; I < CRC_BYTES; I += 4, P += 4) {
    C ^= (uint32_t)P[0] | (uint32_t)P[1] << 8 | (uint32_t)P[2] << 16 |
         (uint32_t)P[3] << 24;
    C = Table[3][C & 0xff] ^ Table[2][(C >> 8) & 0xff] ^
        Table[1][(C >> 16) & 0xff] ^ Table[0][C >> 24];
  }
  return ~C;
}
