// bench_guest.c - the wasm side of the hostlib benchmark: run(case, iters)
// makes `iters` calls of one case (bench_cases.def), either a kiln:dsp /
// kiln:nn import or the portable C baseline (portable.c) on the same data.

#include "bench_data.h"
#include "kiln/dsp.h"
#include "kiln/nn.h"
#include "portable.c"

static BenchData D;

__attribute__((export_name("init"))) void init(void) {
  benchDataInit(&D);
  portable_fft_init();
}

static void once(int Case) {
  switch (Case) {
  case 0:
    kiln_fir_f32(D.A, 64, D.D, 63, D.B, 1024, D.C, 1024);
    break;
  case 1:
    kiln_biquad_f32(D.Coeffs, 20, D.D, 8, D.B, 1024, D.C, 1024);
    break;
  case 2:
    kiln_moving_average_f32(16, D.D, 15, D.B, 1024, D.C, 1024);
    break;
  case 3:
    kiln_decimate_f32(D.A, 32, 4, D.D, 31, D.B, 1024, D.C, 256);
    break;
  case 4:
    kiln_window_apply_f32(KILN_WINDOW_HANN, D.B, 1024, D.C, 1024);
    break;
  case 5:
    kiln_fft_c32((kiln_complex *)D.B, 1024, (kiln_complex *)D.C, 1024, 0);
    break;
  case 6:
    kiln_rfft_f32(D.B, 1024, (kiln_complex *)D.C, 513);
    break;
  case 7:
    kiln_irfft_f32((kiln_complex *)D.C, 513, D.D, 1024);
    break;
  case 8:
    kiln_power_spectrum_f32(KILN_WINDOW_HANN, D.B, 1024, D.C, 513);
    break;
  case 9:
    kiln_stats_f32(D.B, 4096, (kiln_stats *)D.D, 7);
    break;
  case 10:
    kiln_gemm_f32(D.A, 4096, D.B, 4096, D.C, 4096, 64, 64, 64, 1.0f, 0.0f);
    break;
  case 11:
    kiln_gemv_f32(D.A, 65536, D.B, 256, D.C, 256, 256, 256);
    break;
  case 12:
    kiln_dense_f32(D.B, 256, D.A, 32768, D.D, 128, D.C, 128, 1, 256, 128,
                   KILN_ACT_RELU);
    break;
  case 13:
    kiln_dense_i8(D.I8a, 256, D.I8b, 32768, D.Bias, 128,
                  (const kiln_quant_params *)D.Quant, 4, D.Mult, 128, D.Shift,
                  128, D.I8c, 128, 1, 256, 128);
    break;
  case 14:
    kiln_conv2d_f32((const kiln_conv2d_params *)D.ConvP, 16, D.B, 2048, D.A,
                    1152, D.D, 16, D.C, 4096);
    break;
  case 15:
    kiln_depthwise_conv2d_f32((const kiln_conv2d_params *)D.DwP, 16, D.B,
                              16384, D.A, 144, D.D, 16, D.C, 16384);
    break;
  case 16:
    kiln_conv2d_i8((const kiln_conv2d_params *)D.ConvQP, 16, D.I8a, 4096,
                   D.I8b, 2304, D.Bias, 16, (const kiln_quant_params *)D.Quant,
                   4, D.Mult, 16, D.Shift, 16, D.I8c, 4096);
    break;
  case 17:
    kiln_max_pool2d_f32((const kiln_conv2d_params *)D.PoolP, 16, D.B, 16384,
                        D.C, 4096);
    break;
  case 18:
    kiln_avg_pool2d_f32((const kiln_conv2d_params *)D.PoolP, 16, D.B, 16384,
                        D.C, 4096);
    break;
  case 19:
    kiln_sigmoid_f32(D.B, 4096, D.C, 4096);
    break;
  case 20:
    kiln_tanh_f32(D.B, 4096, D.C, 4096);
    break;
  case 21:
    kiln_softmax_f32(D.B, 1000, D.C, 1000, 1, 1000);
    break;
  case 22:
    kiln_layer_norm_f32(D.B, 2048, D.A, 256, D.D, 256, D.C, 2048, 8, 256,
                        1e-5f);
    break;
  case 23:
    portable_fir(D.A, 64, D.D, D.B, D.C, 1024);
    break;
  case 24:
    portable_rfft(D.B, D.C);
    break;
  case 25:
    portable_conv2d_i8(D.ConvQP, D.I8a, D.I8b, D.Bias, D.Quant, D.Mult,
                       D.Shift, D.I8c);
    break;
  }
}

__attribute__((export_name("run"))) void run(int Case, int Iters) {
  for (int I = 0; I < Iters; ++I)
    once(Case);
}

// The outputs, for checking that the portable baselines compute what
// hostlib computes.
__attribute__((export_name("out_f32"))) float *out_f32(void) { return D.C; }
__attribute__((export_name("out_i8"))) int8_t *out_i8(void) { return D.I8c; }
