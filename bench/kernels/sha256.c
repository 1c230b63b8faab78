/*===- bench/kernels/sha256.c - SHA-256 of a 64 KiB message ---------------===*
 * FIPS 180-4 SHA-256: 32-bit rotates, adds and the message schedule.
 * The checksum folds the 8 digest words.
 *===----------------------------------------------------------------------===*/
#include "kernel_common.h"

#define SHA_BYTES (64 * 1024)

static uint8_t Message[SHA_BYTES];

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static inline uint32_t rotr(uint32_t X, int N) {
  return (X >> N) | (X << (32 - N));
}

static void compress(uint32_t State[8], const uint8_t *Block) {
  uint32_t W[64];
  for (int I = 0; I < 16; ++I)
    W[I] = (uint32_t)Block[4 * I] << 24 | (uint32_t)Block[4 * I + 1] << 16 |
           (uint32_t)Block[4 * I + 2] << 8 | (uint32_t)Block[4 * I + 3];
  for (int I = 16; I < 64; ++I) {
    uint32_t S0 = rotr(W[I - 15], 7) ^ rotr(W[I - 15], 18) ^ (W[I - 15] >> 3);
    uint32_t S1 = rotr(W[I - 2], 17) ^ rotr(W[I - 2], 19) ^ (W[I - 2] >> 10);
    W[I] = W[I - 16] + S0 + W[I - 7] + S1;
  }
  uint32_t A = State[0], B = State[1], C = State[2], D = State[3];
  uint32_t E = State[4], F = State[5], G = State[6], H = State[7];
  for (int I = 0; I < 64; ++I) {
    uint32_t T1 = H + (rotr(E, 6) ^ rotr(E, 11) ^ rotr(E, 25)) +
                  ((E & F) ^ (~E & G)) + K256[I] + W[I];
    uint32_t T2 = (rotr(A, 2) ^ rotr(A, 13) ^ rotr(A, 22)) +
                  ((A & B) ^ (A & C) ^ (B & C));
    H = G;
    G = F;
    F = E;
    E = D + T1;
    D = C;
    C = B;
    B = A;
    A = T1 + T2;
  }
  State[0] += A;
  State[1] += B;
  State[2] += C;
  State[3] += D;
  State[4] += E;
  State[5] += F;
  State[6] += G;
  State[7] += H;
}

KERNEL_EXPORT(sha256_init) void sha256_init(void) {
  uint32_t S = 0x5a256u;
  for (int I = 0; I < SHA_BYTES; ++I)
    Message[I] = (uint8_t)(kb_next(&S) >> 24);
}

KERNEL_EXPORT(sha256_run) uint32_t sha256_run(void) {
  uint32_t State[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  for (size_t Off = 0; Off < SHA_BYTES; Off += 64)
    compress(State, Message + Off);
  /* The padding block of a message whose length is a multiple of 64. */
  uint8_t Pad[64] = {0x80};
  uint64_t Bits = (uint64_t)SHA_BYTES * 8;
  for (int I = 0; I < 8; ++I)
    Pad[63 - I] = (uint8_t)(Bits >> (8 * I));
  compress(State, Pad);
  uint32_t H = KB_HASH_INIT;
  for (int I = 0; I < 8; ++I)
    H = kb_mix(H, State[I]);
  return H;
}
