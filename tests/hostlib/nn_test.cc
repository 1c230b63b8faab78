//===- tests/hostlib/nn_test.cc - kiln:nn against double references -------===//
//
// Native kernels and the wasm guest's imports against scalar double
// references. Tolerances (max abs error <= Abs + Rel * max|reference|):
//   GEMM/GEMV/dense/conv/pooling f32: Rel 1e-5 (f32 products, any order)
//   activations, softmax, layer norm: Abs 1e-6, Rel 1e-5
//   int8 layers: within 1 of the exactly rounded real-number result, and
//   native == wasm bit for bit.
//
//===----------------------------------------------------------------------===//

#include "guest.h"
#include "kiln/hostlib/kernels.h"
#include "reference.h"

using namespace kiln;
using namespace kiln::hostlib;
using namespace kiln::hostlib::test;

static double actRef(uint32_t A, double X) {
  switch (A) {
  case 1:
    return std::max(X, 0.0);
  case 2:
    return std::min(std::max(X, 0.0), 6.0);
  case 3:
    return 1 / (1 + std::exp(-X));
  case 4:
    return std::tanh(X);
  default:
    return X;
  }
}

TEST(HostlibNn, GemmWithAlphaBetaAndGemv) {
  const uint32_t M = 17, N = 23, K = 31;
  auto A = randomFloats(M * K, 1), B = randomFloats(K * N, 2),
       C0 = randomFloats(M * N, 3);
  for (float Beta : {0.0f, 0.25f}) {
    std::vector<double> Ref(M * N);
    for (uint32_t I = 0; I < M; ++I)
      for (uint32_t J = 0; J < N; ++J) {
        double S = 0;
        for (uint32_t P = 0; P < K; ++P)
          S += double(A[I * K + P]) * B[P * N + J];
        Ref[I * N + J] = 0.5 * S + Beta * C0[I * N + J];
      }
    auto C = C0;
    gemmF32(M, N, K, 0.5f, A.data(), B.data(), Beta, C.data());
    expectClose(C, Ref, 1e-6, 1e-5, "native gemm");
    Guest G;
    ASSERT_TRUE(G.ok());
    uint32_t Ao = G.put(A), Bo = G.put(B), Co = G.put(C0);
    G.run("gemm_f32", {I(Ao), I(M * K), I(Bo), I(K * N), I(Co), I(M * N), I(M),
                       I(N), I(K), F(0.5f), F(Beta)});
    expectClose(G.get<float>(Co, M * N), Ref, 1e-6, 1e-5, "wasm gemm");
  }
  auto X = randomFloats(K, 4);
  std::vector<double> Ref(M);
  for (uint32_t I = 0; I < M; ++I)
    for (uint32_t P = 0; P < K; ++P)
      Ref[I] += double(A[I * K + P]) * X[P];
  std::vector<float> Y(M);
  gemvF32(M, K, A.data(), X.data(), Y.data());
  expectClose(Y, Ref, 1e-6, 1e-5, "native gemv");
  Guest G;
  ASSERT_TRUE(G.ok());
  uint32_t Ao = G.put(A), Xo = G.put(X), Yo = G.alloc(4 * M);
  G.run("gemv_f32", {I(Ao), I(M * K), I(Xo), I(K), I(Yo), I(M), I(M), I(K)});
  expectClose(G.get<float>(Yo, M), Ref, 1e-6, 1e-5, "wasm gemv");
}

