//===- tests/hostlib/traps_test.cc - Bad arguments trap, never crash ------===//
//
// Out-of-bounds, misaligned, overlapping and absurd-length buffers and
// impossible shapes, passed by a real wasm module in both memory modes:
// each is a HostError trap whose message names the function and argument,
// and the instance keeps working afterwards.
//
//===----------------------------------------------------------------------===//

#include "guest.h"
#include "kiln/trap.h"

using namespace kiln;
using namespace kiln::hostlib::test;

namespace {

class HostlibTraps : public ::testing::TestWithParam<GuestMode> {};

void expectTrap(Guest &G, const std::string &Fn,
                std::initializer_list<Value> Args, const std::string &Want) {
  auto R = G.call(Fn, Args);
  ASSERT_FALSE(bool(R)) << Fn << " should have trapped with: " << Want;
  Error E = R.takeError();
  EXPECT_EQ(E.kind(), ErrorKind::Trap) << E.str();
  EXPECT_EQ(E.trapCode(), uint32_t(TrapCode::HostError)) << E.str();
  EXPECT_NE(E.message().find(Want), std::string::npos)
      << "message: " << E.message() << "\nwanted: " << Want;
}

} // namespace

TEST_P(HostlibTraps, BadBuffersTrapWithTheArgumentNamed) {
  KILN_REQUIRE_GUEST_MODE(GetParam());
  Guest G(GetParam());
  ASSERT_TRUE(G.ok());
  const uint32_t Mem = uint32_t(G.memBytes());
  uint32_t Taps = G.put(randomFloats(8, 1)), State = G.alloc(7 * 4),
           In = G.put(randomFloats(16, 2)), Out = G.alloc(16 * 4);
  std::string MemStr = std::to_string(Mem);

  // The example of the documentation: out runs past the end of memory.
  expectTrap(G, "fir_f32",
             {I(Taps), I(8), I(State), I(7), I(In), I(16), I(Mem - 6), I(16)},
             "kiln:dsp.fir_f32: argument 'out' [offset " +
                 std::to_string(Mem - 6) + ", 16 floats] is outside linear "
                 "memory (" + MemStr + " bytes)");
  // Absurd lengths: offset + length * 4 would wrap in 32 bits.
  expectTrap(G, "fir_f32",
             {I(Taps), I(8), I(State), I(7), I(In), I(0xffffffffu), I(Out), I(16)},
             "argument 'in' [offset " + std::to_string(In) +
                 ", 4294967295 floats] is outside linear memory");
  expectTrap(G, "fft_c32", {I(0xfffffff8u), I(0x40000000u), I(Out), I(4), I(0)},
             "kiln:dsp.fft_c32: argument 'in' [offset 4294967288, 1073741824 "
             "complex floats] is outside linear memory");
  expectTrap(G, "gemm_f32",
             {I(In), I(4), I(In), I(4), I(Out), I(0x80000000u), I(2), I(2), I(2),
              F(1), F(0)},
             "kiln:nn.gemm_f32: argument 'c' [offset");
  // Misaligned floats.
  expectTrap(G, "rms_f32", {I(In + 1), I(4)},
             "kiln:dsp.rms_f32: argument 'in' [offset " +
                 std::to_string(In + 1) + ", 4 floats] is not 4-byte aligned");
  // Overlaps: an output over an input (partially), over the state, two
  // outputs over each other; in place where it is not allowed.
  expectTrap(G, "fir_f32",
             {I(Taps), I(8), I(State), I(7), I(In), I(16), I(In + 4), I(16)},
             "argument 'out' [offset " + std::to_string(In + 4) +
                 ", 16 floats] overlaps argument 'in'");
  expectTrap(G, "fir_f32",
             {I(Taps), I(8), I(State), I(7), I(In), I(16), I(State), I(16)},
             "argument 'state' [offset " + std::to_string(State) +
                 ", 7 floats] overlaps argument 'out'");
  expectTrap(G, "fir_f32",
             {I(Taps), I(8), I(Taps), I(7), I(In), I(16), I(Out), I(16)},
             "argument 'state' [offset " + std::to_string(Taps) +
                 ", 7 floats] overlaps argument 'taps'");
  expectTrap(G, "rfft_f32", {I(In), I(16), I(In), I(9)},
             "kiln:dsp.rfft_f32: argument 'out'");
  expectTrap(G, "gemv_f32",
             {I(In), I(4), I(In + 16), I(2), I(In), I(2), I(2), I(2)},
             "argument 'y'");
  // Lengths that do not fit together, bad enums, impossible shapes.
  expectTrap(G, "fir_f32",
             {I(Taps), I(8), I(State), I(6), I(In), I(16), I(Out), I(16)},
             "argument 'state' has 6 floats, needs 7 (taps_len - 1)");
  expectTrap(G, "fir_f32",
             {I(Taps), I(0), I(State), I(0), I(In), I(16), I(Out), I(16)},
             "argument 'taps_len' is 0, needs at least 1");
  expectTrap(G, "fft_c32", {I(In), I(6), I(Out), I(6), I(0)},
             "argument 'in' has length 6, needs a power of two in [1, 65536]");
  expectTrap(G, "rfft_f32", {I(In), I(16), I(Out), I(8)},
             "argument 'out' has 8 complex floats, needs 9");
  expectTrap(G, "window_f32", {I(7), I(Out), I(16)}, "argument 'window' is 7");
  expectTrap(G, "mean_f32", {I(In), I(0)}, "argument 'in_len' is 0");
  std::vector<int32_t> Shape = {1, 4, 4, 1, 4, 4, 1, 3, 3, 1, 1, 1, 1, 1, 1, 0};
  uint32_t P = G.put(Shape);
  expectTrap(G, "conv2d_f32",
             {I(P), I(16), I(In), I(16), I(Taps), I(8), I(0), I(0), I(Out), I(16)},
             "kiln:nn.conv2d_f32: argument 'filter' has 8 floats, needs 9");
  Shape[9] = 0; // stride_h
  P = G.put(Shape);
  expectTrap(G, "conv2d_f32",
             {I(P), I(16), I(In), I(16), I(Taps), I(9), I(0), I(0), I(Out), I(16)},
             "params.stride_h is 0, needs 1..65536");
  Shape[9] = 1;
  Shape[0] = Shape[3] = Shape[4] = Shape[5] = Shape[6] = 65536;
  P = G.put(Shape);
  expectTrap(G, "max_pool2d_f32", {I(P), I(16), I(In), I(16), I(Out), I(16)},
             "multiply-adds, more than the limit");
  std::vector<int32_t> Q = {0, 0, -128, 127}, Shift = {40};
  uint32_t Qb = G.put(Q), Mb = G.put(std::vector<int32_t>{1 << 30}),
           Sb = G.put(Shift);
  expectTrap(G, "dense_i8",
             {I(In), I(4), I(In), I(4), I(0), I(0), I(Qb), I(4), I(Mb), I(1),
              I(Sb), I(1), I(Out), I(1), I(1), I(4), I(1)},
             "kiln:nn.dense_i8: shift[0] is 40, must be in -31..30");

  // The instance still works after all of that.
  auto R = G.run("rms_f32", {I(In), I(16)});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_GT(std::bit_cast<float>(R[0].f32Bits()), 0.0f);
}

INSTANTIATE_TEST_SUITE_P(BothMemoryModes, HostlibTraps,
                         ::testing::Values(GuestMode::Guard, GuestMode::Bounds),
                         [](const auto &Info) {
                           return std::string(modeName(Info.param));
                         });
