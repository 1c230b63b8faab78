//===- tests/hostlib/dsp_test.cc - kiln:dsp against double references -----===//
//
// Each test runs the native kernel and the same function imported by the
// wasm test guest, and compares both with tests/hostlib/reference.h.
// Tolerances (max abs error <= Abs + Rel * max|reference|):
//   filters, windows, statistics: Rel 1e-5 (f32 arithmetic, double sums)
//   FFTs: Rel 2e-6 * log2(n) (f32 twiddles, n up to 65536)
//
//===----------------------------------------------------------------------===//

#include "guest.h"
#include "kiln/hostlib/kernels.h"
#include "reference.h"

using namespace kiln;
using namespace kiln::hostlib;
using namespace kiln::hostlib::test;

static std::vector<double> toD(const std::vector<float> &V) {
  return std::vector<double>(V.begin(), V.end());
}

static std::vector<float> cat(std::vector<float> A, const std::vector<float> &B) {
  A.insert(A.end(), B.begin(), B.end());
  return A;
}

TEST(HostlibDsp, FirStreamsAcrossCallsNativeAndWasm) {
  auto Taps = randomFloats(64, 1);
  auto X1 = randomFloats(1000, 2), X2 = randomFloats(333, 3);
  auto Ref = ref::fir(Taps, cat(X1, X2));
  // Native.
  std::vector<float> State(63, 0.0f), Y1(1000), Y2(333);
  firF32(Taps.data(), 64, State.data(), X1.data(), Y1.data(), 1000);
  firF32(Taps.data(), 64, State.data(), X2.data(), Y2.data(), 333);
  expectClose(cat(Y1, Y2), Ref, 1e-6, 1e-5, "native fir");
  // Wasm: the second chunk in place (out == in).
  Guest G;
  ASSERT_TRUE(G.ok());
  uint32_t T = G.put(Taps), S = G.put(std::vector<float>(63, 0.0f));
  uint32_t A = G.put(X1), O = G.alloc(4000), B = G.put(X2);
  G.run("fir_f32", {I(T), I(64), I(S), I(63), I(A), I(1000), I(O), I(1000)});
  G.run("fir_f32", {I(T), I(64), I(S), I(63), I(B), I(333), I(B), I(333)});
  expectClose(cat(G.get<float>(O, 1000), G.get<float>(B, 333)), Ref, 1e-6,
              1e-5, "wasm fir");
}

/// RBJ cookbook low-pass and high-pass sections (normalized, stable).
static std::vector<float> biquadCoeffs() {
  std::vector<float> Co;
  for (int HighPass = 0; HighPass < 2; ++HighPass) {
    double W = 2 * M_PI * (HighPass ? 0.02 : 0.15), Q = 0.7071;
    double Alpha = std::sin(W) / (2 * Q), Cw = std::cos(W), A0 = 1 + Alpha;
    double B0 = HighPass ? (1 + Cw) / 2 : (1 - Cw) / 2;
    double B1 = HighPass ? -(1 + Cw) : 1 - Cw;
    for (double V : {B0, B1, B0, -2 * Cw, 1 - Alpha})
      Co.push_back(float(V / A0));
  }
  return Co;
}

static std::vector<double> biquadRef(const std::vector<float> &Co,
                                     const std::vector<float> &X) {
  std::vector<double> Y(X.begin(), X.end());
  for (size_t S = 0; S < Co.size() / 5; ++S) {
    const float *K = &Co[5 * S];
    double S1 = 0, S2 = 0;
    for (double &V : Y) {
      double Out = K[0] * V + S1;
      S1 = K[1] * V - K[3] * Out + S2;
      S2 = K[2] * V - K[4] * Out;
      V = Out;
    }
  }
  return Y;
}

