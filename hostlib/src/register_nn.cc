//===- hostlib/src/register_nn.cc - The kiln:nn import table --------------===//
//
// Shapes arrive as a kiln_conv2d_params buffer (16 int32s, kiln/nn.h) and
// int8 quantization as kiln_quant_params (4 int32s) plus per-channel
// multiplier and shift buffers. Every dimension is range-checked and every
// buffer length is compared with the product the shape implies, computed
// without overflow, before a kernel runs.
//
//===----------------------------------------------------------------------===//

#include "src/registry.h"

namespace kiln::hostlib {

/// A dimension limit that keeps every index product of 64-bit arithmetic
/// exact, and a cap on the multiply-adds of one call (about 20 s of work):
/// a guest cannot make the host spin for hours with a small buffer.
static constexpr uint32_t MaxDim = 1u << 16;
static constexpr uint64_t MaxMacs = uint64_t(1) << 36;

static Error activationOf(GuestCall &C, uint32_t V, Activation &A) {
  if (V >= NumActivations)
    return C.fail("activation %u is not one of 0 (none), 1 (relu), 2 (relu6), "
                  "3 (sigmoid), 4 (tanh)",
                  V);
  A = Activation(V);
  return Error::success();
}

static Error dim(GuestCall &C, const char *Name, uint32_t V, uint32_t Min) {
  if (V >= Min && V <= MaxDim)
    return Error::success();
  return C.fail("%s is %d, needs %u..%u", Name, int32_t(V), Min, MaxDim);
}

static uint64_t mul(uint64_t A, uint64_t B) {
  uint64_t R;
  return __builtin_mul_overflow(A, B, &R) ? ~uint64_t(0) : R;
}

static Error workLimit(GuestCall &C, uint64_t Macs) {
  if (Macs <= MaxMacs)
    return Error::success();
  return C.fail("the shape asks for %llu multiply-adds, more than the limit "
                "of %llu per call",
                (unsigned long long)Macs, (unsigned long long)MaxMacs);
}

enum class ConvKind { Conv, Depthwise, Pool };

/// Reads and checks kiln_conv2d_params.
static Error convShape(GuestCall &C, const GuestBuf<const int32_t> &P,
                       ConvKind Kind, ConvShape &S) {
  KILN_CHECK(C.needLen(P, 16, "kiln_conv2d_params has 16 int32s"));
  const int32_t *V = P.Data;
  static const char *Names[] = {
      "params.batch",    "params.in_h",     "params.in_w",
      "params.in_c",     "params.out_h",    "params.out_w",
      "params.out_c",    "params.kernel_h", "params.kernel_w",
      "params.stride_h", "params.stride_w", "params.dilation_h",
      "params.dilation_w"};
  uint32_t U[13];
  for (unsigned I = 0; I < 13; ++I) {
    U[I] = uint32_t(V[I]);
    KILN_CHECK(dim(C, Names[I], U[I], 1));
  }
  if (V[13] < 0 || uint32_t(V[13]) > MaxDim || V[14] < 0 ||
      uint32_t(V[14]) > MaxDim)
    return C.fail("params.pad_top %d / params.pad_left %d must be in 0..%u",
                  V[13], V[14], MaxDim);
  S = {U[0], U[1], U[2], U[3], U[4], U[5], U[6], U[7], U[8], U[9], U[10],
       U[11], U[12], uint32_t(V[13]), uint32_t(V[14]), Activation::None};
  KILN_CHECK(activationOf(C, uint32_t(V[15]), S.Act));
  if (Kind == ConvKind::Depthwise && S.OutC % S.InC)
    return C.fail("params.out_c %u is not a multiple of params.in_c %u "
                  "(depthwise: out_c = in_c * multiplier)",
                  S.OutC, S.InC);
  if (Kind == ConvKind::Pool && S.OutC != S.InC)
    return C.fail("params.out_c %u differs from params.in_c %u (pooling)",
                  S.OutC, S.InC);
  uint64_t Out = mul(mul(mul(S.Batch, S.OutH), S.OutW), S.OutC);
  uint64_t Taps = mul(S.KH, S.KW);
  return workLimit(C, mul(mul(Out, Taps), Kind == ConvKind::Conv ? S.InC : 1));
}

static uint64_t inputLen(const ConvShape &S) {
  return mul(mul(mul(S.Batch, S.InH), S.InW), S.InC);
}
static uint64_t outputLen(const ConvShape &S) {
  return mul(mul(mul(S.Batch, S.OutH), S.OutW), S.OutC);
}

static Error biasLen(GuestCall &C, const auto &Bias, uint32_t Channels) {
  if (Bias.Len == 0 || Bias.Len == Channels)
    return Error::success();
  return C.fail("argument 'bias' has %u elements, needs %u (or 0: no bias)",
                Bias.Len, Channels);
}

/// Reads kiln_quant_params and checks the per-channel multipliers/shifts.
static Error quantParams(GuestCall &C, const GuestBuf<const int32_t> &QB,
                         const GuestBuf<const int32_t> &Mult,
                         const GuestBuf<const int32_t> &Shift,
                         uint32_t Channels, QuantParams &Q) {
  KILN_CHECK(C.needLen(QB, 4, "kiln_quant_params has 4 int32s"));
  Q = {QB.Data[0], QB.Data[1], QB.Data[2], QB.Data[3]};
  if (Q.InputZeroPoint < -128 || Q.InputZeroPoint > 127 ||
      Q.OutputZeroPoint < -128 || Q.OutputZeroPoint > 127)
    return C.fail("zero points %d / %d must be in -128..127",
                  Q.InputZeroPoint, Q.OutputZeroPoint);
  if (Q.ActMin < -128 || Q.ActMax > 127 || Q.ActMin > Q.ActMax)
    return C.fail("activation range [%d, %d] must lie in [-128, 127]",
                  Q.ActMin, Q.ActMax);
  KILN_CHECK(C.needLen(Mult, Channels, "one per output channel"));
  KILN_CHECK(C.needLen(Shift, Channels, "one per output channel"));
  for (uint32_t I = 0; I < Channels; ++I) {
    if (Mult.Data[I] < 0)
      return C.fail("multiplier[%u] is %d, must be >= 0", I, Mult.Data[I]);
    if (Shift.Data[I] < -31 || Shift.Data[I] > 30)
      return C.fail("shift[%u] is %d, must be in -31..30", I, Shift.Data[I]);
  }
  return Error::success();
}

// gemm_f32(a, b, c, m, n, k, alpha, beta)
static Error gemm(GuestCall &C, HostlibState &) {
  auto A = C.in<const float>(0, "a");
  auto B = C.in<const float>(2, "b");
  auto Cb = C.out<float>(4, "c");
  uint32_t M = C.u32(6), N = C.u32(7), K = C.u32(8);
  KILN_CHECK(C.validate());
  KILN_CHECK(C.needLen(A, mul(M, K), "m * k"));
  KILN_CHECK(C.needLen(B, mul(K, N), "k * n"));
  KILN_CHECK(C.needLen(Cb, mul(M, N), "m * n"));
  KILN_CHECK(workLimit(C, mul(mul(M, N), K)));
  gemmF32(M, N, K, C.f32(9), A.Data, B.Data, C.f32(10), Cb.Data);
  return Error::success();
}

// gemv_f32(a, x, y, m, n)
static Error gemv(GuestCall &C, HostlibState &) {
  auto A = C.in<const float>(0, "a");
  auto X = C.in<const float>(2, "x");
  auto Y = C.out<float>(4, "y");
  uint32_t M = C.u32(6), N = C.u32(7);
  KILN_CHECK(C.validate());
  KILN_CHECK(C.needLen(A, mul(M, N), "m * n"));
  KILN_CHECK(C.needLen(X, N, "n"));
  KILN_CHECK(C.needLen(Y, M, "m"));
  gemvF32(M, N, A.Data, X.Data, Y.Data);
  return Error::success();
}

// dense_f32(in, w, bias, out, batch, in_features, out_features, activation)
static Error dense(GuestCall &C, HostlibState &) {
  auto In = C.in<const float>(0, "in");
  auto W = C.in<const float>(2, "weights");
  auto Bias = C.in<const float>(4, "bias");
  auto Out = C.out<float>(6, "out");
  uint32_t Batch = C.u32(8), InF = C.u32(9), OutF = C.u32(10);
  Activation Act = Activation::None;
  KILN_CHECK(activationOf(C, C.u32(11), Act));
  KILN_CHECK(C.validate());
  KILN_CHECK(C.needLen(In, mul(Batch, InF), "batch * in_features"));
  KILN_CHECK(C.needLen(W, mul(OutF, InF), "out_features * in_features"));
  KILN_CHECK(biasLen(C, Bias, OutF));
  KILN_CHECK(C.needLen(Out, mul(Batch, OutF), "batch * out_features"));
  KILN_CHECK(workLimit(C, mul(mul(Batch, InF), OutF)));
  denseF32(Batch, InF, OutF, In.Data, W.Data, Bias.Len ? Bias.Data : nullptr,
           Out.Data, Act);
  return Error::success();
}

// dense_i8(in, w, bias, quant, multiplier, shift, out, batch, in_features,
//          out_features)
static Error denseQ(GuestCall &C, HostlibState &) {
  auto In = C.in<const int8_t>(0, "in");
  auto W = C.in<const int8_t>(2, "weights");
  auto Bias = C.in<const int32_t>(4, "bias");
  auto QB = C.in<const int32_t>(6, "quant");
  auto Mult = C.in<const int32_t>(8, "multiplier");
  auto Shift = C.in<const int32_t>(10, "shift");
  auto Out = C.out<int8_t>(12, "out");
  uint32_t Batch = C.u32(14), InF = C.u32(15), OutF = C.u32(16);
  KILN_CHECK(C.validate());
  KILN_CHECK(dim(C, "in_features", InF, 1));
  if (InF > MaxQuantDot)
    return C.fail("in_features %u exceeds %u (int32 accumulation)", InF,
                  MaxQuantDot);
  KILN_CHECK(C.needLen(In, mul(Batch, InF), "batch * in_features"));
  KILN_CHECK(C.needLen(W, mul(OutF, InF), "out_features * in_features"));
  KILN_CHECK(biasLen(C, Bias, OutF));
  KILN_CHECK(C.needLen(Out, mul(Batch, OutF), "batch * out_features"));
  QuantParams Q;
  KILN_CHECK(quantParams(C, QB, Mult, Shift, OutF, Q));
  KILN_CHECK(workLimit(C, mul(mul(Batch, InF), OutF)));
  denseI8(Batch, InF, OutF, In.Data, W.Data, Bias.Len ? Bias.Data : nullptr,
          Q, Mult.Data, Shift.Data, Out.Data);
  return Error::success();
}

// conv2d_f32 / depthwise_conv2d_f32(params, in, filter, bias, out)
template <ConvKind Kind>
static Error convF(GuestCall &C, HostlibState &) {
  auto P = C.in<const int32_t>(0, "params");
  auto In = C.in<const float>(2, "in");
  auto F = C.in<const float>(4, "filter");
  auto Bias = C.in<const float>(6, "bias");
  auto Out = C.out<float>(8, "out");
  KILN_CHECK(C.validate());
  ConvShape S;
  KILN_CHECK(convShape(C, P, Kind, S));
  KILN_CHECK(C.needLen(In, inputLen(S), "batch * in_h * in_w * in_c"));
  uint64_t FLen = Kind == ConvKind::Conv
                      ? mul(mul(mul(S.OutC, S.KH), S.KW), S.InC)
                      : mul(mul(S.KH, S.KW), S.OutC);
  KILN_CHECK(C.needLen(F, FLen,
                       Kind == ConvKind::Conv
                           ? "out_c * kernel_h * kernel_w * in_c"
                           : "kernel_h * kernel_w * out_c"));
  KILN_CHECK(biasLen(C, Bias, S.OutC));
  KILN_CHECK(C.needLen(Out, outputLen(S), "batch * out_h * out_w * out_c"));
  const float *B = Bias.Len ? Bias.Data : nullptr;
  if (Kind == ConvKind::Conv)
    conv2dF32(S, In.Data, F.Data, B, Out.Data);
  else
    depthwiseConv2dF32(S, In.Data, F.Data, B, Out.Data);
  return Error::success();
}

// conv2d_i8(params, in, filter, bias, quant, multiplier, shift, out)
static Error convQ(GuestCall &C, HostlibState &) {
  auto P = C.in<const int32_t>(0, "params");
  auto In = C.in<const int8_t>(2, "in");
  auto F = C.in<const int8_t>(4, "filter");
  auto Bias = C.in<const int32_t>(6, "bias");
  auto QB = C.in<const int32_t>(8, "quant");
  auto Mult = C.in<const int32_t>(10, "multiplier");
  auto Shift = C.in<const int32_t>(12, "shift");
  auto Out = C.out<int8_t>(14, "out");
  KILN_CHECK(C.validate());
  ConvShape S;
  KILN_CHECK(convShape(C, P, ConvKind::Conv, S));
  if (S.Act != Activation::None)
    return C.fail("params.activation must be 0 for int8 (use the quant "
                  "activation range)");
  uint64_t KK = mul(mul(S.KH, S.KW), S.InC);
  if (KK > MaxQuantDot)
    return C.fail("kernel_h * kernel_w * in_c = %llu exceeds %u (int32 "
                  "accumulation)",
                  (unsigned long long)KK, MaxQuantDot);
  KILN_CHECK(C.needLen(In, inputLen(S), "batch * in_h * in_w * in_c"));
  KILN_CHECK(C.needLen(F, mul(S.OutC, KK), "out_c * kernel_h * kernel_w * in_c"));
  KILN_CHECK(biasLen(C, Bias, S.OutC));
  KILN_CHECK(C.needLen(Out, outputLen(S), "batch * out_h * out_w * out_c"));
  QuantParams Q;
  KILN_CHECK(quantParams(C, QB, Mult, Shift, S.OutC, Q));
  conv2dI8(S, In.Data, F.Data, Bias.Len ? Bias.Data : nullptr, Q, Mult.Data,
           Shift.Data, Out.Data);
  return Error::success();
}

// max_pool2d_f32 / avg_pool2d_f32(params, in, out)
template <void (*Kernel)(const ConvShape &, const float *, float *)>
static Error poolF(GuestCall &C, HostlibState &) {
  auto P = C.in<const int32_t>(0, "params");
  auto In = C.in<const float>(2, "in");
  auto Out = C.out<float>(4, "out");
  KILN_CHECK(C.validate());
  ConvShape S;
  KILN_CHECK(convShape(C, P, ConvKind::Pool, S));
  KILN_CHECK(C.needLen(In, inputLen(S), "batch * in_h * in_w * in_c"));
  KILN_CHECK(C.needLen(Out, outputLen(S), "batch * out_h * out_w * out_c"));
  Kernel(S, In.Data, Out.Data);
  return Error::success();
}

// relu_f32 / relu6_f32 / sigmoid_f32 / tanh_f32(in, out)
template <Activation A> static Error activation(GuestCall &C, HostlibState &) {
  auto In = C.in<const float>(0, "in");
  auto Out = C.out<float>(2, "out", In.Id);
  KILN_CHECK(C.validate());
  KILN_CHECK(C.needLen(Out, In.Len, "in_len"));
  activationF32(A, In.Data, Out.Data, In.Len);
  return Error::success();
}

// softmax_f32(in, out, rows, cols)
static Error softmax(GuestCall &C, HostlibState &) {
  auto In = C.in<const float>(0, "in");
  auto Out = C.out<float>(2, "out", In.Id);
  uint32_t Rows = C.u32(4), Cols = C.u32(5);
  KILN_CHECK(C.validate());
  KILN_CHECK(dim(C, "cols", Cols, 1));
  KILN_CHECK(C.needLen(In, mul(Rows, Cols), "rows * cols"));
  KILN_CHECK(C.needLen(Out, In.Len, "in_len"));
  softmaxF32(In.Data, Out.Data, Rows, Cols);
  return Error::success();
}

// layer_norm_f32(in, gamma, beta, out, rows, cols, epsilon)
static Error layerNorm(GuestCall &C, HostlibState &) {
  auto In = C.in<const float>(0, "in");
  auto G = C.in<const float>(2, "gamma");
  auto B = C.in<const float>(4, "beta");
  auto Out = C.out<float>(6, "out", In.Id);
  uint32_t Rows = C.u32(8), Cols = C.u32(9);
  float Eps = C.f32(10);
  KILN_CHECK(C.validate());
  KILN_CHECK(dim(C, "cols", Cols, 1));
  if (!(Eps >= 0.0f && Eps < 1e30f))
    return C.fail("epsilon %g must be >= 0 and finite", double(Eps));
  KILN_CHECK(C.needLen(In, mul(Rows, Cols), "rows * cols"));
  KILN_CHECK(C.needLen(G, Cols, "cols"));
  KILN_CHECK(C.needLen(B, Cols, "cols"));
  KILN_CHECK(C.needLen(Out, In.Len, "in_len"));
  layerNormF32(In.Data, G.Data, B.Data, Eps, Out.Data, Rows, Cols);
  return Error::success();
}

static const HostFnDef NnFunctions[] = {
    {"gemm_f32", "iiiiiiiiiff", "", gemm},
    {"gemv_f32", "iiiiiiii", "", gemv},
    {"dense_f32", "iiiiiiiiiiii", "", dense},
    {"dense_i8", "iiiiiiiiiiiiiiiii", "", denseQ},
    {"conv2d_f32", "iiiiiiiiii", "", convF<ConvKind::Conv>},
    {"depthwise_conv2d_f32", "iiiiiiiiii", "", convF<ConvKind::Depthwise>},
    {"conv2d_i8", "iiiiiiiiiiiiiiii", "", convQ},
    {"max_pool2d_f32", "iiiiii", "", poolF<maxPool2dF32>},
    {"avg_pool2d_f32", "iiiiii", "", poolF<avgPool2dF32>},
    {"relu_f32", "iiii", "", activation<Activation::Relu>},
    {"relu6_f32", "iiii", "", activation<Activation::Relu6>},
    {"sigmoid_f32", "iiii", "", activation<Activation::Sigmoid>},
    {"tanh_f32", "iiii", "", activation<Activation::Tanh>},
    {"softmax_f32", "iiiiii", "", softmax},
    {"layer_norm_f32", "iiiiiiiiiif", "", layerNorm},
};

std::span<const HostFnDef> nnFunctions() { return NnFunctions; }

} // namespace kiln::hostlib
