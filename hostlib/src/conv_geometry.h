//===- hostlib/src/conv_geometry.h - NHWC window walking --------*- C++ -*-===//
#ifndef KILN_HOSTLIB_CONV_GEOMETRY_H
#define KILN_HOSTLIB_CONV_GEOMETRY_H

#include "kiln/hostlib/kernels.h"

#include <cstddef>
#include <cstdint>

namespace kiln::hostlib {

/// Calls F(TapIndex, InputPixelOrNull) for each (ky, kx) tap of output pixel
/// (Oy, Ox) of image B, in (ky, kx) order; null means the tap falls in the
/// padding. Coordinates are 64-bit: no shape the validator admits wraps.
template <typename T, typename Fn>
inline void forEachTap(const ConvShape &S, const T *In, uint32_t B, uint32_t Oy,
                       uint32_t Ox, Fn &&F) {
  const int64_t Y0 = int64_t(Oy) * S.StrideH - S.PadTop;
  const int64_t X0 = int64_t(Ox) * S.StrideW - S.PadLeft;
  const T *Image = In + size_t(B) * S.InH * S.InW * S.InC;
  uint32_t Tap = 0;
  for (uint32_t Ky = 0; Ky < S.KH; ++Ky) {
    int64_t Y = Y0 + int64_t(Ky) * S.DilH;
    bool RowIn = Y >= 0 && Y < int64_t(S.InH);
    for (uint32_t Kx = 0; Kx < S.KW; ++Kx, ++Tap) {
      int64_t X = X0 + int64_t(Kx) * S.DilW;
      if (RowIn && X >= 0 && X < int64_t(S.InW))
        F(Tap, Image + (size_t(Y) * S.InW + size_t(X)) * S.InC);
      else
        F(Tap, static_cast<const T *>(nullptr));
    }
  }
}

} // namespace kiln::hostlib

#endif // KILN_HOSTLIB_CONV_GEOMETRY_H