TEST(HostlibDsp, BiquadCascadeDirectFormIITransposed) {
  auto Co = biquadCoeffs();
  auto X1 = randomFloats(700, 4), X2 = randomFloats(300, 5);
  auto Ref = biquadRef(Co, cat(X1, X2));
  std::vector<float> St(4, 0.0f), Y1(700), Y2(300);
  biquadF32(Co.data(), 2, St.data(), X1.data(), Y1.data(), 700);
  biquadF32(Co.data(), 2, St.data(), X2.data(), Y2.data(), 300);
  expectClose(cat(Y1, Y2), Ref, 1e-6, 1e-4, "native biquad");
  Guest G;
  ASSERT_TRUE(G.ok());
  uint32_t K = G.put(Co), S = G.put(std::vector<float>(4, 0.0f));
  uint32_t A = G.put(X1), B = G.put(X2);
  G.run("biquad_f32", {I(K), I(10), I(S), I(4), I(A), I(700), I(A), I(700)});
  G.run("biquad_f32", {I(K), I(10), I(S), I(4), I(B), I(300), I(B), I(300)});
  expectClose(cat(G.get<float>(A, 700), G.get<float>(B, 300)), Ref, 1e-6,
              1e-4, "wasm biquad");
}

TEST(HostlibDsp, MovingAverageStreams) {
  auto X1 = randomFloats(5000, 6), X2 = randomFloats(123, 7);
  auto X = cat(X1, X2);
  std::vector<double> Ref(X.size());
  for (size_t I = 0; I < X.size(); ++I) {
    for (size_t K = 0; K < 16 && K <= I; ++K)
      Ref[I] += X[I - K];
    Ref[I] /= 16;
  }
  std::vector<float> St(15, 0.0f), Y1(5000), Y2(123);
  movingAverageF32(16, St.data(), X1.data(), Y1.data(), 5000);
  movingAverageF32(16, St.data(), X2.data(), Y2.data(), 123);
  expectClose(cat(Y1, Y2), Ref, 1e-6, 1e-5, "native moving average");
  Guest G;
  ASSERT_TRUE(G.ok());
  uint32_t S = G.put(std::vector<float>(15, 0.0f)), A = G.put(X1),
           B = G.put(X2), O = G.alloc(5000 * 4);
  G.run("moving_average_f32", {I(16), I(S), I(15), I(A), I(5000), I(O), I(5000)});
  G.run("moving_average_f32", {I(16), I(S), I(15), I(B), I(123), I(B), I(123)});
  expectClose(cat(G.get<float>(O, 5000), G.get<float>(B, 123)), Ref, 1e-6,
              1e-5, "wasm moving average");
}

TEST(HostlibDsp, LowpassDesignAndDecimation) {
  // Design: the documented windowed sinc, unity DC gain.
  std::vector<float> Taps(31);
  designLowpassF32(0.1f, Taps.data(), 31);
  std::vector<double> RefTaps(31);
  double Sum = 0;
  for (int K = 0; K < 31; ++K) {
    double T = K - 15.0;
    double H = T == 0 ? 0.2 : std::sin(2 * M_PI * 0.1 * T) / (M_PI * T);
    RefTaps[K] = H * (0.54 - 0.46 * std::cos(2 * M_PI * K / 30));
    Sum += RefTaps[K];
  }
  for (double &V : RefTaps)
    V /= Sum;
  expectClose(Taps, RefTaps, 1e-7, 1e-6, "native lowpass design");
  Guest G;
  ASSERT_TRUE(G.ok());
  uint32_t T = G.alloc(31 * 4);
  G.run("design_lowpass_f32", {F(0.1f), I(T), I(31)});
  expectClose(G.get<float>(T, 31), RefTaps, 1e-7, 1e-6, "wasm lowpass design");

  // Decimation by 4: the filtered stream sampled at 0, 4, 8, ...
  auto X1 = randomFloats(400, 8), X2 = randomFloats(800, 9);
  auto Full = ref::fir(Taps, cat(X1, X2));
  std::vector<double> Ref;
  for (size_t I = 0; I < Full.size(); I += 4)
    Ref.push_back(Full[I]);
  std::vector<float> St(30, 0.0f), Y1(100), Y2(200);
  decimateF32(Taps.data(), 31, 4, St.data(), X1.data(), Y1.data(), 400);
  decimateF32(Taps.data(), 31, 4, St.data(), X2.data(), Y2.data(), 800);
  expectClose(cat(Y1, Y2), Ref, 1e-6, 1e-5, "native decimate");
  uint32_t S = G.put(std::vector<float>(30, 0.0f)), A = G.put(X1),
           B = G.put(X2), O = G.alloc(300 * 4);
  G.run("decimate_f32", {I(T), I(31), I(4), I(S), I(30), I(A), I(400), I(O), I(100)});
  G.run("decimate_f32", {I(T), I(31), I(4), I(S), I(30), I(B), I(800), I(O + 400), I(200)});
  expectClose(G.get<float>(O, 300), Ref, 1e-6, 1e-5, "wasm decimate");
}

