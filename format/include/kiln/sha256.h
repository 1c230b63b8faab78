//===- kiln/sha256.h - SHA-256 (FIPS 180-4) ---------------------*- C++ -*-===//
//
// The artifact's integrity check (kiln/format.h): each section's digest and
// the trailer. Header-only and plain C++ (no SHA extensions, no intrinsics)
// so the runtime builds unchanged for every device, ARMv7 included; an
// artifact is hashed once per load, so portability matters more than speed.
//
//   Sha256 H;
//   H.update(P, N);            // any number of times
//   Sha256Digest D = H.final();
//   Sha256Digest E = sha256(Bytes);
//
//===----------------------------------------------------------------------===//
#ifndef KILN_SHA256_H
#define KILN_SHA256_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace kiln {

/// The same type as format::Digest, so a digest can be stored directly.
using Sha256Digest = std::array<uint8_t, 32>;

class Sha256 {
public:
  using Digest = Sha256Digest;

  void update(const void *Data, size_t N) {
    const uint8_t *P = static_cast<const uint8_t *>(Data);
    TotalBytes += N;
    if (BufLen) {
      size_t Take = N < 64 - BufLen ? N : 64 - BufLen;
      for (size_t I = 0; I < Take; ++I)
        Buf[BufLen + I] = P[I];
      BufLen += Take;
      P += Take;
      N -= Take;
      if (BufLen < 64)
        return;
      compress(Buf);
      BufLen = 0;
    }
    for (; N >= 64; P += 64, N -= 64)
      compress(P);
    for (size_t I = 0; I < N; ++I)
      Buf[I] = P[I];
    BufLen = N;
  }
  void update(std::span<const uint8_t> Bytes) {
    update(Bytes.data(), Bytes.size());
  }

  /// Pads, finishes and returns the digest. The object is spent afterwards;
  /// call reset() to hash something else.
  Digest final() {
    uint64_t Bits = TotalBytes * 8;
    uint8_t Pad[72] = {0x80};
    // Pad to 56 mod 64, then the 64-bit big-endian message length.
    size_t PadLen = BufLen < 56 ? 56 - BufLen : 120 - BufLen;
    for (unsigned I = 0; I < 8; ++I)
      Pad[PadLen + I] = uint8_t(Bits >> (56 - 8 * I));
    update(Pad, PadLen + 8);
    Digest D;
    for (unsigned I = 0; I < 8; ++I)
      for (unsigned J = 0; J < 4; ++J)
        D[4 * I + J] = uint8_t(H[I] >> (24 - 8 * J));
    return D;
  }

  void reset() { *this = Sha256(); }

private:
  static constexpr uint32_t rotr(uint32_t X, unsigned N) {
    return (X >> N) | (X << (32 - N));
  }

  void compress(const uint8_t *P) {
    static constexpr uint32_t K[64] = {
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
    uint32_t W[64];
    for (unsigned I = 0; I < 16; ++I)
      W[I] = uint32_t(P[4 * I]) << 24 | uint32_t(P[4 * I + 1]) << 16 |
             uint32_t(P[4 * I + 2]) << 8 | uint32_t(P[4 * I + 3]);
    for (unsigned I = 16; I < 64; ++I) {
      uint32_t S0 = rotr(W[I - 15], 7) ^ rotr(W[I - 15], 18) ^ (W[I - 15] >> 3);
      uint32_t S1 = rotr(W[I - 2], 17) ^ rotr(W[I - 2], 19) ^ (W[I - 2] >> 10);
      W[I] = W[I - 16] + S0 + W[I - 7] + S1;
    }
    uint32_t A = H[0], B = H[1], C = H[2], D = H[3], E = H[4], F = H[5],
             G = H[6], Hh = H[7];
    for (unsigned I = 0; I < 64; ++I) {
      uint32_t S1 = rotr(E, 6) ^ rotr(E, 11) ^ rotr(E, 25);
      uint32_t Ch = (E & F) ^ (~E & G);
      uint32_t T1 = Hh + S1 + Ch + K[I] + W[I];
      uint32_t S0 = rotr(A, 2) ^ rotr(A, 13) ^ rotr(A, 22);
      uint32_t Maj = (A & B) ^ (A & C) ^ (B & C);
      uint32_t T2 = S0 + Maj;
      Hh = G;
      G = F;
      F = E;
      E = D + T1;
      D = C;
      C = B;
      B = A;
      A = T1 + T2;
    }
    H[0] += A;
    H[1] += B;
    H[2] += C;
    H[3] += D;
    H[4] += E;
    H[5] += F;
    H[6] += G;
    H[7] += Hh;
  }

  std::array<uint32_t, 8> H = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  uint8_t Buf[64] = {};
  size_t BufLen = 0;
  uint64_t TotalBytes = 0;
};

inline Sha256Digest sha256(std::span<const uint8_t> Bytes) {
  Sha256 H;
  H.update(Bytes);
  return H.final();
}

/// The digest as `sha256sum` prints it: 64 lower-case hex digits (what an
/// application's manifest pins, kiln/agent/manifest.h).
inline std::string sha256Hex(std::span<const uint8_t> Bytes) {
  static constexpr char Digits[] = "0123456789abcdef";
  std::string S;
  for (uint8_t B : sha256(Bytes)) {
    S += Digits[B >> 4];
    S += Digits[B & 15];
  }
  return S;
}

} // namespace kiln

#endif // KILN_SHA256_H
