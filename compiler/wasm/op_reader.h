//===- compiler/wasm/op_reader.h - Decodes one instruction ------*- C++ -*-===//
//
// Reads instructions (opcode and immediates) from a function body or a
// constant expression. It knows the binary encoding only: whether an index
// exists or an alignment is natural is the validator's question. Immediates
// are decoded from the opcode table's ImmKind column, so no opcode list is
// repeated here.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_WASM_OP_READER_H
#define KILN_WASM_OP_READER_H

#include "compiler/wasm/features.h"
#include "compiler/wasm/opcode.h"
#include "compiler/wasm/reader.h"
#include "compiler/wasm/types.h"

#include <array>
#include <cstdint>
#include <vector>

namespace kiln::wasm {

/// A block type: empty, one value type, or a function type index.
struct BlockType {
  enum Kind : uint8_t { Empty, Value, TypeIndex } K = Empty;
  ValType Type = ValType::I32; // K == Value
  uint32_t Index = 0;          // K == TypeIndex
};

struct MemArg {
  uint32_t AlignLog2 = 0;
  uint64_t Offset = 0;
  uint32_t Memory = 0;
};

struct Instr {
  Op Opcode = Op::Nop;
  uint64_t Offset = 0; // of the first opcode byte

  // Immediates; which are meaningful follows opInfo(Opcode).Imm.
  uint32_t Index = 0;  // local/global/func/table/elem/data/label/type index
  uint32_t Index2 = 0; // second index: table of call_indirect/table.init,
                       // source table of table.copy
  BlockType Block;
  MemArg Mem;
  uint8_t Lane = 0;
  std::array<uint8_t, 16> Bytes = {}; // constants (LE bits), shuffle lanes
  ValType Type = ValType::I32;        // ref.null, typed select
  uint32_t SelectArity = 0;           // number of types of a typed select
  /// br_table targets, default last; owned by the reader, valid until the
  /// next call to next().
  const std::vector<uint32_t> *Targets = nullptr;
};

class OpReader {
public:
  OpReader(const Reader &R, const Features &F) : R(R), F(F) {}

  bool atEnd() const { return R.atEnd(); }
  uint64_t offset() const { return R.offset(); }
  Error next(Instr &Out);

private:
  Error readBlockType(BlockType &Out);
  Error readMemArg(MemArg &Out);
  Error readZeroByte();

  Reader R;
  const Features &F;
  std::vector<uint32_t> Targets;
};

/// Decodes a value type byte, reporting `What` (the spec's wording differs
/// between contexts) on failure.
Error readValType(Reader &R, ValType &Out);
Error readRefType(Reader &R, ValType &Out);

} // namespace kiln::wasm

#endif // KILN_WASM_OP_READER_H
