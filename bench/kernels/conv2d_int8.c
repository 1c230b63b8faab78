/*===- bench/kernels/conv2d_int8.c - Quantized 3x3 convolution layer ------===*
 * An int8 3x3 convolution (32x32 image, 16 input channels, 16 output
 * channels, HWC layout, zero padding), int32 accumulation, requantized to
 * int8 with a fixed-point multiplier and ReLU: the inner loop of a tiny CNN.
 *===----------------------------------------------------------------------===*/
#include "kernel_common.h"

#define CV_H 32
#define CV_W 32
#define CV_CIN 16
#define CV_COUT 16

static int8_t Image[CV_H][CV_W][CV_CIN];
static int8_t Weights[CV_COUT][3][3][CV_CIN];
static int32_t Bias[CV_COUT];
static int8_t Out[CV_H][CV_W][CV_COUT];

KERNEL_EXPORT(conv_init) void conv_init(void) {
  uint32_t S = 0xc0417u;
  for (int Y = 0; Y < CV_H; ++Y)
    for (int X = 0; X < CV_W; ++X)
      for (int C = 0; C < CV_CIN; ++C)
        Image[Y][X][C] = (int8_t)(kb_next(&S) >> 24);
  for (int O = 0; O < CV_COUT; ++O) {
    Bias[O] = (int32_t)(kb_next(&S) % 2001) - 1000;
    for (int Ky = 0; Ky < 3; ++Ky)
      for (int Kx = 0; Kx < 3; ++Kx)
        for (int C = 0; C < CV_CIN; ++C)
          Weights[O][Ky][Kx][C] = (int8_t)(kb_next(&S) >> 24);
  }
}

KERNEL_EXPORT(conv_run) uint32_t conv_run(void) {
  for (int Y = 0; Y < CV_H; ++Y)
    for (int X = 0; X < CV_W; ++X)
      for (int O = 0; O < CV_COUT; ++O) {
        int32_t Acc = Bias[O];
        for (int Ky = 0; Ky < 3; ++Ky) {
          int Iy = Y + Ky - 1;
          if (Iy < 0 || Iy >= CV_H)
            continue;
          for (int Kx = 0; Kx < 3; ++Kx) {
            int Ix = X + Kx - 1;
            if (Ix < 0 || Ix >= CV_W)
              continue;
            for (int C = 0; C < CV_CIN; ++C)
              Acc += (int32_t)Image[Iy][Ix][C] * (int32_t)Weights[O][Ky][Kx][C];
          }
        }
        /* Requantize: (Acc * 0.0123) in Q31 fixed point, then ReLU. */
        int64_t Scaled = ((int64_t)Acc * 26414216) >> 31;
        if (Scaled < 0)
          Scaled = 0;
        if (Scaled > 127)
          Scaled = 127;
        Out[Y][X][O] = (int8_t)Scaled;
      }
  uint32_t H = KB_HASH_INIT;
  const uint32_t *P = (const uint32_t *)&Out[0][0][0];
  for (size_t I = 0; I < sizeof Out / 4; ++I)
    H = kb_mix(H, P[I]);
  return H;
}
