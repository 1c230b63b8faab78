//===- runtime/loader/libcalls.h - Addresses of the libcalls ----*- C++ -*-===//
//
// The loader's side of kiln/libcalls.def: the address this process gives
// each routine generated code may call. LibcallAbs* relocations write these
// into the image's slots; the verifier bounds every index by
// format::NumLibcalls, and format::libcallName() names them.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_LOADER_LIBCALLS_H
#define KILN_LOADER_LIBCALLS_H

#include <cstdint>

namespace kiln::loader {

/// The routine's address, or null for an index out of range.
void *libcallAddress(uint32_t Index);

} // namespace kiln::loader

#endif // KILN_LOADER_LIBCALLS_H