TEST(HostlibNn, DenseEveryActivationBatchedAndSingle) {
  const uint32_t InF = 20, OutF = 7;
  auto W = randomFloats(OutF * InF, 5), Bias = randomFloats(OutF, 6);
  Guest G;
  ASSERT_TRUE(G.ok());
  for (uint32_t Batch : {1u, 3u})
    for (uint32_t Act = 0; Act < NumActivations; ++Act) {
      auto X = randomFloats(Batch * InF, 7 + Act);
      std::vector<double> Ref(Batch * OutF);
      for (uint32_t B = 0; B < Batch; ++B)
        for (uint32_t O = 0; O < OutF; ++O) {
          double S = Bias[O];
          for (uint32_t K = 0; K < InF; ++K)
            S += double(X[B * InF + K]) * W[O * InF + K];
          Ref[B * OutF + O] = actRef(Act, S);
        }
      std::vector<float> Y(Batch * OutF);
      denseF32(Batch, InF, OutF, X.data(), W.data(), Bias.data(), Y.data(),
               Activation(Act));
      std::string What = " act " + std::to_string(Act) + " batch " +
                         std::to_string(Batch);
      expectClose(Y, Ref, 1e-6, 1e-5, "native dense" + What);
      G.reset();
      uint32_t Xo = G.put(X), Wo = G.put(W), Bo = G.put(Bias),
               Yo = G.alloc(4 * Batch * OutF);
      G.run("dense_f32", {I(Xo), I(Batch * InF), I(Wo), I(OutF * InF), I(Bo),
                          I(OutF), I(Yo), I(Batch * OutF), I(Batch), I(InF),
                          I(OutF), I(Act)});
      expectClose(G.get<float>(Yo, Batch * OutF), Ref, 1e-6, 1e-5,
                  "wasm dense" + What);
    }
}

/// kiln_conv2d_params as the guest lays it out.
static std::vector<int32_t> params(const ConvShape &S) {
  return {int32_t(S.Batch),   int32_t(S.InH),     int32_t(S.InW),
          int32_t(S.InC),     int32_t(S.OutH),    int32_t(S.OutW),
          int32_t(S.OutC),    int32_t(S.KH),      int32_t(S.KW),
          int32_t(S.StrideH), int32_t(S.StrideW), int32_t(S.DilH),
          int32_t(S.DilW),    int32_t(S.PadTop),  int32_t(S.PadLeft),
          int32_t(S.Act)};
}

static ConvShape shape(uint32_t Batch, uint32_t H, uint32_t W, uint32_t InC,
                       uint32_t OutC, uint32_t K, uint32_t Stride, uint32_t Dil,
                       uint32_t Pad, Activation Act = Activation::None) {
  ConvShape S{Batch, H, W, InC, 0, 0, OutC, K, K, Stride, Stride, Dil, Dil,
              Pad, Pad, Act};
  S.OutH = (H + 2 * Pad - Dil * (K - 1) - 1) / Stride + 1;
  S.OutW = (W + 2 * Pad - Dil * (K - 1) - 1) / Stride + 1;
  return S;
}

/// Walks every (output, tap) of S: F(outIndexNoChannel, ky, kx, inPixel or -1).
template <typename Fn> static void walk(const ConvShape &S, Fn F) {
  for (uint32_t B = 0; B < S.Batch; ++B)
    for (uint32_t Oy = 0; Oy < S.OutH; ++Oy)
      for (uint32_t Ox = 0; Ox < S.OutW; ++Ox) {
        size_t O = (size_t(B) * S.OutH + Oy) * S.OutW + Ox;
        for (uint32_t Ky = 0; Ky < S.KH; ++Ky)
          for (uint32_t Kx = 0; Kx < S.KW; ++Kx) {
            long Y = long(Oy * S.StrideH) - long(S.PadTop) + long(Ky * S.DilH);
            long X = long(Ox * S.StrideW) - long(S.PadLeft) + long(Kx * S.DilW);
            bool In = Y >= 0 && Y < long(S.InH) && X >= 0 && X < long(S.InW);
            F(O, Ky, Kx, In ? long((B * S.InH + Y) * S.InW + X) : -1L);
          }
      }
}

static std::vector<double> convRef(const ConvShape &S, const std::vector<float> &In,
                                   const std::vector<float> &Filt,
                                   const std::vector<float> &Bias, bool Depthwise) {
  size_t Outs = size_t(S.Batch) * S.OutH * S.OutW;
  std::vector<double> Ref(Outs * S.OutC);
  for (size_t O = 0; O < Outs; ++O)
    for (uint32_t C = 0; C < S.OutC; ++C)
      Ref[O * S.OutC + C] = Bias.empty() ? 0 : Bias[C];
  uint32_t Mult = S.OutC / S.InC;
  walk(S, [&](size_t O, uint32_t Ky, uint32_t Kx, long P) {
    if (P < 0)
      return;
    for (uint32_t C = 0; C < S.OutC; ++C) {
      if (Depthwise) {
        Ref[O * S.OutC + C] += double(In[P * S.InC + C / Mult]) *
                               Filt[(Ky * S.KW + Kx) * S.OutC + C];
        continue;
      }
      for (uint32_t Ci = 0; Ci < S.InC; ++Ci)
        Ref[O * S.OutC + C] +=
            double(In[P * S.InC + Ci]) *
            Filt[((C * S.KH + Ky) * S.KW + Kx) * S.InC + Ci];
    }
  });
  for (double &V : Ref)
    V = actRef(uint32_t(S.Act), V);
  return Ref;
}

