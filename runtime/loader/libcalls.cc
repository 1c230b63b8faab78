//===- runtime/loader/libcalls.cc - Addresses of the libcalls -------------===//
//
// Built from libcalls.def with a switch rather than a table: there is no
// static data to initialize (no static constructors in libkiln), and a
// duplicated index in the .def is a duplicate case label, i.e. a build error.
// The rows' count and names are the format's (kiln/format_tables.h).
// The routines are the C library's own (`::memcpy`, `::ceilf`, ...), the
// same ones LLVM assumed when it emitted calls to them.
//
// libcalls.def has no signature column, so `&::Name` must name exactly one
// function. That holds with <cmath>/<cstring>, which declare the C functions
// alone in the global namespace (their C++ overloads live in std::); the C++
// <math.h> wrapper would add `using std::ceil;` and make `&::ceil` ambiguous,
// so it must not be included here. Getting this wrong fails the build, never
// picks the wrong overload.
//
//===----------------------------------------------------------------------===//

#include "loader/libcalls.h"

#include <cmath>
#include <cstring>

// The ARM EABI helpers, declared with no signature: only their addresses
// are taken. Other architectures have no such routines (null below).
#if defined(__arm__)
extern "C" {
#define KILN_LIBCALL(Name, Index)
#define KILN_LIBCALL_ARM(Name, Index) void Name();
#include "kiln/libcalls.def"
}
#endif

namespace kiln::loader {

void *libcallAddress(uint32_t Index) {
  // A function's address as a data pointer: conditionally supported in ISO
  // C++, and exactly what the image's pointer slots hold on every target
  // Kiln runs on (POSIX requires it for dlsym).
  switch (Index) {
#define KILN_LIBCALL(Name, Index)                                              \
  case Index:                                                                  \
    return reinterpret_cast<void *>(&::Name);
#if defined(__arm__)
#define KILN_LIBCALL_ARM(Name, Index) KILN_LIBCALL(Name, Index)
#else
#define KILN_LIBCALL_ARM(Name, Index)                                          \
  case Index:                                                                  \
    return nullptr;
#endif
#include "kiln/libcalls.def"
  }
  return nullptr;
}

} // namespace kiln::loader