TEST(HostlibDsp, WindowsArePeriodicHannHammingBlackman) {
  Guest G;
  ASSERT_TRUE(G.ok());
  const uint32_t N = 1000;
  auto X = randomFloats(N, 10);
  uint32_t In = G.put(X), W = G.alloc(N * 4), Ap = G.alloc(N * 4);
  for (unsigned K = 0; K < NumWindows; ++K) {
    std::vector<double> Ref(N), RefApplied(N);
    for (uint32_t J = 0; J < N; ++J) {
      Ref[J] = ref::window(K, J, N);
      RefApplied[J] = Ref[J] * X[J];
    }
    std::vector<float> Nw(N), Na(N);
    windowF32(Window(K), Nw.data(), N);
    windowApplyF32(Window(K), X.data(), Na.data(), N);
    expectClose(Nw, Ref, 1e-7, 1e-6, "native window " + std::to_string(K));
    expectClose(Na, RefApplied, 1e-7, 1e-6, "native window apply");
    G.run("window_f32", {I(K), I(W), I(N)});
    G.run("window_apply_f32", {I(K), I(In), I(N), I(Ap), I(N)});
    expectClose(G.get<float>(W, N), Ref, 1e-7, 1e-6, "wasm window");
    expectClose(G.get<float>(Ap, N), RefApplied, 1e-7, 1e-6, "wasm window apply");
  }
}

TEST(HostlibDsp, ReferenceFftMatchesTheDft) {
  auto X = randomFloats(128, 11);
  std::vector<ref::C> A(64);
  for (size_t I = 0; I < 64; ++I)
    A[I] = {X[2 * I], X[2 * I + 1]};
  auto D = ref::dft(A);
  ref::fft(A, false);
  for (size_t I = 0; I < 64; ++I)
    EXPECT_NEAR(std::abs(A[I] - D[I]), 0.0, 1e-12);
}

TEST(HostlibDsp, ComplexFftForwardAndInverseAllSizes) {
  Guest G;
  ASSERT_TRUE(G.ok());
  FftPlans Plans;
  for (uint32_t Log2 : {0u, 1u, 2u, 3u, 5u, 10u, 13u, 16u}) {
    uint32_t N = 1u << Log2;
    auto X = randomFloats(2 * size_t(N), 100 + Log2);
    std::vector<ref::C> A(N);
    for (size_t K = 0; K < N; ++K)
      A[K] = {X[2 * K], X[2 * K + 1]};
    auto Fw = A, Iv = A;
    ref::fft(Fw, false);
    ref::fft(Iv, true);
    for (auto &Z : Iv)
      Z /= double(N);
    double Rel = 2e-6 * std::max(1u, Log2);
    std::string Sz = " n=" + std::to_string(N);
    std::vector<float> Out(2 * size_t(N));
    fftC32(Plans, X.data(), Out.data(), N, false);
    expectClose(Out, ref::interleave(Fw), 1e-7, Rel, "native fft" + Sz);
    fftC32(Plans, X.data(), Out.data(), N, true);
    expectClose(Out, ref::interleave(Iv), 1e-7, Rel, "native ifft" + Sz);
    G.reset();
    uint32_t In = G.put(X), O = G.alloc(8 * size_t(N));
    G.run("fft_c32", {I(In), I(N), I(O), I(N), I(0)});
    expectClose(G.get<float>(O, 2 * N), ref::interleave(Fw), 1e-7, Rel, "wasm fft" + Sz);
    G.run("fft_c32", {I(In), I(N), I(In), I(N), I(1)}); // in place
    expectClose(G.get<float>(In, 2 * N), ref::interleave(Iv), 1e-7, Rel, "wasm ifft" + Sz);
  }
}

