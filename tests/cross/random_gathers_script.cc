//===- tests/cross/random_gathers_script.cc - Random byte gathers as a script -===//
//
// kiln-random-gathers-script OUT_DIR FUNCS SEED
//
// Writes OUT_DIR/random_gathers.wast, a spec-test script of FUNCS random
// v128 expressions built from what ByteGatherPass
// (compiler/codegen/byte_gather.h) traces and what it must not: splat,
// zero-extending and lane loads of 1 to 8 bytes at p + c (+ a static
// offset) around a 16-byte window, combined by shuffles, extends, shifts,
// and/or/xor with constants, in trees a few levels deep. Each function's
// expected result comes from the model below, which evaluates the tree the
// way the Wasm spec does; for each function the script checks a window
// inside memory, one that ends at memory's last byte, one a byte further
// (a trap), and one whose i32 address wraps. Many of the trees leave some
// loads' bytes unused (a lane overwritten, bytes masked or shifted away),
// so the traps also test guard_traps.h: such a load must still fault.
//
// Run on x86-64 and under qemu-user by each target's runtime
// (tests/cross/gathers.sh, tests/cross/CMakeLists.txt), they show the
// pass's loads and shuffles compute what the byte loads did, and trap where
// they did.
//
//===----------------------------------------------------------------------===//

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr uint64_t MemBytes = 65536;
using V128 = std::array<uint8_t, 16>;

/// The memory the script's "init" export writes: byte a holds a * 7 + 3.
uint8_t memAt(uint64_t A) { return uint8_t(A * 7 + 3); }

/// An access at u32(p + Add) + Offset of Size bytes.
struct Access {
  uint32_t Add = 0;
  uint32_t Offset = 0;
  unsigned Size = 1;
};

struct Node {
  enum Kind { Const, LoadSplat, LoadZero, LoadLane, Extend, Shuffle, Shift, Bitwise };
  Kind K;
  V128 Bytes{};                 // Const; Shuffle's lane indices
  Access A;                     // loads
  unsigned Lane = 0;            // LoadLane
  std::string Op;               // Extend, Shift, Bitwise: the instruction
  unsigned LaneBytes = 0;       // Extend (result lane), Shift (lane)
  bool High = false, Signed = false;
  uint32_t Amount = 0;          // Shift
  std::unique_ptr<Node> L, R;
};

/// Evaluates trees for one p, as the spec does; Trapped once any access is
/// out of bounds.
struct Model {
  uint32_t P;
  bool Trapped = false;

  uint64_t load(const Access &A) {
    uint64_t At = uint64_t(uint32_t(P + A.Add)) + A.Offset;
    if (At + A.Size > MemBytes) {
      Trapped = true;
      return 0;
    }
    uint64_t V = 0;
    for (unsigned I = 0; I < A.Size; ++I)
      V |= uint64_t(memAt(At + I)) << (8 * I);
    return V;
  }

  static uint64_t lane(const V128 &V, unsigned Bytes, unsigned I) {
    uint64_t X = 0;
    for (unsigned J = 0; J < Bytes; ++J)
      X |= uint64_t(V[I * Bytes + J]) << (8 * J);
    return X;
  }
  static void setLane(V128 &V, unsigned Bytes, unsigned I, uint64_t X) {
    for (unsigned J = 0; J < Bytes; ++J)
      V[I * Bytes + J] = uint8_t(X >> (8 * J));
  }
  static int64_t signExtend(uint64_t X, unsigned Bytes) {
    unsigned Shift = 64 - 8 * Bytes;
    return int64_t(X << Shift) >> Shift;
  }

