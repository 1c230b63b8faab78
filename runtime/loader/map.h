//===- runtime/loader/map.h - Map a verified code image ---------*- C++ -*-===//
//
// The second step of loading: copy a verified artifact's code image into
// fresh pages, apply its relocations, and protect it W^X (text R+X, the rest
// R; no page is ever writable and executable at once). The image is then
// immutable and shared by every instance of the module.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_LOADER_MAP_H
#define KILN_LOADER_MAP_H

#include "kiln/error.h"
#include "kiln/format.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace kiln::loader {

class MappedImage {
public:
  /// Maps `Img` and applies `Relocs`. Both must come from an Artifact that
  /// verifyArtifact() accepted (offsets, kinds and values are not checked
  /// again), for this process's architecture: a relocation whose width is
  /// not this process's pointer size is refused.
  static Expected<MappedImage> map(const format::ImageRec &Img,
                                   std::span<const format::RelocRec> Relocs);

  MappedImage(MappedImage &&Other) noexcept;
  MappedImage &operator=(MappedImage &&Other) noexcept;
  MappedImage(const MappedImage &) = delete;
  MappedImage &operator=(const MappedImage &) = delete;
  ~MappedImage();

  /// Start of the image; image offsets (CodeOffset, trampolines) are
  /// relative to it.
  const uint8_t *base() const { return Base; }
  /// Bytes of the image (the mapping itself is rounded up to whole pages).
  size_t size() const { return Size; }
  const uint8_t *textBegin() const { return Base; }
  const uint8_t *textEnd() const { return Base + TextSize; }
  /// True if `Pc` lies in this image's code (used to attribute faults).
  bool inText(const void *Pc) const {
    auto P = reinterpret_cast<uintptr_t>(Pc),
         B = reinterpret_cast<uintptr_t>(Base);
    return P >= B && P - B < TextSize;
  }

private:
  MappedImage() = default;
  void release();

  uint8_t *Base = nullptr;
  size_t Size = 0;
  size_t MapBytes = 0;
  size_t TextSize = 0;
};

} // namespace kiln::loader

#endif // KILN_LOADER_MAP_H
