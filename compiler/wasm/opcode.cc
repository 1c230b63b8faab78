//===- compiler/wasm/opcode.cc - WebAssembly opcode table -----------------===//
//
// The OpInfo table and the decode tables, all built from opcodes.def during
// constant evaluation: they live in read-only data and need no static
// constructors, so they are usable from any other static initialiser.
//
//===----------------------------------------------------------------------===//

#include "compiler/wasm/opcode.h"

#include <array>
#include <cstddef>

using namespace kiln::wasm;

namespace {

constexpr OpInfo Infos[] = {
// The parameters are deliberately not named after the enums: a parameter
// called Feature would make the preprocessor rewrite Feature::X as well.
#define KILN_OP(Prefix, Code, Name, Text, Imm, Cat, Res, A0, A1, A2, Width,    \
                Feat)                                                          \
  {Prefix,          Code,        Text,         ImmKind::Imm,                   \
   OpCategory::Cat, OpType::Res, OpType::A0,   OpType::A1,                     \
   OpType::A2,      Width,       Feature::Feat},
#include "compiler/wasm/opcodes.def"
};

static_assert(std::size(Infos) == NumOps, "Op and the info table disagree");

// Largest codes after each prefix. The decode tables below are sized from
// these, so a row beyond them fails to compile rather than being dropped.
constexpr uint32_t MaxMiscCode = 17;    // table.fill
constexpr uint32_t MaxSimdCode = 0x113; // i32x4.relaxed_dot_i8x16_i7x16_add_s

/// Marks an encoding with no instruction in the decode tables.
constexpr uint16_t NoOp = UINT16_MAX;
static_assert(NumOps < NoOp, "Op values must not collide with NoOp");

/// Checks the invariants the rest of the compiler relies on: rows are sorted
/// by (prefix, code), which also makes encodings unique, and every code
/// fits its decode table.
constexpr bool rowsAreWellFormed() {
  for (std::size_t I = 0; I < NumOps; ++I) {
    const OpInfo &Row = Infos[I];
    switch (Row.Prefix) {
    case 0:
      if (Row.Code > 0xFF || Row.Code == MiscPrefix || Row.Code == SimdPrefix)
        return false;
      break;
    case MiscPrefix:
      if (Row.Code > MaxMiscCode)
        return false;
      break;
    case SimdPrefix:
      if (Row.Code > MaxSimdCode)
        return false;
      break;
    default:
      return false;
    }
    if (I > 0) {
      const OpInfo &Prev = Infos[I - 1];
      if (Prev.Prefix > Row.Prefix ||
          (Prev.Prefix == Row.Prefix && Prev.Code >= Row.Code))
        return false;
    }
  }
  return true;
}
static_assert(rowsAreWellFormed(),
              "opcodes.def rows must be sorted by (Prefix, Code), unique, and "
              "within the decode table bounds");

/// Maps each code after \p Prefix to its Op index, NoOp where unassigned.
template <std::size_t N>
constexpr std::array<uint16_t, N> buildDecodeTable(uint8_t Prefix) {
  std::array<uint16_t, N> Table{};
  for (uint16_t &Entry : Table)
    Entry = NoOp;
  for (std::size_t I = 0; I < NumOps; ++I)
    if (Infos[I].Prefix == Prefix)
      Table[Infos[I].Code] = static_cast<uint16_t>(I);
  return Table;
}

constexpr auto SingleByteOps = buildDecodeTable<256>(0);
constexpr auto MiscOps = buildDecodeTable<MaxMiscCode + 1>(MiscPrefix);
constexpr auto SimdOps = buildDecodeTable<MaxSimdCode + 1>(SimdPrefix);

} // namespace

const OpInfo &kiln::wasm::opInfo(Op O) {
  return Infos[static_cast<uint16_t>(O)];
}

const char *kiln::wasm::opName(Op O) { return opInfo(O).Text; }

std::optional<Op> kiln::wasm::lookupOp(uint8_t Prefix, uint32_t Code) {
  uint16_t Index = NoOp;
  switch (Prefix) {
  case 0:
    if (Code < SingleByteOps.size())
      Index = SingleByteOps[Code];
    break;
  case MiscPrefix:
    if (Code < MiscOps.size())
      Index = MiscOps[Code];
    break;
  case SimdPrefix:
    if (Code < SimdOps.size())
      Index = SimdOps[Code];
    break;
  default:
    break;
  }
  if (Index == NoOp)
    return std::nullopt;
  return static_cast<Op>(Index);
}