TEST(HostlibDsp, RealFftAndInverseRoundTrip) {
  Guest G;
  ASSERT_TRUE(G.ok());
  FftPlans Plans;
  for (uint32_t Log2 : {1u, 2u, 4u, 10u, 16u}) {
    uint32_t N = 1u << Log2, Bins = N / 2 + 1;
    auto X = randomFloats(N, 200 + Log2);
    std::vector<ref::C> A(X.begin(), X.end());
    ref::fft(A, false);
    A.resize(Bins);
    auto Want = ref::interleave(A);
    double Rel = 2e-6 * Log2;
    std::string Sz = " n=" + std::to_string(N);
    std::vector<float> Spec(2 * Bins), Back(N);
    rfftF32(Plans, X.data(), Spec.data(), N);
    expectClose(Spec, Want, 1e-7, Rel, "native rfft" + Sz);
    irfftF32(Plans, Spec.data(), Back.data(), N);
    expectClose(Back, toD(X), 1e-6, Rel, "native irfft" + Sz);
    G.reset();
    uint32_t In = G.put(X), S = G.alloc(8 * Bins), B = G.alloc(4 * N);
    G.run("rfft_f32", {I(In), I(N), I(S), I(Bins)});
    expectClose(G.get<float>(S, 2 * Bins), Want, 1e-7, Rel, "wasm rfft" + Sz);
    G.run("irfft_f32", {I(S), I(Bins), I(B), I(N)});
    expectClose(G.get<float>(B, N), toD(X), 1e-6, Rel, "wasm irfft" + Sz);
  }
}

TEST(HostlibDsp, MagnitudePowerAndPowerSpectrum) {
  Guest G;
  ASSERT_TRUE(G.ok());
  const uint32_t M = 257;
  auto Z = randomFloats(2 * M, 12);
  std::vector<double> Mag(M), Pow(M);
  for (uint32_t K = 0; K < M; ++K) {
    Pow[K] = double(Z[2 * K]) * Z[2 * K] + double(Z[2 * K + 1]) * Z[2 * K + 1];
    Mag[K] = std::sqrt(Pow[K]);
  }
  std::vector<float> O(M);
  magnitudeC32(Z.data(), O.data(), M);
  expectClose(O, Mag, 1e-7, 1e-6, "native magnitude");
  powerC32(Z.data(), O.data(), M);
  expectClose(O, Pow, 1e-7, 1e-6, "native power");
  uint32_t In = G.put(Z), Out = G.alloc(4 * M);
  G.run("magnitude_c32", {I(In), I(M), I(Out), I(M)});
  expectClose(G.get<float>(Out, M), Mag, 1e-7, 1e-6, "wasm magnitude");
  G.run("power_c32", {I(In), I(M), I(Out), I(M)});
  expectClose(G.get<float>(Out, M), Pow, 1e-7, 1e-6, "wasm power");

  const uint32_t N = 1024;
  auto X = randomFloats(N, 13);
  for (unsigned W = 0; W < NumWindows; ++W) {
    std::vector<ref::C> A(N);
    for (uint32_t J = 0; J < N; ++J)
      A[J] = X[J] * ref::window(W, J, N);
    ref::fft(A, false);
    std::vector<double> Ref(N / 2 + 1);
    for (uint32_t K = 0; K <= N / 2; ++K)
      Ref[K] = std::norm(A[K]);
    FftPlans Plans;
    std::vector<float> Ps(N / 2 + 1);
    powerSpectrumF32(Plans, Window(W), X.data(), Ps.data(), N);
    expectClose(Ps, Ref, 1e-6, 4e-5, "native power spectrum");
    uint32_t Xi = G.put(X), Po = G.alloc(4 * (N / 2 + 1));
    G.run("power_spectrum_f32", {I(W), I(Xi), I(N), I(Po), I(N / 2 + 1)});
    expectClose(G.get<float>(Po, N / 2 + 1), Ref, 1e-6, 4e-5,
                "wasm power spectrum");
  }
}

