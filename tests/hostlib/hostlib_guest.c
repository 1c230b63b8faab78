// hostlib_guest.c - the test guest: every kiln:dsp and kiln:nn import, called
// from wasm32 code compiled by clang-19.
//
// Each export t_<name> forwards its arguments to kiln_<name> from the SDK
// headers, so the host test puts inputs into linear memory (inside `arena`),
// calls t_<name> with offsets and lengths, and reads the results back: the
// call crosses the real Wasm -> host path, with the import signatures clang
// derives from the headers. Bad offsets and lengths go through the same path
// and must trap. The wrappers are written out from the headers' prototypes.

#include "kiln/dsp.h"
#include "kiln/nn.h"

#define KILN_TEST_EXPORT(Name) __attribute__((export_name("t_" #Name)))

#define ARENA_BYTES (4u << 20)
static _Alignas(64) unsigned char Arena[ARENA_BYTES];

__attribute__((export_name("arena_base"))) unsigned char *arena_base(void) {
  return Arena;
}
__attribute__((export_name("arena_size"))) uint32_t arena_size(void) {
  return ARENA_BYTES;
}

KILN_TEST_EXPORT(fir_f32)
void t_fir_f32(const float *taps, uint32_t taps_len, float *state, uint32_t state_len, const float *in, uint32_t in_len, float *out, uint32_t out_len) {
  kiln_fir_f32(taps, taps_len, state, state_len, in, in_len, out, out_len);
}

KILN_TEST_EXPORT(biquad_f32)
void t_biquad_f32(const float *coeffs, uint32_t coeffs_len, float *state, uint32_t state_len, const float *in, uint32_t in_len, float *out, uint32_t out_len) {
  kiln_biquad_f32(coeffs, coeffs_len, state, state_len, in, in_len, out, out_len);
}

KILN_TEST_EXPORT(moving_average_f32)
void t_moving_average_f32(uint32_t width, float *state, uint32_t state_len, const float *in, uint32_t in_len, float *out, uint32_t out_len) {
  kiln_moving_average_f32(width, state, state_len, in, in_len, out, out_len);
}

KILN_TEST_EXPORT(decimate_f32)
void t_decimate_f32(const float *taps, uint32_t taps_len, uint32_t factor, float *state, uint32_t state_len, const float *in, uint32_t in_len, float *out, uint32_t out_len) {
  kiln_decimate_f32(taps, taps_len, factor, state, state_len, in, in_len, out, out_len);
}

KILN_TEST_EXPORT(design_lowpass_f32)
void t_design_lowpass_f32(float cutoff, float *taps, uint32_t taps_len) {
  kiln_design_lowpass_f32(cutoff, taps, taps_len);
}

KILN_TEST_EXPORT(window_f32)
void t_window_f32(uint32_t window, float *out, uint32_t out_len) {
  kiln_window_f32(window, out, out_len);
}

KILN_TEST_EXPORT(window_apply_f32)
void t_window_apply_f32(uint32_t window, const float *in, uint32_t in_len, float *out, uint32_t out_len) {
  kiln_window_apply_f32(window, in, in_len, out, out_len);
}

KILN_TEST_EXPORT(fft_c32)
void t_fft_c32(const kiln_complex *in, uint32_t in_len, kiln_complex *out, uint32_t out_len, uint32_t inverse) {
  kiln_fft_c32(in, in_len, out, out_len, inverse);
}

KILN_TEST_EXPORT(rfft_f32)
void t_rfft_f32(const float *in, uint32_t in_len, kiln_complex *out, uint32_t out_len) {
  kiln_rfft_f32(in, in_len, out, out_len);
}

KILN_TEST_EXPORT(irfft_f32)
void t_irfft_f32(const kiln_complex *in, uint32_t in_len, float *out, uint32_t out_len) {
  kiln_irfft_f32(in, in_len, out, out_len);
}