  V128 eval(const Node &N) {
    V128 Out{};
    switch (N.K) {
    case Node::Const:
      return N.Bytes;
    case Node::LoadSplat: {
      uint64_t X = load(N.A);
      for (unsigned I = 0; I < 16 / N.A.Size; ++I)
        setLane(Out, N.A.Size, I, X);
      return Out;
    }
    case Node::LoadZero:
      setLane(Out, N.A.Size, 0, load(N.A));
      return Out;
    case Node::LoadLane: {
      // Operands first (the address, then the vector), then the load.
      Out = eval(*N.L);
      setLane(Out, N.A.Size, N.Lane, load(N.A));
      return Out;
    }
    case Node::Extend: {
      V128 In = eval(*N.L);
      unsigned From = N.LaneBytes / 2, Count = 16 / N.LaneBytes;
      for (unsigned I = 0; I < Count; ++I) {
        uint64_t X = lane(In, From, I + (N.High ? Count : 0));
        setLane(Out, N.LaneBytes, I,
                N.Signed ? uint64_t(signExtend(X, From)) : X);
      }
      return Out;
    }
    case Node::Shuffle: {
      V128 A = eval(*N.L), B = eval(*N.R);
      for (unsigned I = 0; I < 16; ++I)
        Out[I] = N.Bytes[I] < 16 ? A[N.Bytes[I]] : B[N.Bytes[I] - 16];
      return Out;
    }
    case Node::Shift: {
      V128 In = eval(*N.L);
      unsigned Bits = 8 * N.LaneBytes, S = N.Amount % Bits;
      uint64_t Mask = Bits == 64 ? ~0ull : (1ull << Bits) - 1;
      for (unsigned I = 0; I < 16 / N.LaneBytes; ++I) {
        uint64_t X = lane(In, N.LaneBytes, I);
        uint64_t Y = N.Op.find("shl") != std::string::npos ? X << S
                     : N.Signed ? uint64_t(signExtend(X, N.LaneBytes) >> S)
                                : X >> S;
        setLane(Out, N.LaneBytes, I, Y & Mask);
      }
      return Out;
    }
    case Node::Bitwise: {
      V128 A = eval(*N.L), B = eval(*N.R);
      for (unsigned I = 0; I < 16; ++I)
        Out[I] = N.Op == "v128.and" ? A[I] & B[I]
                 : N.Op == "v128.or" ? A[I] | B[I]
                                     : A[I] ^ B[I];
      return Out;
    }
    }
    return Out;
  }
};

std::string v128Text(const V128 &V) {
  std::string S = "(v128.const i8x16";
  for (uint8_t B : V)
    S += " " + std::to_string(B);
  return S + ")";
}

std::string loadText(const char *Op, const Access &A, const std::string &Lane = "") {
  std::string S = std::string("(") + Op;
  if (A.Offset)
    S += " offset=" + std::to_string(A.Offset);
  if (!Lane.empty())
    S += " " + Lane;
  S += " (i32.add (local.get $p) (i32.const " + std::to_string(int32_t(A.Add)) + "))";
  return S;
}

std::string text(const Node &N) {
  static const char *Widths[] = {"", "8", "16", "", "32", "", "", "", "64"};
  switch (N.K) {
  case Node::Const:
    return v128Text(N.Bytes);
  case Node::LoadSplat:
    return loadText(("v128.load" + std::string(Widths[N.A.Size]) + "_splat").c_str(), N.A) + ")";
  case Node::LoadZero:
    return loadText(("v128.load" + std::string(Widths[N.A.Size]) + "_zero").c_str(), N.A) + ")";
  case Node::LoadLane:
    return loadText(("v128.load" + std::string(Widths[N.A.Size]) + "_lane").c_str(), N.A,
                    std::to_string(N.Lane)) +
           " " + text(*N.L) + ")";
  case Node::Extend:
  case Node::Shift:
    return "(" + N.Op + " " + text(*N.L) +
           (N.K == Node::Shift ? " (i32.const " + std::to_string(N.Amount) + ")" : "") + ")";
  case Node::Shuffle: {
    std::string S = "(i8x16.shuffle";
    for (uint8_t B : N.Bytes)
      S += " " + std::to_string(B);
    return S + " " + text(*N.L) + " " + text(*N.R) + ")";
  }
  case Node::Bitwise:
    return "(" + N.Op + " " + text(*N.L) + " " + text(*N.R) + ")";
  }
  return "";
}

class Generator {
public:
  explicit Generator(uint32_t Seed) : Rng(Seed) {}

