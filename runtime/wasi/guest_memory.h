//===- runtime/wasi/guest_memory.h - Checked access to guest memory -*- C++ -*-===//
//
// WASI calls take (pointer, length) pairs from the guest. Every one is checked
// against the caller's current memory size before a byte is touched, in
// 64-bit arithmetic so that ptr + len cannot wrap (a 32-bit host included).
// A failed check is the guest's EFAULT, never a host fault. Fields are read
// and written with memcpy: the guest owes us no alignment.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_WASI_GUEST_MEMORY_H
#define KILN_RUNTIME_WASI_GUEST_MEMORY_H

#include <cstdint>
#include <cstring>
#include <string_view>

namespace kiln::wasi {

class GuestMemory {
public:
  GuestMemory() = default;
  GuestMemory(uint8_t *Base, uint64_t Size) : Base(Base), Size(Size) {}

  /// True if [Ptr, Ptr + Len) lies inside the memory.
  bool inBounds(uint32_t Ptr, uint64_t Len) const {
    return Base && Len <= Size && Ptr <= Size - Len;
  }
  /// The host address of [Ptr, Ptr + Len), or null if out of bounds.
  uint8_t *span(uint32_t Ptr, uint64_t Len) const {
    return inBounds(Ptr, Len) ? Base + Ptr : nullptr;
  }
  /// [Ptr, Ptr + N * ElemSize) with the multiplication done in 64 bits.
  uint8_t *array(uint32_t Ptr, uint32_t N, uint32_t ElemSize) const {
    return span(Ptr, uint64_t(N) * ElemSize);
  }

  template <typename T> bool load(uint32_t Ptr, T &Out) const {
    const uint8_t *P = span(Ptr, sizeof(T));
    if (!P)
      return false;
    std::memcpy(&Out, P, sizeof(T));
    return true;
  }
  template <typename T> bool store(uint32_t Ptr, T V) const {
    uint8_t *P = span(Ptr, sizeof(T));
    if (!P)
      return false;
    std::memcpy(P, &V, sizeof(T));
    return true;
  }

  /// A guest string (not NUL-terminated), or false if out of bounds.
  bool string(uint32_t Ptr, uint32_t Len, std::string_view &Out) const {
    const uint8_t *P = span(Ptr, Len);
    if (!P)
      return false;
    Out = std::string_view(reinterpret_cast<const char *>(P), Len);
    return true;
  }

private:
  uint8_t *Base = nullptr;
  uint64_t Size = 0;
};

/// Little-endian field writes into a host buffer that is already checked
/// (struct images built before one bounds-checked copy out).
template <typename T> inline void putField(uint8_t *Buf, uint32_t Off, T V) {
  std::memcpy(Buf + Off, &V, sizeof(T));
}
template <typename T> inline T getField(const uint8_t *Buf, uint32_t Off) {
  T V;
  std::memcpy(&V, Buf + Off, sizeof(T));
  return V;
}

} // namespace kiln::wasi

#endif // KILN_RUNTIME_WASI_GUEST_MEMORY_H