KILN_TEST_EXPORT(magnitude_c32)
void t_magnitude_c32(const kiln_complex *in, uint32_t in_len, float *out, uint32_t out_len) {
  kiln_magnitude_c32(in, in_len, out, out_len);
}

KILN_TEST_EXPORT(power_c32)
void t_power_c32(const kiln_complex *in, uint32_t in_len, float *out, uint32_t out_len) {
  kiln_power_c32(in, in_len, out, out_len);
}

KILN_TEST_EXPORT(power_spectrum_f32)
void t_power_spectrum_f32(uint32_t window, const float *in, uint32_t in_len, float *out, uint32_t out_len) {
  kiln_power_spectrum_f32(window, in, in_len, out, out_len);
}

KILN_TEST_EXPORT(mean_f32)
float t_mean_f32(const float *in, uint32_t in_len) {
  return kiln_mean_f32(in, in_len);
}

KILN_TEST_EXPORT(variance_f32)
float t_variance_f32(const float *in, uint32_t in_len) {
  return kiln_variance_f32(in, in_len);
}

KILN_TEST_EXPORT(rms_f32)
float t_rms_f32(const float *in, uint32_t in_len) {
  return kiln_rms_f32(in, in_len);
}

KILN_TEST_EXPORT(min_f32)
float t_min_f32(const float *in, uint32_t in_len) {
  return kiln_min_f32(in, in_len);
}

KILN_TEST_EXPORT(max_f32)
float t_max_f32(const float *in, uint32_t in_len) {
  return kiln_max_f32(in, in_len);
}

KILN_TEST_EXPORT(peak_to_peak_f32)
float t_peak_to_peak_f32(const float *in, uint32_t in_len) {
  return kiln_peak_to_peak_f32(in, in_len);
}

KILN_TEST_EXPORT(zero_crossings_f32)
uint32_t t_zero_crossings_f32(const float *in, uint32_t in_len) {
  return kiln_zero_crossings_f32(in, in_len);
}

KILN_TEST_EXPORT(stats_f32)
void t_stats_f32(const float *in, uint32_t in_len, kiln_stats *out, uint32_t out_len) {
  kiln_stats_f32(in, in_len, out, out_len);
}

KILN_TEST_EXPORT(gemm_f32)
void t_gemm_f32(const float *a, uint32_t a_len, const float *b, uint32_t b_len, float *c, uint32_t c_len, uint32_t m, uint32_t n, uint32_t k, float alpha, float beta) {
  kiln_gemm_f32(a, a_len, b, b_len, c, c_len, m, n, k, alpha, beta);
}

KILN_TEST_EXPORT(gemv_f32)
void t_gemv_f32(const float *a, uint32_t a_len, const float *x, uint32_t x_len, float *y, uint32_t y_len, uint32_t m, uint32_t n) {
  kiln_gemv_f32(a, a_len, x, x_len, y, y_len, m, n);
}

KILN_TEST_EXPORT(dense_f32)
void t_dense_f32(const float *in, uint32_t in_len, const float *weights, uint32_t weights_len, const float *bias, uint32_t bias_len, float *out, uint32_t out_len, uint32_t batch, uint32_t in_features, uint32_t out_features, uint32_t activation) {
  kiln_dense_f32(in, in_len, weights, weights_len, bias, bias_len, out, out_len, batch, in_features, out_features, activation);
}

KILN_TEST_EXPORT(dense_i8)
void t_dense_i8(const int8_t *in, uint32_t in_len, const int8_t *weights, uint32_t weights_len, const int32_t *bias, uint32_t bias_len, const kiln_quant_params *quant, uint32_t quant_len, const int32_t *multiplier, uint32_t multiplier_len, const int32_t *shift, uint32_t shift_len, int8_t *out, uint32_t out_len, uint32_t batch, uint32_t in_features, uint32_t out_features) {
  kiln_dense_i8(in, in_len, weights, weights_len, bias, bias_len, quant, quant_len, multiplier, multiplier_len, shift, shift_len, out, out_len, batch, in_features, out_features);
}

