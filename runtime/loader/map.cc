//===- runtime/loader/map.cc - Map a verified code image ------------------===//
//
// Pages are mapped read-write, filled and relocated, then switched to their
// final protections; the text never becomes writable again and data never
// executable. Only data is relocated (verify.cc refuses relocations into
// text), so the text's bytes are exactly the ones the checksum covered.
//
//===----------------------------------------------------------------------===//

#include "loader/map.h"

#include "loader/libcalls.h"

#include "kiln/format_tables.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <cstring>
#include <utility>

namespace kiln::loader {

using format::RelocKind;
using format::relocBytes;

static size_t pageSize() {
  long P = sysconf(_SC_PAGESIZE);
  return P > 0 ? size_t(P) : 4096;
}

static size_t roundUp(size_t V, size_t Align) {
  return (V + Align - 1) / Align * Align;
}

/// The value a relocation stores: an address in this process.
static uintptr_t relocValue(const format::RelocRec &R, const uint8_t *Base) {
  switch (RelocKind(R.Kind)) {
  case RelocKind::ImageAbs64:
  case RelocKind::ImageAbs32:
    return reinterpret_cast<uintptr_t>(Base) + R.Value;
  case RelocKind::LibcallAbs64:
  case RelocKind::LibcallAbs32:
    return reinterpret_cast<uintptr_t>(libcallAddress(R.Value));
  }
  KILN_UNREACHABLE("relocation kind not verified");
}

static void writeLE(uint8_t *P, uint64_t V, unsigned Bytes) {
  for (unsigned I = 0; I < Bytes; ++I)
    P[I] = uint8_t(V >> (8 * I));
}

static Error mapError(const char *What, size_t Bytes, int Errno) {
  // Running out of address space or being denied executable pages is a
  // resource limit of this process, not a fault of the artifact.
  return Error::make(ErrorKind::Limit,
                     formatString("cannot %s %zu bytes of code: %s", What,
                                  Bytes, std::strerror(Errno)));
}

Expected<MappedImage>
MappedImage::map(const format::ImageRec &Img,
                 std::span<const format::RelocRec> Relocs) {
  size_t Page = pageSize();
  size_t Size = Img.Bytes.size();
  assert(Img.TextSize <= Img.ReadOnlyOffset && Img.ReadOnlyOffset <= Size &&
         Img.ReadOnlyOffset % Page == 0 && "image not verified");

  for (size_t I = 0; I < Relocs.size(); ++I) {
    unsigned Width = relocBytes(Relocs[I].Kind);
    if (Width != sizeof(void *))
      return Error::make(ErrorKind::Refused,
                         formatString("relocation %zu writes %u-byte "
                                      "pointers, this process's are %zu "
                                      "bytes; the artifact is for another "
                                      "architecture",
                                      I, Width, sizeof(void *)))
          .inSection("Relocs");
  }

  MappedImage M;
  M.Size = Size;
  M.TextSize = Img.TextSize;
  // An empty image still gets a page so base() is a real address.
  M.MapBytes = Size ? roundUp(Size, Page) : Page;
  void *P = mmap(nullptr, M.MapBytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (P == MAP_FAILED)
    return mapError("map", M.MapBytes, errno);
  M.Base = static_cast<uint8_t *>(P);
  if (Size)
    std::memcpy(M.Base, Img.Bytes.data(), Size);

  for (const format::RelocRec &R : Relocs) {
    unsigned Width = relocBytes(R.Kind);
    assert(R.Offset >= Img.ReadOnlyOffset &&
           uint64_t(R.Offset) + Width <= Size && "relocation not verified");
    writeLE(M.Base + R.Offset, relocValue(R, M.Base), Width);
  }

  // ReadOnlyOffset is a multiple of the page size (verified), so the text's
  // last page holds no data and the rounded text never reaches a reloc.
  size_t TextBytes = roundUp(Img.TextSize, Page);
  if (TextBytes && mprotect(M.Base, TextBytes, PROT_READ | PROT_EXEC) != 0)
    return mapError("protect", TextBytes, errno);
  if (M.MapBytes > TextBytes &&
      mprotect(M.Base + TextBytes, M.MapBytes - TextBytes, PROT_READ) != 0)
    return mapError("protect", M.MapBytes - TextBytes, errno);
  // The code was written through the data side; CPUs without coherent
  // instruction caches (ARM, RISC-V) must see it before executing it.
  if (Img.TextSize)
    __builtin___clear_cache(reinterpret_cast<char *>(M.Base),
                            reinterpret_cast<char *>(M.Base + Img.TextSize));
  return M;
}

MappedImage::MappedImage(MappedImage &&Other) noexcept
    : Base(std::exchange(Other.Base, nullptr)),
      Size(std::exchange(Other.Size, 0)),
      MapBytes(std::exchange(Other.MapBytes, 0)),
      TextSize(std::exchange(Other.TextSize, 0)) {}

MappedImage &MappedImage::operator=(MappedImage &&Other) noexcept {
  if (this == &Other)
    return *this;
  release();
  Base = std::exchange(Other.Base, nullptr);
  Size = std::exchange(Other.Size, 0);
  MapBytes = std::exchange(Other.MapBytes, 0);
  TextSize = std::exchange(Other.TextSize, 0);
  return *this;
}

MappedImage::~MappedImage() { release(); }

void MappedImage::release() {
  if (Base)
    munmap(Base, MapBytes);
  Base = nullptr;
}

} // namespace kiln::loader
