//===- hostlib/src/guest_args.cc - Checked guest arguments ----------------===//

#include "src/guest_args.h"

#include <cstdarg>

namespace kiln::hostlib {

static unsigned elemSize(ElemKind K) {
  switch (K) {
  case ElemKind::F32:
  case ElemKind::I32:
    return 4;
  case ElemKind::I8:
    return 1;
  case ElemKind::C32:
    return 8;
  }
  KILN_UNREACHABLE("bad element kind");
}

static unsigned elemAlign(ElemKind K) { return K == ElemKind::I8 ? 1 : 4; }

static const char *elemName(ElemKind K) {
  switch (K) {
  case ElemKind::F32:
    return "floats";
  case ElemKind::I32:
    return "int32s";
  case ElemKind::I8:
    return "int8s";
  case ElemKind::C32:
    return "complex floats";
  }
  KILN_UNREACHABLE("bad element kind");
}

Error GuestCall::begin() {
  Memory *M = callerMemory();
  if (!M)
    return fail("the calling module has no linear memory");
  Base = memoryData(*M);
  MemBytes = memorySizeBytes(*M);
  return Error::success();
}

Error GuestCall::fail(const char *Fmt, ...) const {
  va_list Ap;
  va_start(Ap, Fmt);
  char Buf[512];
  std::vsnprintf(Buf, sizeof Buf, Fmt, Ap);
  va_end(Ap);
  return Error::trap(uint32_t(TrapCode::HostError),
                     formatString("%s.%s: %s", Module, Function, Buf));
}

std::string GuestCall::describe(const Decl &D) const {
  return formatString("argument '%s' [offset %u, %u %s]", D.Name, D.Offset,
                      D.Len, elemName(D.Kind));
}

Error GuestCall::validate() const {
  if (NumBufs > MaxBufs)
    KILN_UNREACHABLE("a host function declared too many buffers");
  for (unsigned I = 0; I < NumBufs; ++I) {
    const Decl &D = Bufs[I];
    // 32-bit offset + 32-bit length * 8 cannot wrap in 64 bits.
    uint64_t End = uint64_t(D.Offset) + uint64_t(D.Len) * elemSize(D.Kind);
    if (End > MemBytes)
      return fail("%s is outside linear memory (%llu bytes)",
                  describe(D).c_str(), (unsigned long long)MemBytes);
    if (D.Offset % elemAlign(D.Kind))
      return fail("%s is not %u-byte aligned", describe(D).c_str(),
                  elemAlign(D.Kind));
  }
  for (unsigned I = 0; I < NumBufs; ++I) {
    const Decl &A = Bufs[I];
    if (!A.Written || A.Len == 0)
      continue;
    uint64_t AEnd = uint64_t(A.Offset) + uint64_t(A.Len) * elemSize(A.Kind);
    for (unsigned J = 0; J < NumBufs; ++J) {
      const Decl &B = Bufs[J];
      if (J == I || B.Len == 0)
        continue;
      uint64_t BEnd = uint64_t(B.Offset) + uint64_t(B.Len) * elemSize(B.Kind);
      if (AEnd <= B.Offset || BEnd <= A.Offset)
        continue;
      if (A.SameAs == J && A.Offset == B.Offset && AEnd == BEnd)
        continue; // the documented in-place form
      if (A.SameAs != NoPartner)
        return fail("%s overlaps %s (only the very same buffer as '%s' is "
                    "allowed)",
                    describe(A).c_str(), describe(B).c_str(),
                    Bufs[A.SameAs].Name);
      return fail("%s overlaps %s (outputs may not overlap other buffers)",
                  describe(A).c_str(), describe(B).c_str());
    }
  }
  return Error::success();
}

Error GuestCall::checkLen(unsigned Id, uint64_t Want, const char *Why) const {
  const Decl &D = Bufs[Id];
  if (D.Len == Want)
    return Error::success();
  return fail("argument '%s' has %u %s, needs %llu (%s)", D.Name, D.Len,
              elemName(D.Kind), (unsigned long long)Want, Why);
}

} // namespace kiln::hostlib
