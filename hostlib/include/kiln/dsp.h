/*===- kiln/dsp.h - Guest SDK for kiln:dsp (C, wasm32) ---------------------===
 *
 * Signal processing as host functions: a module compiled by clang for
 * wasm32 calls these directly and they run as native SIMD code in Kiln.
 *
 * Conventions (checked by the runtime before any host code runs; a bad
 * argument traps the module with a message naming function and argument):
 *  - every buffer is a pointer and an element count (floats, or complex
 *    values for kiln_complex buffers); it must lie in linear memory and be
 *    4-byte aligned;
 *  - an output may not overlap any other buffer, except that functions
 *    marked "in place" accept out == in (same pointer, same length);
 *  - streaming state (FIR/decimator delay lines, biquad state) is yours:
 *    zero it once, pass it to every call of the stream.
 * FFTs: forward unscaled, inverse scaled by 1/n; lengths are powers of two,
 * complex 1..65536, real 2..65536. Windows are periodic (DFT-even).
 *
 *===----------------------------------------------------------------------===*/
#ifndef KILN_DSP_H
#define KILN_DSP_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KILN_DSP_IMPORT(Name)                                                  \
  __attribute__((import_module("kiln:dsp"), import_name(#Name)))

typedef struct {
  float re, im;
} kiln_complex;

typedef struct {
  float mean, variance, rms, min, max, peak_to_peak;
  uint32_t zero_crossings;
} kiln_stats;

enum { KILN_WINDOW_HANN = 0, KILN_WINDOW_HAMMING = 1, KILN_WINDOW_BLACKMAN = 2 };

/* FIR: out[i] = sum_k taps[k] * x[i-k]; state holds the previous
 * taps_len - 1 inputs (oldest first). In place. */
KILN_DSP_IMPORT(fir_f32)
void kiln_fir_f32(const float *taps, uint32_t taps_len, float *state,
                  uint32_t state_len, const float *in, uint32_t in_len,
                  float *out, uint32_t out_len);

/* Biquad cascade, direct form II transposed: coeffs = b0 b1 b2 a1 a2 per
 * section (a0 = 1), state = 2 floats per section. In place. */
KILN_DSP_IMPORT(biquad_f32)
void kiln_biquad_f32(const float *coeffs, uint32_t coeffs_len, float *state,
                     uint32_t state_len, const float *in, uint32_t in_len,
                     float *out, uint32_t out_len);

/* Moving average over `width` samples; state holds width - 1. In place. */
KILN_DSP_IMPORT(moving_average_f32)
void kiln_moving_average_f32(uint32_t width, float *state, uint32_t state_len,
                             const float *in, uint32_t in_len, float *out,
                             uint32_t out_len);

/* Anti-aliasing FIR (state as for kiln_fir_f32), then every factor-th
 * sample: out_len = in_len / factor, in_len a multiple of factor. */
KILN_DSP_IMPORT(decimate_f32)
void kiln_decimate_f32(const float *taps, uint32_t taps_len, uint32_t factor,
                       float *state, uint32_t state_len, const float *in,
                       uint32_t in_len, float *out, uint32_t out_len);

/* Windowed-sinc low-pass taps (Hamming), cutoff in cycles/sample (0, 0.5);
 * for decimation by M use cutoff ~ 0.5 / M. */
KILN_DSP_IMPORT(design_lowpass_f32)
void kiln_design_lowpass_f32(float cutoff, float *taps, uint32_t taps_len);

KILN_DSP_IMPORT(window_f32)
void kiln_window_f32(uint32_t window, float *out, uint32_t out_len);
/* out = in * window. In place. */
KILN_DSP_IMPORT(window_apply_f32)
void kiln_window_apply_f32(uint32_t window, const float *in, uint32_t in_len,
                           float *out, uint32_t out_len);

/* Complex FFT (inverse = 0 or 1). In place. */
KILN_DSP_IMPORT(fft_c32)
void kiln_fft_c32(const kiln_complex *in, uint32_t in_len, kiln_complex *out,
                  uint32_t out_len, uint32_t inverse);
/* Real FFT: in_len samples -> in_len / 2 + 1 bins. */
KILN_DSP_IMPORT(rfft_f32)
void kiln_rfft_f32(const float *in, uint32_t in_len, kiln_complex *out,
                   uint32_t out_len);
/* Inverse real FFT: out_len / 2 + 1 bins -> out_len samples. */
KILN_DSP_IMPORT(irfft_f32)
void kiln_irfft_f32(const kiln_complex *in, uint32_t in_len, float *out,
                    uint32_t out_len);
KILN_DSP_IMPORT(magnitude_c32)
void kiln_magnitude_c32(const kiln_complex *in, uint32_t in_len, float *out,
                        uint32_t out_len);
KILN_DSP_IMPORT(power_c32)
void kiln_power_c32(const kiln_complex *in, uint32_t in_len, float *out,
                    uint32_t out_len);
/* |rfft(in * window)|^2: in_len / 2 + 1 bins. */
KILN_DSP_IMPORT(power_spectrum_f32)
void kiln_power_spectrum_f32(uint32_t window, const float *in, uint32_t in_len,
                             float *out, uint32_t out_len);

/* Statistics (in_len >= 1; population variance). */
KILN_DSP_IMPORT(mean_f32) float kiln_mean_f32(const float *in, uint32_t in_len);
KILN_DSP_IMPORT(variance_f32)
float kiln_variance_f32(const float *in, uint32_t in_len);
KILN_DSP_IMPORT(rms_f32) float kiln_rms_f32(const float *in, uint32_t in_len);
KILN_DSP_IMPORT(min_f32) float kiln_min_f32(const float *in, uint32_t in_len);
KILN_DSP_IMPORT(max_f32) float kiln_max_f32(const float *in, uint32_t in_len);
KILN_DSP_IMPORT(peak_to_peak_f32)
float kiln_peak_to_peak_f32(const float *in, uint32_t in_len);
/* Sign changes between neighbours: (x[i-1] < 0) != (x[i] < 0). */
KILN_DSP_IMPORT(zero_crossings_f32)
uint32_t kiln_zero_crossings_f32(const float *in, uint32_t in_len);
/* All of the above at once; out_len = 7 (sizeof(kiln_stats) / 4). */
KILN_DSP_IMPORT(stats_f32)
void kiln_stats_f32(const float *in, uint32_t in_len, kiln_stats *out,
                    uint32_t out_len);

#ifdef __cplusplus
}
#endif

#endif /* KILN_DSP_H */
