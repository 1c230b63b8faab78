//===- tests/unit/limits_modules.h - Modules at and over the limits -*- C++ -*-===//
//
// Byte builders for the limits tests: the same shapes as
// tests/limits/gen_wasm.py (the CLI tests' generator), assembled in memory
// so that no large binary is checked in.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TESTS_LIMITS_MODULES_H
#define KILN_TESTS_LIMITS_MODULES_H

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::test {

using Bytes = std::vector<uint8_t>;

inline void putUleb(Bytes &Out, uint64_t V) {
  do {
    uint8_t B = V & 0x7f;
    V >>= 7;
    Out.push_back(V ? uint8_t(B | 0x80) : B);
  } while (V);
}

inline Bytes header() { return {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}; }

/// Appends section `Id` with `Payload`; returns the payload's offset.
inline uint64_t putSection(Bytes &Out, uint8_t Id, const Bytes &Payload) {
  Out.push_back(Id);
  putUleb(Out, Payload.size());
  uint64_t At = Out.size();
  Out.insert(Out.end(), Payload.begin(), Payload.end());
  return At;
}

/// A vector count followed by `Filler` zero bytes: enough for the decoder
/// to accept the count (it checks that the elements could fit) and reach
/// the limit check, which comes before any element is read.
inline Bytes countThenZeros(uint64_t Count, uint64_t Filler) {
  Bytes P;
  putUleb(P, Count);
  P.resize(P.size() + Filler, 0);
  return P;
}

inline Bytes funcType(uint32_t Params, uint32_t Results) {
  Bytes T{0x60};
  putUleb(T, Params);
  T.insert(T.end(), Params, 0x7f);
  putUleb(T, Results);
  T.insert(T.end(), Results, 0x7f);
  return T;
}

/// A module: `Types`, `NumFuncs` functions of type 0 with body `Code`
/// (no locals), function 0 exported as `Export`, and optional table and
/// memory sections (their payloads, count included).
inline Bytes module(const std::vector<Bytes> &Types, uint32_t NumFuncs,
                    const Bytes &Code, const std::string &Export = "f",
                    const Bytes &TableSec = {}, const Bytes &MemorySec = {}) {
  Bytes M = header();
  Bytes P;
  putUleb(P, Types.size());
  for (const Bytes &T : Types)
    P.insert(P.end(), T.begin(), T.end());
  putSection(M, 1, P);
  P.clear();
  putUleb(P, NumFuncs);
  P.insert(P.end(), NumFuncs, 0x00);
  putSection(M, 3, P);
  if (!TableSec.empty())
    putSection(M, 4, TableSec);
  if (!MemorySec.empty())
    putSection(M, 5, MemorySec);
  P.clear();
  putUleb(P, 1);
  putUleb(P, Export.size());
  P.insert(P.end(), Export.begin(), Export.end());
  P.push_back(0x00);
  putUleb(P, 0);
  putSection(M, 7, P);
  Bytes Body{0x00}; // no locals
  Body.insert(Body.end(), Code.begin(), Code.end());
  Body.push_back(0x0b);
  P.clear();
  putUleb(P, NumFuncs);
  for (uint32_t I = 0; I < NumFuncs; ++I) {
    putUleb(P, Body.size());
    P.insert(P.end(), Body.begin(), Body.end());
  }
  putSection(M, 10, P);
  return M;
}

/// `Count` funcref tables of `Elements` elements each, no max.
inline Bytes tables(uint32_t Count, uint32_t Elements) {
  Bytes P;
  putUleb(P, Count);
  for (uint32_t I = 0; I < Count; ++I) {
    P.push_back(0x70);
    P.push_back(0x00);
    putUleb(P, Elements);
  }
  return P;
}

/// One memory of `Pages` pages, no max.
inline Bytes memory(uint32_t Pages) {
  Bytes P{0x01, 0x00};
  putUleb(P, Pages);
  return P;
}

/// grow(delta: i32) -> i32 = memory.grow 0 on a memory of `Pages` pages.
inline Bytes memoryGrowModule(uint32_t Pages) {
  return module({funcType(1, 1)}, 1, {0x20, 0x00, 0x40, 0x00}, "grow", {},
                memory(Pages));
}

/// grow(delta: i32) -> i32 = table.grow 0 (ref.null func) on a table of
/// `Elements` elements.
inline Bytes tableGrowModule(uint32_t Elements) {
  return module({funcType(1, 1)}, 1,
                {0xd0, 0x70, 0x20, 0x00, 0xfc, 0x0f, 0x00}, "grow",
                tables(1, Elements));
}

} // namespace kiln::test

#endif // KILN_TESTS_LIMITS_MODULES_H