  /// A tree over the window [Base, Base + 16) of p, mostly.
  std::unique_ptr<Node> tree(unsigned Depth) {
    if (Depth == 0 || chance(30))
      return laneChain();
    auto N = std::make_unique<Node>();
    unsigned Pick = below(100);
    if (Pick < 25) {
      N->K = Node::Bitwise;
      N->Op = "v128.or";
      N->L = tree(Depth - 1);
      N->R = tree(Depth - 1);
    } else if (Pick < 40) {
      N->K = Node::Bitwise;
      N->Op = chance(75) ? "v128.and" : "v128.xor";
      N->L = tree(Depth - 1);
      N->R = constant(/*Mask=*/true);
    } else if (Pick < 55) {
      N->K = Node::Shuffle;
      for (uint8_t &B : N->Bytes)
        B = uint8_t(below(32));
      N->L = tree(Depth - 1);
      N->R = chance(50) ? tree(Depth - 1) : constant(true);
    } else if (Pick < 75) {
      static const unsigned LaneBytes[] = {2, 4, 8};
      N->K = Node::Extend;
      N->LaneBytes = LaneBytes[below(3)];
      N->High = chance(50);
      N->Signed = chance(25);
      static const char *Shape[] = {"", "", "i16x8", "", "i32x4", "", "", "", "i64x2"};
      static const char *From[] = {"", "", "i8x16", "", "i16x8", "", "", "", "i32x4"};
      N->Op = std::string(Shape[N->LaneBytes]) + ".extend_" + (N->High ? "high_" : "low_") +
              From[N->LaneBytes] + (N->Signed ? "_s" : "_u");
      N->L = tree(Depth - 1);
    } else {
      static const unsigned LaneBytes[] = {2, 4, 8};
      static const char *Shape[] = {"", "", "i16x8", "", "i32x4", "", "", "", "i64x2"};
      N->K = Node::Shift;
      N->LaneBytes = LaneBytes[below(3)];
      unsigned Which = below(4);
      N->Signed = Which == 3;
      N->Op = std::string(Shape[N->LaneBytes]) +
              (Which < 2 ? ".shl" : N->Signed ? ".shr_s" : ".shr_u");
      // Mostly whole bytes, which the pass follows; sometimes not, or
      // past the lane's width (Wasm takes it modulo the width).
      N->Amount = chance(75) ? 8 * below(N->LaneBytes) : below(16 * N->LaneBytes);
      N->L = tree(Depth - 1);
    }
    return N;
  }

  void newWindow() { Base = below(5); }

private:
  std::mt19937 Rng;
  uint32_t Base = 0;

  unsigned below(unsigned N) { return unsigned(Rng() % N); }
  bool chance(unsigned Percent) { return below(100) < Percent; }

  Access access(unsigned Size) {
    Access A;
    A.Size = Size;
    // Inside the window, mostly; sometimes a few bytes past it.
    uint32_t At = Base + (chance(90) ? below(17 - Size) : below(21));
    switch (below(4)) {
    case 0: // the displacement carries part of it
      A.Offset = below(At + 1);
      A.Add = At - A.Offset;
      break;
    case 1: // below p, carried back by the displacement: wraps for small p
      A.Add = uint32_t(-int32_t(1 + below(8)));
      A.Offset = At - A.Add;
      break;
    default:
      A.Add = At;
    }
    return A;
  }

  unsigned size() {
    static const unsigned Sizes[] = {1, 1, 1, 2, 4, 8};
    return Sizes[below(6)];
  }

  std::unique_ptr<Node> constant(bool Mask) {
    auto N = std::make_unique<Node>();
    N->K = Node::Const;
    for (uint8_t &B : N->Bytes) {
      unsigned R = below(10);
      B = R < 4 ? 0 : R < 8 && Mask ? 0xff : uint8_t(Rng());
    }
    return N;
  }

  /// Lanes of one size filling the window in a random order: the gathers
  /// the pass rewrites whole (when nothing above them mixes bytes).
  std::unique_ptr<Node> windowFill() {
    static const unsigned Sizes[] = {1, 1, 2, 4, 8};
    unsigned Size = Sizes[below(5)], Lanes = 16 / Size;
    std::vector<unsigned> Slot(Lanes);
    for (unsigned I = 0; I < Lanes; ++I)
      Slot[I] = I;
    std::shuffle(Slot.begin(), Slot.end(), Rng);
    std::unique_ptr<Node> N = constant(false);
    for (unsigned Lane = 0; Lane < Lanes; ++Lane) {
      auto L = std::make_unique<Node>();
      L->K = Node::LoadLane;
      L->A.Size = Size;
      L->A.Add = Base + Slot[Lane] * Size;
      L->Lane = Lane;
      L->L = std::move(N);
      N = std::move(L);
    }
    return N;
  }