TEST(HostlibNn, Conv2dAndDepthwiseStridePaddingDilation) {
  struct Case {
    ConvShape S;
    bool Depthwise;
  };
  Case Cases[] = {
      {shape(2, 9, 11, 3, 5, 3, 2, 1, 1, Activation::Relu), false},
      {shape(1, 12, 10, 4, 6, 3, 1, 2, 2), false},
      {shape(2, 6, 7, 8, 16, 1, 1, 1, 0, Activation::Relu6), false}, // 1x1
      {shape(1, 9, 9, 4, 8, 3, 2, 1, 1, Activation::Tanh), true},    // x2
      {shape(2, 8, 8, 6, 6, 5, 1, 2, 4), true},
  };
  Guest G;
  ASSERT_TRUE(G.ok());
  int N = 0;
  for (const Case &Cs : Cases) {
    const ConvShape &S = Cs.S;
    size_t InLen = size_t(S.Batch) * S.InH * S.InW * S.InC;
    size_t FLen = Cs.Depthwise ? size_t(S.KH) * S.KW * S.OutC
                               : size_t(S.OutC) * S.KH * S.KW * S.InC;
    size_t OutLen = size_t(S.Batch) * S.OutH * S.OutW * S.OutC;
    auto In = randomFloats(InLen, 20 + N), Filt = randomFloats(FLen, 40 + N),
         Bias = randomFloats(S.OutC, 60 + N);
    auto Ref = convRef(S, In, Filt, Bias, Cs.Depthwise);
    std::vector<float> Out(OutLen);
    (Cs.Depthwise ? depthwiseConv2dF32 : conv2dF32)(S, In.data(), Filt.data(),
                                                    Bias.data(), Out.data());
    std::string What = " case " + std::to_string(N++);
    expectClose(Out, Ref, 1e-6, 1e-5, "native conv" + What);
    G.reset();
    uint32_t P = G.put(params(S)), Io = G.put(In), Fo = G.put(Filt),
             Bo = G.put(Bias), Oo = G.alloc(4 * OutLen);
    G.run(Cs.Depthwise ? "depthwise_conv2d_f32" : "conv2d_f32",
          {I(P), I(16), I(Io), I(uint32_t(InLen)), I(Fo), I(uint32_t(FLen)),
           I(Bo), I(S.OutC), I(Oo), I(uint32_t(OutLen))});
    expectClose(G.get<float>(Oo, OutLen), Ref, 1e-6, 1e-5, "wasm conv" + What);
  }
}

TEST(HostlibNn, MaxAndAveragePoolingSkipPadding) {
  Guest G;
  ASSERT_TRUE(G.ok());
  for (const ConvShape &S0 : {shape(2, 8, 8, 5, 5, 2, 2, 1, 0),
                              shape(1, 7, 9, 3, 3, 3, 1, 1, 1)}) {
    for (bool IsMax : {true, false}) {
      const ConvShape &S = S0;
      size_t InLen = size_t(S.Batch) * S.InH * S.InW * S.InC;
      size_t Outs = size_t(S.Batch) * S.OutH * S.OutW;
      auto In = randomFloats(InLen, IsMax ? 70 : 71);
      std::vector<double> Ref(Outs * S.OutC, IsMax ? -1e30 : 0.0);
      std::vector<int> Count(Outs);
      walk(S, [&](size_t O, uint32_t, uint32_t, long P) {
        if (P < 0)
          return;
        ++Count[O];
        for (uint32_t C = 0; C < S.OutC; ++C)
          Ref[O * S.OutC + C] =
              IsMax ? std::max<double>(Ref[O * S.OutC + C], In[P * S.InC + C])
                    : Ref[O * S.OutC + C] + In[P * S.InC + C];
      });
      if (!IsMax)
        for (size_t O = 0; O < Outs; ++O)
          for (uint32_t C = 0; C < S.OutC; ++C)
            Ref[O * S.OutC + C] /= Count[O];
      std::vector<float> Out(Outs * S.OutC);
      (IsMax ? maxPool2dF32 : avgPool2dF32)(S, In.data(), Out.data());
      expectClose(Out, Ref, 1e-6, 1e-5, IsMax ? "native max" : "native avg");
      G.reset();
      uint32_t P = G.put(params(S)), Io = G.put(In), Oo = G.alloc(4 * Out.size());
      G.run(IsMax ? "max_pool2d_f32" : "avg_pool2d_f32",
            {I(P), I(16), I(Io), I(uint32_t(InLen)), I(Oo), I(uint32_t(Out.size()))});
      expectClose(G.get<float>(Oo, Out.size()), Ref, 1e-6, 1e-5,
                  IsMax ? "wasm max" : "wasm avg");
    }
  }
}

