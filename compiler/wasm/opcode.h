//===- compiler/wasm/opcode.h - WebAssembly opcode table --------*- C++ -*-===//
//
// The Op enumeration and its static per-opcode information, both generated
// from opcodes.def so that the decoder, validator and code generator agree on
// one list. The tables themselves live in opcode.cc and are built at compile
// time.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_WASM_OPCODE_H
#define KILN_WASM_OPCODE_H

#include <cstdint>
#include <optional>

namespace kiln::wasm {

/// Prefix bytes that introduce multi-byte opcodes. The code that follows a
/// prefix is a LEB128 u32, not a single byte.
inline constexpr uint8_t MiscPrefix = 0xFC;
inline constexpr uint8_t SimdPrefix = 0xFD;

/// Every instruction Kiln knows, in opcodes.def order (sorted by prefix, then
/// code). The underlying value is the row index into the info table.
enum class Op : uint16_t {
#define KILN_OP(Prefix, Code, Name, Text, Imm, Category, Result, P0, P1, P2,   \
                Width, Feature)                                                \
  Name,
#include "compiler/wasm/opcodes.def"
};

/// Number of rows in opcodes.def (and of Op enumerators).
inline constexpr unsigned NumOps = 0
#define KILN_OP(...) +1
#include "compiler/wasm/opcodes.def"
    ;

/// Shape of the immediates that follow an opcode in the binary format.
enum class ImmKind : uint8_t {
  None,
  BlockType,    ///< s33 block type: empty (0x40), a value type or a type index.
  LabelIdx,     ///< br, br_if.
  BrTable,      ///< vec(labelidx) followed by the default labelidx.
  FuncIdx,      ///< call, ref.func.
  CallIndirect, ///< typeidx, tableidx.
  LocalIdx,
  GlobalIdx,
  TableIdx,    ///< table.get/set/size/grow/fill.
  MemArg,      ///< align (log2), offset.
  MemIdx,      ///< Reserved 0x00 memory byte: memory.size/grow/fill.
  I32,         ///< s32 constant.
  I64,         ///< s64 constant.
  F32,         ///< 4 raw little-endian bytes.
  F64,         ///< 8 raw little-endian bytes.
  V128,        ///< 16 raw bytes (v128.const).
  Shuffle,     ///< 16 lane-index bytes (i8x16.shuffle).
  LaneIdx,     ///< One lane-index byte.
  MemArgLane,  ///< memarg followed by a lane-index byte.
  SelectTypes, ///< vec(valtype) of the typed select.
  RefType,     ///< Heap type byte of ref.null.
  ElemIdx,     ///< elem.drop.
  DataIdx,     ///< data.drop.
  TableCopy,   ///< Destination tableidx, source tableidx.
  TableInit,   ///< elemidx, tableidx.
  MemoryInit,  ///< dataidx, reserved 0x00 memory byte.
  MemoryCopy,  ///< Two reserved 0x00 memory bytes.
};

/// Groups of instructions that are validated and lowered alike. Categories
/// up to and including Memory are validated by hand; the rest are fully
/// described by their OpInfo signature.
enum class OpCategory : uint8_t {
  Control,
  Call,
  Parametric,
  Variable,
  Table,
  Reference,
  Memory,
  Load,
  Store,
  Const,
  Unary,
  Binary,
  Compare,
  Test,
  Convert,
  SimdLoad,
  SimdStore,
  SimdLoadLane,
  SimdStoreLane,
  SimdConst,
  SimdShuffle,
  SimdSwizzle,
  SimdSplat,
  SimdExtractLane,
  SimdReplaceLane,
  SimdCompare,
  SimdBitwise,
  SimdTest,
  SimdShift,
  SimdUnary,
  SimdBinary,
  SimdConvert,
  SimdRelaxed,
};

/// An operand or result slot in an OpInfo signature. Void means the slot is
/// unused; Any means the type depends on immediates or context and the
/// validator must work it out.
enum class OpType : uint8_t {
  Void,
  I32,
  I64,
  F32,
  F64,
  V128,
  FuncRef,
  ExternRef,
  Any,
};

/// The proposal that introduced an instruction.
enum class Feature : uint8_t {
  Mvp,
  SignExt,
  SatFloatToInt,
  BulkMemory,
  ReferenceTypes,
  Simd,
  RelaxedSimd,
};

/// Static description of one instruction: one row of opcodes.def.
struct OpInfo {
  uint8_t Prefix;   ///< 0 for single-byte opcodes, else 0xFC or 0xFD.
  uint32_t Code;    ///< Opcode byte, or the LEB128 value after the prefix.
  const char *Text; ///< Text-format mnemonic, e.g. "i32.add".
  ImmKind Imm;
  OpCategory Category;
  OpType Result; ///< Produced value, or Void.
  OpType P0;     ///< Deepest operand (pushed first), or Void.
  OpType P1;
  OpType P2;
  uint8_t Width; ///< Bytes accessed for memory ops, lane count for lane ops.
  Feature Feat;
};

/// Static information for \p O.
const OpInfo &opInfo(Op O);

/// Text-format mnemonic of \p O, e.g. "i32.add".
const char *opName(Op O);

/// Decodes an opcode. \p Prefix is 0 for single-byte opcodes (in which case
/// 0xFC and 0xFD themselves are not opcodes), or 0xFC/0xFD with \p Code the
/// LEB128 u32 that followed. Returns std::nullopt for unassigned encodings.
std::optional<Op> lookupOp(uint8_t Prefix, uint32_t Code);

} // namespace kiln::wasm

#endif // KILN_WASM_OPCODE_H