  std::unique_ptr<Node> laneChain() {
    if (chance(40))
      return windowFill();
    std::unique_ptr<Node> N;
    switch (below(4)) {
    case 0:
      N = constant(false);
      break;
    case 1: {
      N = std::make_unique<Node>();
      N->K = Node::LoadZero;
      N->A = access(chance(50) ? 4 : 8);
      break;
    }
    default:
      N = std::make_unique<Node>();
      N->K = Node::LoadSplat;
      N->A = access(size());
    }
    for (unsigned I = 0, Count = below(17); I < Count; ++I) {
      auto Lane = std::make_unique<Node>();
      Lane->K = Node::LoadLane;
      Lane->A = access(size());
      Lane->Lane = below(16 / Lane->A.Size);
      Lane->L = std::move(N);
      N = std::move(Lane);
    }
    return N;
  }
};

/// The last byte any access of N can reach above p, plus one.
uint64_t reach(const Node &N) {
  uint64_t R = 0;
  if (N.K == Node::LoadSplat || N.K == Node::LoadZero || N.K == Node::LoadLane)
    R = uint64_t(int64_t(int32_t(N.A.Add))) + N.A.Offset + N.A.Size;
  if (N.L)
    R = std::max(R, reach(*N.L));
  if (N.R)
    R = std::max(R, reach(*N.R));
  return R;
}

} // namespace

int main(int Argc, char **Argv) {
  if (Argc != 4) {
    std::cerr << "usage: kiln-random-gathers-script OUT_DIR FUNCS SEED\n";
    return 2;
  }
  std::string Dir = Argv[1];
  unsigned Funcs = unsigned(std::stoul(Argv[2]));
  Generator G(uint32_t(std::stoul(Argv[3])));
  std::vector<std::unique_ptr<Node>> Trees;
  std::ostringstream Module;
  Module << "(module\n  (memory 1)\n"
            "  (func (export \"init\") (local $a i32)\n"
            "    (loop $fill\n"
            "      (i32.store8 (local.get $a)\n"
            "        (i32.add (i32.mul (local.get $a) (i32.const 7)) (i32.const 3)))\n"
            "      (local.set $a (i32.add (local.get $a) (i32.const 1)))\n"
            "      (br_if $fill (i32.ne (local.get $a) (i32.const 65536)))))\n";
  for (unsigned F = 0; F < Funcs; ++F) {
    G.newWindow();
    Trees.push_back(G.tree(3));
    Module << "  (func (export \"g" << F << "\") (param $p i32) (result v128)\n    "
           << text(*Trees.back()) << ")\n";
  }
  Module << ")\n(invoke \"init\")\n";

  std::ostringstream Checks;
  unsigned Traps = 0, Cases = 0;
  for (unsigned F = 0; F < Funcs; ++F) {
    const Node &T = *Trees[F];
    uint64_t End = reach(T);
    // Inside; ending at memory's last byte; one byte further; wrapped.
    for (uint32_t P : {uint32_t(1000 + F), uint32_t(MemBytes - End),
                       uint32_t(MemBytes - End + 1), uint32_t(-int32_t(3 + F % 13))}) {
      Model M{P};
      V128 Want = M.eval(T);
      std::string Call = "(invoke \"g" + std::to_string(F) + "\" (i32.const " +
                         std::to_string(int32_t(P)) + "))";
      ++Cases;
      if (M.Trapped) {
        ++Traps;
        Checks << "(assert_trap " << Call << " \"out of bounds memory access\")\n";
      } else {
        Checks << "(assert_return " << Call << " " << v128Text(Want) << ")\n";
      }
    }
  }
  std::ofstream File(Dir + "/random_gathers.wast");
  File << ";; Generated by kiln-random-gathers-script (" << Funcs << " functions, seed "
       << Argv[3] << "): random v128 byte gathers\n;; and their expected results, "
       << "from the model in tests/cross/random_gathers_script.cc.\n"
       << Module.str() << Checks.str();
  if (!File) {
    std::cerr << "kiln-random-gathers-script: cannot write to " << Dir << "\n";
    return 1;
  }
  std::cout << "random gathers: " << Funcs << " functions, " << Cases << " cases, "
            << Traps << " of them traps\n";
  return 0;
}