TEST(HostlibNn, ActivationsSoftmaxLayerNorm) {
  Guest G;
  ASSERT_TRUE(G.ok());
  auto X = randomFloats(300, 80, -8.0f, 8.0f);
  const char *Names[] = {"relu_f32", "relu6_f32", "sigmoid_f32", "tanh_f32"};
  for (uint32_t A = 1; A < NumActivations; ++A) {
    std::vector<double> Ref(X.size());
    for (size_t K = 0; K < X.size(); ++K)
      Ref[K] = actRef(A, X[K]);
    std::vector<float> Y(X.size());
    activationF32(Activation(A), X.data(), Y.data(), 300);
    expectClose(Y, Ref, 1e-6, 1e-5, std::string("native ") + Names[A - 1]);
    G.reset();
    uint32_t Xo = G.put(X);
    G.run(Names[A - 1], {I(Xo), I(300), I(Xo), I(300)}); // in place
    expectClose(G.get<float>(Xo, 300), Ref, 1e-6, 1e-5,
                std::string("wasm ") + Names[A - 1]);
  }
  // Softmax and layer norm, 6 rows of 50.
  std::vector<double> Soft(300), Norm(300);
  auto Gamma = randomFloats(50, 81), Beta = randomFloats(50, 82);
  for (int R = 0; R < 6; ++R) {
    double Mx = -1e30, Sum = 0, Mean = 0, Var = 0;
    for (int C = 0; C < 50; ++C)
      Mx = std::max<double>(Mx, X[R * 50 + C]);
    for (int C = 0; C < 50; ++C)
      Sum += std::exp(X[R * 50 + C] - Mx);
    for (int C = 0; C < 50; ++C) {
      Soft[R * 50 + C] = std::exp(X[R * 50 + C] - Mx) / Sum;
      Mean += X[R * 50 + C] / 50.0;
    }
    for (int C = 0; C < 50; ++C)
      Var += (X[R * 50 + C] - Mean) * (X[R * 50 + C] - Mean) / 50.0;
    for (int C = 0; C < 50; ++C)
      Norm[R * 50 + C] =
          (X[R * 50 + C] - Mean) / std::sqrt(Var + 1e-5) * Gamma[C] + Beta[C];
  }
  std::vector<float> Y(300);
  softmaxF32(X.data(), Y.data(), 6, 50);
  expectClose(Y, Soft, 1e-7, 1e-5, "native softmax");
  layerNormF32(X.data(), Gamma.data(), Beta.data(), 1e-5f, Y.data(), 6, 50);
  expectClose(Y, Norm, 1e-6, 1e-5, "native layer norm");
  G.reset();
  uint32_t Xo = G.put(X), Yo = G.alloc(1200), Go = G.put(Gamma), Bo = G.put(Beta);
  G.run("softmax_f32", {I(Xo), I(300), I(Yo), I(300), I(6), I(50)});
  expectClose(G.get<float>(Yo, 300), Soft, 1e-7, 1e-5, "wasm softmax");
  G.run("layer_norm_f32", {I(Xo), I(300), I(Go), I(50), I(Bo), I(50), I(Xo),
                           I(300), I(6), I(50), F(1e-5f)});
  expectClose(G.get<float>(Xo, 300), Norm, 1e-6, 1e-5, "wasm layer norm");
}

