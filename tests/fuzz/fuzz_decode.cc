//===- tests/fuzz/fuzz_decode.cc - Fuzz target: decode + validate ---------===//
//
// Checks that the decoder and validator never crash on arbitrary bytes: it
// runs the same decode+validate path as `kiln validate`, and every input
// must end in success or a clean error; a crash, a sanitizer report or an
// unbounded allocation is a bug. Relaxed SIMD is enabled so its decoder is
// covered. Linked two ways: with libFuzzer (-DKILN_FUZZ=ON, scripts/fuzz.sh)
// and with corpus_driver.cc (kiln-fuzz-corpus, the ctest fuzz.spec-corpus).
//
//===----------------------------------------------------------------------===//

#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  using namespace kiln::wasm;
  Features F;
  F.RelaxedSimd = true;
  kiln::Expected<Module> M = decodeModule({Data, Size}, F);
  if (!M) {
    kiln::Error E = M.takeError();
    (void)E.str(); // exercise the message formatting too
    return 0;
  }
  kiln::Error E = validateModule(*M, F);
  (void)E.str();
  return 0;
}
