//===- tests/unit/checked_loops_model.h - checked_loops.wat's semantics ---===//
//
// A model of tests/unit/modules/checked_loops.wat in plain C++, and the
// placements its loops are tested at. bounds_check_versioning_test runs
// the placements on this machine and compares trap, result and memory with
// the model; kiln-checked-loops-script writes the same comparisons as a
// spec-test script, so a target's runtime can run them under qemu-user
// (tests/cross: armv7, whose bounds-checked memory has no reservation
// behind it to catch a wrong access).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TESTS_UNIT_CHECKED_LOOPS_MODEL_H
#define KILN_TESTS_UNIT_CHECKED_LOOPS_MODEL_H

#include <climits>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iterator>
#include <random>
#include <vector>

namespace kiln::testutil {

inline constexpr uint64_t MemoryBytes = 65536; // checked_loops.wat: one page

/// Wasm's semantics of checked_loops.wat's functions over a copy of the
/// memory: addresses wrap at 2^32, an access traps when address + offset
/// + size passes the end, and the stores before a trap stay.
class Model {
public:
  explicit Model(std::vector<uint8_t> Bytes) : Mem(std::move(Bytes)) {}

  template <class T> bool load(uint32_t Addr, uint32_t Offset, T &Out) {
    if (!inBounds(Addr, Offset, sizeof(T)))
      return false;
    std::memcpy(&Out, Mem.data() + Addr + Offset, sizeof(T));
    return true;
  }
  template <class T> bool store(uint32_t Addr, uint32_t Offset, T V) {
    if (!inBounds(Addr, Offset, sizeof(T)))
      return false;
    std::memcpy(Mem.data() + Addr + Offset, &V, sizeof(T));
    return true;
  }

