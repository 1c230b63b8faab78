//===- hostlib/src/guest_args.h - Checked guest arguments -------*- C++ -*-===//
//
// The only place where hostlib turns guest (offset, length) pairs into native
// pointers. A host function declares every buffer it takes, then calls
// validate(): bounds (64-bit, cannot wrap), natural alignment, and overlap
// of written buffers with any other buffer, with one message naming the
// function and the argument. Kernels run only after validate() succeeded.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_HOSTLIB_GUEST_ARGS_H
#define KILN_HOSTLIB_GUEST_ARGS_H

#include "kiln/runtime.h"

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

namespace kiln::hostlib {

enum class ElemKind : uint8_t { F32, I8, I32, C32 };

template <typename T> struct ElemOf;
template <> struct ElemOf<float> {
  static constexpr ElemKind Kind = ElemKind::F32;
  static constexpr unsigned Size = 4;
};
template <> struct ElemOf<int8_t> {
  static constexpr ElemKind Kind = ElemKind::I8;
  static constexpr unsigned Size = 1;
};
template <> struct ElemOf<int32_t> {
  static constexpr ElemKind Kind = ElemKind::I32;
  static constexpr unsigned Size = 4;
};

/// A complex buffer: Len complex values, 2*Len floats at Data.
struct Complex32 {};
template <> struct ElemOf<Complex32> {
  static constexpr ElemKind Kind = ElemKind::C32;
  static constexpr unsigned Size = 8;
};

/// A declared buffer: Data is valid to use once GuestCall::validate() said so.
template <typename T> struct GuestBuf {
  T *Data = nullptr;
  uint32_t Len = 0;
  unsigned Id = 0; // index in the call's buffer list
};
template <> struct GuestBuf<Complex32> {
  float *Data = nullptr;
  uint32_t Len = 0;
  unsigned Id = 0;
};
template <> struct GuestBuf<const Complex32> {
  const float *Data = nullptr;
  uint32_t Len = 0;
  unsigned Id = 0;
};

/// One host call: the arguments, the caller's memory and the declared
/// buffers. Arguments and the result live in the call's raw 16-byte slots
/// (RawHostFunc), so no Value is built per call; the result overwrites
/// slot 0, so it is written last.
class GuestCall {
public:
  GuestCall(const char *Module, const char *Function, uint8_t (*Slots)[16])
      : Module(Module), Function(Function), Slots(Slots) {}

  /// Looks up the caller's memory; fails when there is none.
  Error begin();

  uint32_t u32(unsigned I) const {
    uint32_t V;
    std::memcpy(&V, Slots[I], 4);
    return V;
  }
  float f32(unsigned I) const { return std::bit_cast<float>(u32(I)); }

  /// Declares the buffer whose offset is argument I and length argument
  /// I+1. An output may name the one input it may be identical to.
  template <typename T>
  GuestBuf<T> in(unsigned I, const char *Name) {
    return declare<T>(I, Name, false, NoPartner);
  }
  template <typename T>
  GuestBuf<T> out(unsigned I, const char *Name, unsigned SameAs = NoPartner) {
    return declare<T>(I, Name, true, SameAs);
  }

  /// Bounds, alignment and overlap of every declared buffer.
  Error validate() const;

  /// "kiln:dsp.fir_f32: <message>" as a guest trap.
  [[gnu::format(printf, 2, 3)]] Error fail(const char *Fmt, ...) const;
  /// Fails unless buffer B holds exactly Want elements.
  template <typename T>
  Error needLen(const GuestBuf<T> &B, uint64_t Want, const char *Why) const {
    return checkLen(B.Id, Want, Why);
  }

  void returnF32(float V) { std::memcpy(Slots[0], &V, 4); }
  void returnI32(uint32_t V) { std::memcpy(Slots[0], &V, 4); }

  static constexpr unsigned NoPartner = ~0u;

private:
  struct Decl {
    const char *Name;
    uint32_t Offset, Len;
    ElemKind Kind;
    bool Written;
    unsigned SameAs;
  };
  static constexpr unsigned MaxBufs = 12;

  template <typename T>
  GuestBuf<T> declare(unsigned I, const char *Name, bool Written,
                      unsigned SameAs) {
    using E = ElemOf<std::remove_const_t<T>>;
    GuestBuf<T> B;
    B.Len = u32(I + 1);
    B.Id = NumBufs;
    uint32_t Off = u32(I);
    if (NumBufs < MaxBufs)
      Bufs[NumBufs++] = {Name, Off, B.Len, E::Kind, Written, SameAs};
    // Only a pointer value until validate(); never dereferenced before.
    if (Base && uint64_t(Off) + uint64_t(B.Len) * E::Size <= MemBytes)
      B.Data = reinterpret_cast<decltype(B.Data)>(Base + Off);
    return B;
  }
  Error checkLen(unsigned Id, uint64_t Want, const char *Why) const;
  std::string describe(const Decl &D) const;

  const char *Module, *Function;
  uint8_t (*Slots)[16];
  uint8_t *Base = nullptr;
  uint64_t MemBytes = 0;
  Decl Bufs[MaxBufs];
  unsigned NumBufs = 0;
};

} // namespace kiln::hostlib

#endif // KILN_HOSTLIB_GUEST_ARGS_H
