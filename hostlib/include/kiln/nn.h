/*===- kiln/nn.h - Guest SDK for kiln:nn (C, wasm32) -----------------------===
 *
 * Neural-network layers as host functions (conventions as in kiln/dsp.h:
 * pointer + element count per buffer, checked; outputs never overlap other
 * buffers except the activations' in-place form). Tensors are row-major,
 * images NHWC, conv2d filters OHWI [out_c][kh][kw][in_c], depthwise filters
 * [kh][kw][out_c] with out_c = in_c * multiplier, dense weights
 * [out_features][in_features] (TFLite's layouts, so converted models map
 * directly).
 *
 * int8 layers follow TFLite's quantization: q = zero_point + real / scale;
 * weights symmetric per output channel; bias int32 (scale in_scale *
 * w_scale[c]); the effective scale in_scale * w_scale[c] / out_scale given
 * as multiplier[c] (Q31, from TFLite's QuantizeMultiplier) and shift[c]
 * (-31..30, left if positive); rounding is TFLite's
 * MultiplyByQuantizedMultiplier, bit for bit. Accumulation is int32; a dot
 * product (in_features, or kh * kw * in_c) is at most 65536 long.
 *
 *===----------------------------------------------------------------------===*/
#ifndef KILN_NN_H
#define KILN_NN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KILN_NN_IMPORT(Name)                                                   \
  __attribute__((import_module("kiln:nn"), import_name(#Name)))

enum {
  KILN_ACT_NONE = 0,
  KILN_ACT_RELU = 1,
  KILN_ACT_RELU6 = 2,
  KILN_ACT_SIGMOID = 3,
  KILN_ACT_TANH = 4
};

/* Shape of a conv2d / depthwise conv2d / pooling call (16 int32s; pass
 * KILN_CONV2D_PARAMS_LEN as its length). Output pixel (oy, ox) reads input
 * row oy * stride_h - pad_top + ky * dilation_h (likewise for columns);
 * taps outside the input are padding (0, or the input zero point). Every
 * dimension is 1..65536; the pads 0..65536. */
typedef struct {
  int32_t batch, in_h, in_w, in_c;
  int32_t out_h, out_w, out_c;
  int32_t kernel_h, kernel_w, stride_h, stride_w, dilation_h, dilation_w;
  int32_t pad_top, pad_left;
  int32_t activation; /* KILN_ACT_*; 0 for int8 (use act_min/act_max) */
} kiln_conv2d_params;
#define KILN_CONV2D_PARAMS_LEN 16

typedef struct {
  int32_t input_zero_point, output_zero_point;
  int32_t act_min, act_max; /* clamp of the int8 output, e.g. -128, 127 */
} kiln_quant_params;
#define KILN_QUANT_PARAMS_LEN 4

/* c = alpha * a[m x k] * b[k x n] + beta * c (beta == 0: c not read). */
KILN_NN_IMPORT(gemm_f32)
void kiln_gemm_f32(const float *a, uint32_t a_len, const float *b,
                   uint32_t b_len, float *c, uint32_t c_len, uint32_t m,
                   uint32_t n, uint32_t k, float alpha, float beta);
/* y[m] = a[m x n] * x[n]. */
KILN_NN_IMPORT(gemv_f32)
void kiln_gemv_f32(const float *a, uint32_t a_len, const float *x,
                   uint32_t x_len, float *y, uint32_t y_len, uint32_t m,
                   uint32_t n);
/* out = act(in * weights^T + bias); bias_len 0 means no bias. */
KILN_NN_IMPORT(dense_f32)
void kiln_dense_f32(const float *in, uint32_t in_len, const float *weights,
                    uint32_t weights_len, const float *bias, uint32_t bias_len,
                    float *out, uint32_t out_len, uint32_t batch,
                    uint32_t in_features, uint32_t out_features,
                    uint32_t activation);
KILN_NN_IMPORT(dense_i8)
void kiln_dense_i8(const int8_t *in, uint32_t in_len, const int8_t *weights,
                   uint32_t weights_len, const int32_t *bias,
                   uint32_t bias_len, const kiln_quant_params *quant,
                   uint32_t quant_len, const int32_t *multiplier,
                   uint32_t multiplier_len, const int32_t *shift,
                   uint32_t shift_len, int8_t *out, uint32_t out_len,
                   uint32_t batch, uint32_t in_features,
                   uint32_t out_features);
KILN_NN_IMPORT(conv2d_f32)
void kiln_conv2d_f32(const kiln_conv2d_params *params, uint32_t params_len,
                     const float *in, uint32_t in_len, const float *filter,
                     uint32_t filter_len, const float *bias, uint32_t bias_len,
                     float *out, uint32_t out_len);
KILN_NN_IMPORT(depthwise_conv2d_f32)
void kiln_depthwise_conv2d_f32(const kiln_conv2d_params *params,
                               uint32_t params_len, const float *in,
                               uint32_t in_len, const float *filter,
                               uint32_t filter_len, const float *bias,
                               uint32_t bias_len, float *out,
                               uint32_t out_len);
KILN_NN_IMPORT(conv2d_i8)
void kiln_conv2d_i8(const kiln_conv2d_params *params, uint32_t params_len,
                    const int8_t *in, uint32_t in_len, const int8_t *filter,
                    uint32_t filter_len, const int32_t *bias, uint32_t bias_len,
                    const kiln_quant_params *quant, uint32_t quant_len,
                    const int32_t *multiplier, uint32_t multiplier_len,
                    const int32_t *shift, uint32_t shift_len, int8_t *out,
                    uint32_t out_len);
/* Pooling (out_c == in_c; dilation applies; padding taps are skipped, the
 * average divides by the taps inside the input; an all-padding window is 0). */
KILN_NN_IMPORT(max_pool2d_f32)
void kiln_max_pool2d_f32(const kiln_conv2d_params *params, uint32_t params_len,
                         const float *in, uint32_t in_len, float *out,
                         uint32_t out_len);
KILN_NN_IMPORT(avg_pool2d_f32)
void kiln_avg_pool2d_f32(const kiln_conv2d_params *params, uint32_t params_len,
                         const float *in, uint32_t in_len, float *out,
                         uint32_t out_len);
/* Element-wise activations. In place. */
KILN_NN_IMPORT(relu_f32)
void kiln_relu_f32(const float *in, uint32_t in_len, float *out, uint32_t out_len);
KILN_NN_IMPORT(relu6_f32)
void kiln_relu6_f32(const float *in, uint32_t in_len, float *out, uint32_t out_len);
KILN_NN_IMPORT(sigmoid_f32)
void kiln_sigmoid_f32(const float *in, uint32_t in_len, float *out, uint32_t out_len);
KILN_NN_IMPORT(tanh_f32)
void kiln_tanh_f32(const float *in, uint32_t in_len, float *out, uint32_t out_len);
/* Row-wise softmax of rows x cols. In place. */
KILN_NN_IMPORT(softmax_f32)
void kiln_softmax_f32(const float *in, uint32_t in_len, float *out,
                      uint32_t out_len, uint32_t rows, uint32_t cols);
/* Row-wise (x - mean) / sqrt(var + epsilon) * gamma + beta. In place. */
KILN_NN_IMPORT(layer_norm_f32)
void kiln_layer_norm_f32(const float *in, uint32_t in_len, const float *gamma,
                         uint32_t gamma_len, const float *beta,
                         uint32_t beta_len, float *out, uint32_t out_len,
                         uint32_t rows, uint32_t cols, float epsilon);

#ifdef __cplusplus
}
#endif

#endif /* KILN_NN_H */
