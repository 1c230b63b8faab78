//===- compiler/wasm/module.h - The decoded module model --------*- C++ -*-===//
//
// What the decoder produces and the validator and code generator consume.
// Like Wasmtime's ModuleTranslation, function bodies stay as byte ranges of
// the module (they are validated and lowered in one pass per function later,
// operator by operator); everything else is decoded into plain structs.
//
// Function, table, memory and global index spaces include imports first, as
// in the spec, so `Funcs[i]` is the type of function i whether imported or
// defined.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_WASM_MODULE_H
#define KILN_WASM_MODULE_H

#include "compiler/wasm/opcode.h"
#include "compiler/wasm/types.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kiln::wasm {

/// One instruction of a constant expression. Wasm 2.0 allows exactly one
/// (t.const, global.get, ref.null, ref.func) before `end`; the model keeps a
/// sequence so extended-const fits without a new shape.
struct ConstInstr {
  Op Opcode = Op::Nop;
  uint64_t Offset = 0;              // byte offset of the opcode
  std::array<uint8_t, 16> Imm = {}; // little-endian bits of a constant
  uint32_t Index = 0;               // global.get / ref.func index
  ValType RefType = ValType::FuncRef; // ref.null's type
};

struct ConstExpr {
  uint64_t Offset = 0; // where the expression starts
  std::vector<ConstInstr> Instrs;
};

struct Import {
  std::string Module;
  std::string Field;
  ExternKind Kind = ExternKind::Func;
  uint32_t FuncTypeIndex = 0; // Kind == Func
  TableType Table;            // Kind == Table
  MemoryType Memory;          // Kind == Memory
  GlobalType Global;          // Kind == Global
  uint64_t Offset = 0;
};

struct Export {
  std::string Name;
  ExternKind Kind = ExternKind::Func;
  uint32_t Index = 0;
  uint64_t Offset = 0;
};

struct Global {
  GlobalType Type;
  ConstExpr Init;
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

struct ElemSegment {
  SegmentMode Mode = SegmentMode::Active;
  uint32_t Table = 0;
  ConstExpr Offset; // Active only
  ValType Type = ValType::FuncRef;
  std::vector<ConstExpr> Items; // func indices are stored as ref.func
  uint64_t SourceOffset = 0;
};

struct DataSegment {
  SegmentMode Mode = SegmentMode::Active;
  uint32_t Memory = 0;
  ConstExpr Offset; // Active only
  uint64_t BytesOffset = 0; // payload, as a range of Module::Bytes
  uint32_t BytesSize = 0;
  uint64_t SourceOffset = 0;
};

/// A run of locals of one type, as declared in the binary.
struct LocalRun {
  uint32_t Count = 0;
  ValType Type = ValType::I32;
};

struct FuncBody {
  uint64_t Offset = 0;     // start of the body's size-prefixed entry
  uint64_t CodeStart = 0;  // first instruction
  uint64_t End = 0;        // one past the final `end`
  std::vector<LocalRun> Locals;
  uint32_t NumLocals = 0;  // sum of Locals[].Count (parameters excluded)
};

struct CustomSection {
  std::string Name;
  uint64_t Offset = 0; // payload after the name
  uint64_t Size = 0;
};

struct Module {
  /// The whole binary; every offset in the model indexes into it.
  std::vector<uint8_t> Bytes;

  std::vector<FuncType> Types;
  std::vector<Import> Imports;
  std::vector<uint32_t> Funcs; // type index per function, imports first
  std::vector<TableType> Tables;
  std::vector<MemoryType> Memories;
  std::vector<Global> Globals; // imported globals have an empty Init
  std::vector<Export> Exports;
  std::optional<uint32_t> Start;
  std::vector<ElemSegment> Elems;
  std::vector<DataSegment> Datas;
  std::optional<uint32_t> DataCount;
  std::vector<FuncBody> Bodies; // defined functions only
  std::vector<CustomSection> Customs;
  /// Where the code section's payload starts (0: no code section): DWARF
  /// for Wasm addresses code relative to it.
  uint64_t CodeSectionOffset = 0;

  uint32_t NumImportedFuncs = 0;
  uint32_t NumImportedTables = 0;
  uint32_t NumImportedMemories = 0;
  uint32_t NumImportedGlobals = 0;

  const FuncType &funcType(uint32_t FuncIndex) const {
    return Types[Funcs[FuncIndex]];
  }
  bool isImportedFunc(uint32_t FuncIndex) const {
    return FuncIndex < NumImportedFuncs;
  }
  const FuncBody &body(uint32_t FuncIndex) const {
    return Bodies[FuncIndex - NumImportedFuncs];
  }
  std::span<const uint8_t> bytes(uint64_t Offset, uint64_t Size) const {
    return std::span<const uint8_t>(Bytes).subspan(Offset, Size);
  }
};

} // namespace kiln::wasm

#endif // KILN_WASM_MODULE_H