  std::vector<uint8_t> Mem;
  bool Trapped = false;

private:
  bool inBounds(uint32_t Addr, uint32_t Offset, size_t Size) {
    Trapped = uint64_t(Addr) + Offset + Size > MemoryBytes;
    return !Trapped;
  }
};

/// One exported loop of checked_loops.wat: its parameter and result types
/// ('i' i32, 'I' i64; Result 0 for none), how to place it at distance D
/// from the edge its walk heads for after N trips, and what it does.
struct LoopFunc {
  const char *Name;
  const char *Params;
  char Result;
  std::function<std::vector<uint64_t>(uint32_t N, int32_t D, std::mt19937 &)> Place;
  std::function<uint64_t(Model &, const std::vector<uint64_t> &)> Run;
};

inline uint32_t u32(uint64_t V) { return uint32_t(V); }

/// Starts that are interesting whatever the trip count: the ends of the
/// memory and of the 32-bit index space.
inline uint32_t edgeStart(std::mt19937 &R) {
  static const uint32_t Edges[] = {0,          1,          8,          4096,
                                   32768,      65536 - 64, 65536 - 8,  65536,
                                   65536 + 8,  131072,     0x7fffffff, 0x80000000,
                                   0xfffffff0, 0xfffffffc, 0xffffffff};
  return Edges[R() % std::size(Edges)] + uint32_t(int32_t(R() % 33) - 16);
}

inline std::vector<LoopFunc> loopFuncs() {
  return {
      {"store_up4", "iii", 0,
       [](uint32_t N, int32_t D, std::mt19937 &) {
         // The last store, at p + 4(N-1) + 8, ends at the edge when D = 0.
         return std::vector<uint64_t>{u32(MemoryBytes - 12 - 4 * uint64_t(N - 1) + D), N,
                                      0x01020304};
       },
       [](Model &M, const std::vector<uint64_t> &A) -> uint64_t {
         for (uint32_t K = 0; K < u32(A[1]); ++K)
           if (!M.store<uint32_t>(u32(A[0]) + 4 * K, 8, u32(A[2]) + K))
             break;
         return 0;
       }},
      {"store_down2", "iii", 0,
       [](uint32_t N, int32_t D, std::mt19937 &) {
         // The last store, at p - 2(N-1) + 3, is at address 0 when D = 0;
         // below that the address wraps to near 4 GiB.
         return std::vector<uint64_t>{u32(2 * uint64_t(N - 1) - 3 + D), N, 0xbeef};
       },
       [](Model &M, const std::vector<uint64_t> &A) -> uint64_t {
         for (uint32_t K = 0; K < u32(A[1]); ++K)
           if (!M.store<uint16_t>(u32(A[0]) - 2 * K, 3, uint16_t(u32(A[2]) + K)))
             break;
         return 0;
       }},
      {"sum_up8", "ii", 'I',
       [](uint32_t N, int32_t D, std::mt19937 &) {
         return std::vector<uint64_t>{u32(MemoryBytes - 8 * uint64_t(N) + D), N};
       },
       [](Model &M, const std::vector<uint64_t> &A) -> uint64_t {
         uint64_t Sum = 0;
         for (uint32_t K = 0; K < u32(A[1]); ++K) {
           uint64_t V;
           if (!M.load<uint64_t>(u32(A[0]) + 8 * K, 0, V))
             break;
           Sum += V;
         }
         return Sum;
       }},
      {"copy_bytes", "iii", 0,
       [](uint32_t N, int32_t D, std::mt19937 &R) {
         // One of the two walks aimed at the edge, the other anywhere.
         uint32_t Aimed = u32(MemoryBytes - N + D);
         uint32_t Other = R() % 2 ? edgeStart(R) : R() % 65536;
         return R() % 2 ? std::vector<uint64_t>{Aimed, Other - 1, N}
                        : std::vector<uint64_t>{Other, Aimed - 1, N};
       },
       [](Model &M, const std::vector<uint64_t> &A) -> uint64_t {
         for (uint32_t K = 0; K < u32(A[2]); ++K) {
           uint8_t B;
           if (!M.load<uint8_t>(u32(A[1]) + K, 1, B) ||
               !M.store<uint8_t>(u32(A[0]) + K, 0, B))
             break;
         }
         return 0;
       }},
      {"mark_until_zero", "ii", 'i',
       [](uint32_t N, int32_t D, std::mt19937 &) {
         return std::vector<uint64_t>{u32(MemoryBytes - 16384 - N + D), N};
       },
       [](Model &M, const std::vector<uint64_t> &A) -> uint64_t {
         uint32_t K = 0, P = u32(A[0]), N = u32(A[1]);
         if (N == 0)
           return 0;
         for (;;) {
           uint8_t B;
           if (!M.load<uint8_t>(P + K, 0, B) || B == 0)
             return K;
           if (!M.store<uint8_t>(P + K, 16384, uint8_t(B + 1)))
             return K;
           if (++K == N)
             return K;
         }
       }},
      {"store_invariant", "iii", 0,
       [](uint32_t N, int32_t D, std::mt19937 &R) {
         uint32_t Q = R() % 4 ? R() % (65536 - 3) : edgeStart(R);
         return std::vector<uint64_t>{u32(MemoryBytes - N + D), Q, N};
       },
       [](Model &M, const std::vector<uint64_t> &A) -> uint64_t {
         for (uint32_t K = 0; K < u32(A[2]); ++K)
           if (!M.store<uint32_t>(u32(A[1]), 0, K) ||
               !M.store<uint8_t>(u32(A[0]) + K, 0, uint8_t(K)))
             break;
         return 0;
       }},
      {"store_i64_counter", "Ii", 0,
       [](uint32_t N, int32_t D, std::mt19937 &R) {
         // The high half is dropped by the wrap; the low half is aimed.
         static const uint64_t Highs[] = {0, 1, 0xffffffff};
         uint64_t Low = u32(MemoryBytes - 1 - 3 * uint64_t(N - 1) + D);
         return std::vector<uint64_t>{(Highs[R() % 3] << 32) | Low, N};
       },
       [](Model &M, const std::vector<uint64_t> &A) -> uint64_t {
         for (uint32_t K = 0; K < u32(A[1]); ++K) {
           uint64_t J = A[0] + 3 * uint64_t(K);
           if (!M.store<uint8_t>(u32(J), 0, uint8_t(J)))
             break;
         }
         return 0;
       }},
      {"store_until_end", "ii", 0,
       [](uint32_t N, int32_t D, std::mt19937 &R) {
         uint32_t End = u32(MemoryBytes + D);
         return std::vector<uint64_t>{End - 2 * N + uint32_t(R() % 3), End};
       },
       [](Model &M, const std::vector<uint64_t> &A) -> uint64_t {
         uint32_t P = u32(A[0]), End = u32(A[1]);
         if (P >= End)
           return 0;
         do {
           if (!M.store<uint16_t>(P, 0, uint16_t(P)))
             break;
           P += 2;
         } while (P < End);
         return 0;
       }},
      {"store_strided", "iiii", 0,
       [](uint32_t N, int32_t D, std::mt19937 &R) {
         static const int32_t Steps[] = {0,       1,        4,         -4,
                                         7,       -9,       4096,      65536,
                                         1 << 24, -(1 << 24), (1 << 24) + 4,
                                         INT32_MIN};
         int32_t Step = Steps[R() % std::size(Steps)];
         // Rising walks end at the top edge, falling ones at address 0.
         uint64_t Travel = uint64_t(int64_t(Step) * (int64_t(N) - 1));
         uint32_t P = Step >= 0 ? u32(MemoryBytes - 4 - Travel + D) : u32(-int64_t(Travel) + D);
         return std::vector<uint64_t>{P, u32(Step), N, 0x0a0b0c0d};
       },
       [](Model &M, const std::vector<uint64_t> &A) -> uint64_t {
         for (uint32_t K = 0; K < u32(A[2]); ++K)
           if (!M.store<uint32_t>(u32(A[0]) + u32(A[1]) * K, 0, u32(A[3]) + K))
             break;
         return 0;
       }},
  };
}

/// The module's `reset`: xorshift32 from 0x2545f491, one step per byte;
/// the byte is 0 when the state is a multiple of 3000, else state % 255 + 1
/// (mark_until_zero then makes long walks and short ones).
inline std::vector<uint8_t> initialMemory() {
  std::vector<uint8_t> Bytes(MemoryBytes);
  uint32_t X = 0x2545f491;
  for (uint8_t &B : Bytes) {
    X ^= X << 13;
    X ^= X >> 17;
    X ^= X << 5;
    B = X % 3000 == 0 ? 0 : uint8_t(X % 255 + 1);
  }
  return Bytes;
}

/// The module's `hash`: FNV-1a (64-bit) over the memory's bytes.
inline uint64_t memoryHash(const std::vector<uint8_t> &Bytes) {
  uint64_t H = 0xcbf29ce484222325u;
  for (uint8_t B : Bytes)
    H = (H ^ B) * 0x100000001b3u;
  return H;
}

/// One call: which function of loopFuncs() and its arguments.
struct LoopCase {
  size_t Func;
  std::vector<uint64_t> Args;
};

/// PerFunc placements of every function, the same on every run: aimed at
/// the edge its walk heads for (D in [-12, 12]) three times in four, else
/// from a start on the edge list; trip counts from a list of powers of two
/// and their neighbours, sometimes any up to 20000, sometimes 0.
inline std::vector<LoopCase> loopCases(unsigned PerFunc) {
  static const uint32_t Trips[] = {1,    2,    3,    4,     7,     8,     9,    15,
                                   16,   17,   100,  255,   1000,  4095,  4096, 4097,
                                   8191, 8192, 8193, 16383, 16384, 16385, 32767};
  std::vector<LoopFunc> Funcs = loopFuncs();
  std::vector<LoopCase> Cases;
  std::mt19937 R(2024);
  for (size_t F = 0; F < Funcs.size(); ++F)
    for (unsigned Case = 0; Case < PerFunc; ++Case) {
      uint32_t N = Case % 16 == 15 ? 0
                   : Case % 8 == 7 ? R() % 20000
                                   : Trips[R() % std::size(Trips)];
      std::vector<uint64_t> Args = Funcs[F].Place(N, int32_t(R() % 25) - 12, R);
      if (Case % 4 == 3)
        Args[0] = edgeStart(R);
      Cases.push_back({F, std::move(Args)});
    }
  return Cases;
}

} // namespace kiln::testutil

#endif // KILN_TESTS_UNIT_CHECKED_LOOPS_MODEL_H
