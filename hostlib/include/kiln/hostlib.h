//===- kiln/hostlib.h - Host math modules for guests ------------*- C++ -*-===//
//
// Registers the host modules `kiln:dsp` (filters, FFT, windows, spectra,
// statistics) and `kiln:nn` (GEMM/GEMV, dense, convolutions, int8 quantized
// layers, pooling, activations) into a Linker, so that any module importing
// them gets Eigen's native SIMD code:
//
//   kiln::Linker L;
//   if (kiln::Error E = kiln::defineHostlib(L)) ...
//   auto I = L.instantiate(*M);
//
// The calling convention (kiln/dsp.h and kiln/nn.h give the guest side):
//  - every buffer is an (offset, length) pair in the caller's memory 0; the
//    length counts elements (floats, int8s, int32s or complex floats). Before
//    any kernel runs, each pair is checked in 64-bit arithmetic to lie
//    inside linear memory and to be naturally aligned (4 bytes for f32, i32
//    and complex f32, none for int8);
//  - buffers that a function writes may not overlap any other buffer of the
//    call, except that a function's documented in-place output may be the
//    very same buffer (same offset and length) as its input;
//  - a bad argument traps the guest (HostError) with a message naming the
//    function and argument, e.g. "kiln:dsp.fir_f32: argument 'out' [offset
//    65530, 16 floats] is outside linear memory (65536 bytes)".
// All streaming state (delay lines, biquad state) lives in guest buffers.
// FFT plans are cached in state owned by the registered host functions and
// freed with them (with the Linker and every instance linked by it).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_HOSTLIB_H
#define KILN_HOSTLIB_H

#include "kiln/runtime.h"

namespace kiln {

/// Defines kiln:dsp and kiln:nn into `L`.
Error defineHostlib(Linker &L);

/// The import names each module offers, for `kiln inspect`-style listings.
std::vector<std::string> hostlibFunctionNames(std::string_view Module);

} // namespace kiln

#endif // KILN_HOSTLIB_H