KILN_TEST_EXPORT(conv2d_f32)
void t_conv2d_f32(const kiln_conv2d_params *params, uint32_t params_len, const float *in, uint32_t in_len, const float *filter, uint32_t filter_len, const float *bias, uint32_t bias_len, float *out, uint32_t out_len) {
  kiln_conv2d_f32(params, params_len, in, in_len, filter, filter_len, bias, bias_len, out, out_len);
}

KILN_TEST_EXPORT(depthwise_conv2d_f32)
void t_depthwise_conv2d_f32(const kiln_conv2d_params *params, uint32_t params_len, const float *in, uint32_t in_len, const float *filter, uint32_t filter_len, const float *bias, uint32_t bias_len, float *out, uint32_t out_len) {
  kiln_depthwise_conv2d_f32(params, params_len, in, in_len, filter, filter_len, bias, bias_len, out, out_len);
}

KILN_TEST_EXPORT(conv2d_i8)
void t_conv2d_i8(const kiln_conv2d_params *params, uint32_t params_len, const int8_t *in, uint32_t in_len, const int8_t *filter, uint32_t filter_len, const int32_t *bias, uint32_t bias_len, const kiln_quant_params *quant, uint32_t quant_len, const int32_t *multiplier, uint32_t multiplier_len, const int32_t *shift, uint32_t shift_len, int8_t *out, uint32_t out_len) {
  kiln_conv2d_i8(params, params_len, in, in_len, filter, filter_len, bias, bias_len, quant, quant_len, multiplier, multiplier_len, shift, shift_len, out, out_len);
}

KILN_TEST_EXPORT(max_pool2d_f32)
void t_max_pool2d_f32(const kiln_conv2d_params *params, uint32_t params_len, const float *in, uint32_t in_len, float *out, uint32_t out_len) {
  kiln_max_pool2d_f32(params, params_len, in, in_len, out, out_len);
}

KILN_TEST_EXPORT(avg_pool2d_f32)
void t_avg_pool2d_f32(const kiln_conv2d_params *params, uint32_t params_len, const float *in, uint32_t in_len, float *out, uint32_t out_len) {
  kiln_avg_pool2d_f32(params, params_len, in, in_len, out, out_len);
}

KILN_TEST_EXPORT(relu_f32)
void t_relu_f32(const float *in, uint32_t in_len, float *out, uint32_t out_len) {
  kiln_relu_f32(in, in_len, out, out_len);
}

KILN_TEST_EXPORT(relu6_f32)
void t_relu6_f32(const float *in, uint32_t in_len, float *out, uint32_t out_len) {
  kiln_relu6_f32(in, in_len, out, out_len);
}

KILN_TEST_EXPORT(sigmoid_f32)
void t_sigmoid_f32(const float *in, uint32_t in_len, float *out, uint32_t out_len) {
  kiln_sigmoid_f32(in, in_len, out, out_len);
}

KILN_TEST_EXPORT(tanh_f32)
void t_tanh_f32(const float *in, uint32_t in_len, float *out, uint32_t out_len) {
  kiln_tanh_f32(in, in_len, out, out_len);
}

KILN_TEST_EXPORT(softmax_f32)
void t_softmax_f32(const float *in, uint32_t in_len, float *out, uint32_t out_len, uint32_t rows, uint32_t cols) {
  kiln_softmax_f32(in, in_len, out, out_len, rows, cols);
}

KILN_TEST_EXPORT(layer_norm_f32)
void t_layer_norm_f32(const float *in, uint32_t in_len, const float *gamma, uint32_t gamma_len, const float *beta, uint32_t beta_len, float *out, uint32_t out_len, uint32_t rows, uint32_t cols, float epsilon) {
  kiln_layer_norm_f32(in, in_len, gamma, gamma_len, beta, beta_len, out, out_len, rows, cols, epsilon);
}