/// TFLite's QuantizeMultiplier.
static void quantizeMultiplier(double M, int32_t &Q, int32_t &Shift) {
  int E;
  double F = std::frexp(M, &E);
  int64_t R = std::llround(F * double(1ll << 31));
  if (R == (1ll << 31)) {
    R /= 2;
    ++E;
  }
  Q = int32_t(R);
  Shift = E;
}

TEST(HostlibNn, MultiplyByQuantizedMultiplierMatchesTFLite) {
  // Hand-checked values of TFLite's function.
  EXPECT_EQ(multiplyByQuantizedMultiplier(100, 1 << 30, 0), 50);
  EXPECT_EQ(multiplyByQuantizedMultiplier(3, 1 << 30, 0), 2);   // 1.5 -> 2
  EXPECT_EQ(multiplyByQuantizedMultiplier(-3, 1 << 30, 0), -1); // -1.5 -> -1
  EXPECT_EQ(multiplyByQuantizedMultiplier(1000, 1 << 30, -3), 63); // 62.5
  EXPECT_EQ(multiplyByQuantizedMultiplier(7, 1 << 30, 2), 14);
  EXPECT_EQ(multiplyByQuantizedMultiplier(INT32_MIN, INT32_MIN, 0), INT32_MAX);
  // Everywhere else: within 1 of the exact real product.
  std::mt19937 G(5);
  for (int K = 0; K < 20000; ++K) {
    int32_t X = int32_t(G() % 2000001) - 1000000;
    int32_t M, S;
    quantizeMultiplier(std::ldexp(1.0 + (G() % 1000) / 1000.0, -int(G() % 20)), M, S);
    double Want = ref::requantizeReal(X, M, S);
    EXPECT_LE(std::fabs(multiplyByQuantizedMultiplier(X, M, S) - Want), 1.0)
        << X << " " << M << " " << S;
  }
}

struct QuantLayer {
  std::vector<int32_t> Bias, Mult, Shift;
  QuantParams Q{-7, 5, -128, 127};
};

static QuantLayer quantLayer(uint32_t OutC, uint32_t Seed, double Scale) {
  QuantLayer L;
  std::mt19937 G(Seed);
  for (uint32_t C = 0; C < OutC; ++C) {
    L.Bias.push_back(int32_t(G() % 20001) - 10000);
    int32_t M, S;
    quantizeMultiplier(Scale * (0.2 + (G() % 1000) / 1000.0), M, S);
    L.Mult.push_back(M);
    L.Shift.push_back(S);
  }
  return L;
}

static void expectQuantized(const std::vector<int8_t> &Got,
                            const std::vector<int64_t> &Acc, uint32_t OutC,
                            const QuantLayer &L, const std::string &What) {
  ASSERT_EQ(Got.size(), Acc.size());
  int Worst = 0, Saturated = 0;
  for (size_t K = 0; K < Got.size(); ++K) {
    uint32_t C = uint32_t(K % OutC);
    double R = std::round(ref::requantizeReal(Acc[K], L.Mult[C], L.Shift[C])) +
               L.Q.OutputZeroPoint;
    R = std::clamp(R, double(L.Q.ActMin), double(L.Q.ActMax));
    Saturated += R == -128 || R == 127;
    Worst = std::max(Worst, std::abs(int(Got[K]) - int(R)));
  }
  EXPECT_LE(Worst, 1) << What;
  EXPECT_LT(Saturated, int(Got.size()) / 4) << What << ": scales too large to test";
}