TEST(HostlibDsp, StatisticsEachAndAllAtOnce) {
  const uint32_t N = 10007;
  auto X = randomFloats(N, 14, -0.7f, 1.3f);
  double Sum = 0, Sq = 0, Mn = X[0], Mx = X[0];
  uint32_t Zc = 0;
  for (uint32_t I = 0; I < N; ++I) {
    Sum += X[I];
    Sq += double(X[I]) * X[I];
    Mn = std::min<double>(Mn, X[I]);
    Mx = std::max<double>(Mx, X[I]);
    if (I && (X[I - 1] < 0) != (X[I] < 0))
      ++Zc;
  }
  double Mean = Sum / N, Var = 0;
  for (float V : X)
    Var += (V - Mean) * (V - Mean);
  Var /= N;
  double Want[6] = {Mean, Var, std::sqrt(Sq / N), Mn, Mx, Mx - Mn};
  Stats S = statsF32(X.data(), N);
  float Native[6] = {S.Mean, S.Variance, S.Rms, S.Min, S.Max, S.PeakToPeak};
  float Single[6] = {meanF32(X.data(), N), varianceF32(X.data(), N),
                     rmsF32(X.data(), N),  minF32(X.data(), N),
                     maxF32(X.data(), N),  peakToPeakF32(X.data(), N)};
  Guest G;
  ASSERT_TRUE(G.ok());
  uint32_t In = G.put(X), Out = G.alloc(28);
  const char *Names[6] = {"mean_f32", "variance_f32", "rms_f32",
                          "min_f32",  "max_f32",      "peak_to_peak_f32"};
  G.run("stats_f32", {I(In), I(N), I(Out), I(7)});
  auto All = G.get<float>(Out, 7);
  for (int K = 0; K < 6; ++K) {
    auto R = G.run(Names[K], {I(In), I(N)});
    ASSERT_EQ(R.size(), 1u);
    float Wasm = std::bit_cast<float>(R[0].f32Bits());
    double Tol = 1e-6 + 1e-5 * std::fabs(Want[K]);
    EXPECT_NEAR(Native[K], Want[K], Tol) << Names[K];
    EXPECT_NEAR(Single[K], Want[K], Tol) << Names[K];
    EXPECT_NEAR(Wasm, Want[K], Tol) << Names[K] << " (wasm)";
    EXPECT_NEAR(All[K], Want[K], Tol) << Names[K] << " (wasm stats_f32)";
  }
  EXPECT_EQ(S.ZeroCrossings, Zc);
  EXPECT_EQ(zeroCrossingsF32(X.data(), N), Zc);
  EXPECT_EQ(std::bit_cast<uint32_t>(All[6]), Zc);
  auto R = G.run("zero_crossings_f32", {I(In), I(N)});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(R[0].i32(), Zc);
  EXPECT_GT(Zc, 1000u); // the input really does cross zero
}
