//===- tests/unit/bounds_check_versioning_test.cc - Checks out of loops ---===//
//
// BoundsCheckVersioningPass (compiler/codegen/bounds_check_versioning.h)
// gives bounds-checked loops a copy without checks, chosen by one test
// before the loop. A test that admits a trip the checks would trap on is a
// sandbox escape, so the loops of tests/unit/modules/checked_loops.wat run
// against a model of Wasm's semantics on thousands of placements: inside
// the memory, ending exactly at its edge, one byte past it, crossing it on
// a late trip, wrapping past 2^32. The trap, the result and every byte of
// memory afterwards (the stores before a trap must have happened) must
// match, in both memory modes. The assembly test shows the pass fires:
// without it no loop of store_up4 is free of checks.
//
//===----------------------------------------------------------------------===//

#include "codegen_test_util.h"

#include <gtest/gtest.h>

#include <climits>
#include <cstring>
#include <functional>
#include <random>
#include <set>

namespace {

using namespace kiln;
using namespace kiln::testutil;

constexpr uint64_t MemoryBytes = 65536; // checked_loops.wat: one page

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

uint32_t u32(uint64_t V) { return uint32_t(V); }

/// Starts that are interesting whatever the trip count: the ends of the
/// memory and of the 32-bit index space.
uint32_t edgeStart(std::mt19937 &R) {
  static const uint32_t Edges[] = {0,          1,          8,          4096,
                                   32768,      65536 - 64, 65536 - 8,  65536,
                                   65536 + 8,  131072,     0x7fffffff, 0x80000000,
                                   0xfffffff0, 0xfffffffc, 0xffffffff};
  return Edges[R() % std::size(Edges)] + uint32_t(int32_t(R() % 33) - 16);
}

std::vector<LoopFunc> loopFuncs() {
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

/// Every byte nonzero except one in about 3000, so mark_until_zero makes
/// long walks and short ones.
std::vector<uint8_t> initialMemory() {
  std::vector<uint8_t> Bytes(MemoryBytes);
  std::mt19937 R(7);
  for (uint8_t &B : Bytes)
    B = R() % 3000 == 0 ? 0 : uint8_t(R() % 255 + 1);
  return Bytes;
}

class BoundsCheckVersioning : public testing::TestWithParam<MemoryMode> {};

TEST_P(BoundsCheckVersioning, EveryPlacementMatchesTheModel) {
  std::unique_ptr<Instance> I = instantiateTestModule("checked_loops", GetParam());
  ASSERT_TRUE(I);
  std::optional<Extern> Mem = I->exportOf("memory");
  ASSERT_TRUE(Mem && Mem->M);
  ASSERT_EQ(memorySizeBytes(*Mem->M), MemoryBytes);
  uint8_t *Bytes = memoryData(*Mem->M);
  const std::vector<uint8_t> Initial = initialMemory();

  static const uint32_t Trips[] = {1,    2,    3,    4,     7,     8,     9,    15,
                                   16,   17,   100,  255,   1000,  4095,  4096, 4097,
                                   8191, 8192, 8193, 16383, 16384, 16385, 32767};
  std::mt19937 R(2024);
  for (const LoopFunc &F : loopFuncs()) {
    unsigned Traps = 0, Completed = 0;
    for (unsigned Case = 0; Case < 400; ++Case) {
      // Aimed at the edge (D in [-12, 12]) three times in four, else a
      // start from the edge list and any trip count, zero included.
      uint32_t N = Case % 16 == 15 ? 0
                   : Case % 8 == 7 ? R() % 20000
                                   : Trips[R() % std::size(Trips)];
      std::vector<uint64_t> Args = F.Place(N, int32_t(R() % 25) - 12, R);
      if (Case % 4 == 3)
        Args[0] = edgeStart(R);
      std::vector<Value> Wasm;
      for (size_t P = 0; P < Args.size(); ++P)
        Wasm.push_back(F.Params[P] == 'I' ? Value::i64(Args[P]) : Value::i32(u32(Args[P])));

      Model M(Initial);
      uint64_t Expected = F.Run(M, Args);
      std::memcpy(Bytes, Initial.data(), MemoryBytes);
      kiln::Expected<std::vector<Value>> Got = I->call(F.Name, Wasm);

      std::string What = std::string(F.Name) + "(";
      for (size_t P = 0; P < Args.size(); ++P)
        What += std::to_string(Args[P]) + (P + 1 == Args.size() ? ")" : ", ");
      ASSERT_EQ(!Got, M.Trapped) << What << (Got ? " ran to the end" : " trapped");
      if (!Got) {
        kiln::Error E = Got.takeError();
        EXPECT_NE(E.str().find("out of bounds"), std::string::npos) << What;
        // A bounds check names the instruction's offset. A trap without
        // one is a fault: the unchecked copy ran an access the checks
        // would have stopped, and only the 4 GiB reservation behind this
        // memory caught it (a 32-bit device has none).
        if (GetParam() == MemoryMode::BoundsChecked)
          EXPECT_NE(E.offset(), NoOffset) << What << ": " << E.str();
        ++Traps;
      } else {
        ++Completed;
        if (F.Result == 'i')
          ASSERT_EQ(Got->at(0).i32(), u32(Expected)) << What;
        if (F.Result == 'I')
          ASSERT_EQ(Got->at(0).i64(), Expected) << What;
      }
      // Guard mode is exact up to LLVM combining neighbouring stores (a
      // vector store that faults writes none of its lanes), so after a
      // trap only bounds-checked mode promises every earlier store.
      if (Got || GetParam() == MemoryMode::BoundsChecked)
        ASSERT_EQ(std::memcmp(Bytes, M.Mem.data(), MemoryBytes), 0)
            << What << ": memory differs from the model";
    }
    // The placements must exercise both outcomes of every loop.
    EXPECT_GT(Traps, 40u) << F.Name;
    EXPECT_GT(Completed, 40u) << F.Name;
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, BoundsCheckVersioning,
                         testing::Values(MemoryMode::Guard, MemoryMode::BoundsChecked),
                         modeName);

/// Per loop of function `Index` (from the label a backward jump targets to
/// that jump): whether one of its conditional jumps goes to a trap block,
/// a block that calls a builtin (the trap) and does not return.
std::vector<bool> loopsWithChecks(const std::string &Asm, unsigned Index) {
  std::vector<std::string> Body = functionLines(Asm, Index);
  std::set<std::string> TrapLabels;
  for (size_t L = 0; L < Body.size(); ++L) {
    if (Body[L].rfind(".LBB", 0) != 0 || Body[L].back() != ':')
      continue;
    bool Calls = false, Returns = false;
    for (size_t K = L + 1; K < Body.size() && Body[K].rfind(".LBB", 0) != 0; ++K) {
      Calls |= Body[K].find("callq") != std::string::npos;
      Returns |= Body[K].find("retq") != std::string::npos ||
                 Body[K].find("jmp") != std::string::npos;
    }
    if (Calls && !Returns)
      TrapLabels.insert(Body[L].substr(0, Body[L].size() - 1));
  }
  std::vector<bool> Loops;
  static const std::regex Jump(R"(^\s+(j\w+)\s+(\.LBB\w+))");
  for (size_t J = 0; J < Body.size(); ++J) {
    std::smatch M;
    if (!std::regex_search(Body[J], M, Jump))
      continue;
    for (size_t L = 0; L < J; ++L) {
      if (Body[L] != M[2].str() + ":")
        continue;
      bool Checks = false;
      for (size_t K = L + 1; K < J; ++K) {
        std::smatch T;
        Checks |= std::regex_search(Body[K], T, Jump) && T[1] != "jmp" &&
                  TrapLabels.count(T[2]);
      }
      Loops.push_back(Checks);
    }
  }
  return Loops;
}

TEST(BoundsCheckVersioning, ProvableLoopsGetACopyWithoutChecks) {
  std::string Asm =
      compileToX86Asm("checked_loops", "x86-64-v2", MemoryMode::BoundsChecked);
  // Functions 0-6 and 8 have a computable trip count: each keeps its
  // checked loop and gains one that jumps to no trap. store_until_end (7)
  // may wrap its address and loop forever before trapping, so it has no
  // trip count to reason with and stays as it was.
  for (unsigned F = 0; F < 9; ++F) {
    std::vector<bool> Loops = loopsWithChecks(Asm, F);
    size_t Checked = std::count(Loops.begin(), Loops.end(), true);
    size_t Unchecked = Loops.size() - Checked;
    EXPECT_GE(Checked, 1u) << "function " << F << ": " << listing(mnemonicsOf(Asm, F));
    EXPECT_EQ(Unchecked > 0, F != 7)
        << "function " << F << ": " << listing(mnemonicsOf(Asm, F));
  }
}

} // namespace