TEST(HostlibNn, DenseInt8PerChannelRequantization) {
  const uint32_t Batch = 4, InF = 96, OutF = 10;
  auto X = randomI8(Batch * InF, 90), W = randomI8(OutF * InF, 91);
  QuantLayer L = quantLayer(OutF, 92, 0.0008);
  std::vector<int64_t> Acc(Batch * OutF);
  for (uint32_t B = 0; B < Batch; ++B)
    for (uint32_t O = 0; O < OutF; ++O) {
      int64_t S = L.Bias[O];
      for (uint32_t K = 0; K < InF; ++K)
        S += int64_t(X[B * InF + K] - L.Q.InputZeroPoint) * W[O * InF + K];
      Acc[B * OutF + O] = S;
    }
  std::vector<int8_t> Y(Batch * OutF);
  denseI8(Batch, InF, OutF, X.data(), W.data(), L.Bias.data(), L.Q,
          L.Mult.data(), L.Shift.data(), Y.data());
  expectQuantized(Y, Acc, OutF, L, "native dense_i8");
  Guest G;
  ASSERT_TRUE(G.ok());
  std::vector<int32_t> Qv = {L.Q.InputZeroPoint, L.Q.OutputZeroPoint,
                             L.Q.ActMin, L.Q.ActMax};
  uint32_t Xo = G.put(X), Wo = G.put(W), Bo = G.put(L.Bias), Qo = G.put(Qv),
           Mo = G.put(L.Mult), So = G.put(L.Shift), Yo = G.alloc(Y.size());
  G.run("dense_i8", {I(Xo), I(Batch * InF), I(Wo), I(OutF * InF), I(Bo), I(OutF),
                     I(Qo), I(4), I(Mo), I(OutF), I(So), I(OutF), I(Yo),
                     I(Batch * OutF), I(Batch), I(InF), I(OutF)});
  EXPECT_EQ(G.get<int8_t>(Yo, Y.size()), Y) << "wasm and native differ";
}

TEST(HostlibNn, Conv2dInt8PaddingUsesTheInputZeroPoint) {
  for (const ConvShape &S : {shape(2, 9, 8, 6, 12, 3, 2, 1, 1),
                             shape(1, 10, 10, 8, 4, 3, 1, 2, 2)}) {
    size_t InLen = size_t(S.Batch) * S.InH * S.InW * S.InC;
    size_t FLen = size_t(S.OutC) * S.KH * S.KW * S.InC;
    size_t Outs = size_t(S.Batch) * S.OutH * S.OutW;
    auto In = randomI8(InLen, 93), Filt = randomI8(FLen, 94);
    QuantLayer L = quantLayer(S.OutC, 95, 0.002);
    std::vector<int64_t> Acc(Outs * S.OutC);
    for (size_t O = 0; O < Outs; ++O)
      for (uint32_t C = 0; C < S.OutC; ++C)
        Acc[O * S.OutC + C] = L.Bias[C];
    walk(S, [&](size_t O, uint32_t Ky, uint32_t Kx, long P) {
      if (P < 0)
        return; // (zero point - zero point) * w = 0
      for (uint32_t C = 0; C < S.OutC; ++C)
        for (uint32_t Ci = 0; Ci < S.InC; ++Ci)
          Acc[O * S.OutC + C] +=
              int64_t(In[P * S.InC + Ci] - L.Q.InputZeroPoint) *
              Filt[((C * S.KH + Ky) * S.KW + Kx) * S.InC + Ci];
    });
    std::vector<int8_t> Out(Outs * S.OutC);
    conv2dI8(S, In.data(), Filt.data(), L.Bias.data(), L.Q, L.Mult.data(),
             L.Shift.data(), Out.data());
    expectQuantized(Out, Acc, S.OutC, L, "native conv2d_i8");
    Guest G;
    ASSERT_TRUE(G.ok());
    std::vector<int32_t> Qv = {L.Q.InputZeroPoint, L.Q.OutputZeroPoint,
                               L.Q.ActMin, L.Q.ActMax};
    uint32_t P = G.put(params(S)), Io = G.put(In), Fo = G.put(Filt),
             Bo = G.put(L.Bias), Qo = G.put(Qv), Mo = G.put(L.Mult),
             So = G.put(L.Shift), Oo = G.alloc(Out.size());
    G.run("conv2d_i8", {I(P), I(16), I(Io), I(uint32_t(InLen)), I(Fo),
                        I(uint32_t(FLen)), I(Bo), I(S.OutC), I(Qo), I(4), I(Mo),
                        I(S.OutC), I(So), I(S.OutC), I(Oo), I(uint32_t(Out.size()))});
    EXPECT_EQ(G.get<int8_t>(Oo, Out.size()), Out) << "wasm and native differ";
  }
}
