//===- kiln/format.h - The .kiln artifact format, version 3 -----*- C++ -*-===//
//
// The only contract between the compiler and the runtime (the `format/`
// library: this header, format_io.h, format_tables.h, the .def lists, the
// writer and the one reader). Each record, the file's preamble and section
// table included, is described once, by a `fields(IO &, Record &)` function
// that the writer and the reader both instantiate (format_io.h), so the
// format is never written twice.
//
// File layout (all integers little-endian):
//
//   Preamble (PreambleRec, PreambleBytes = 24, readable before anything is
//   trusted)
//     u8[8]  Magic "\x7fKILNART"
//     u32    FormatVersion
//     u8     Arch (kiln/target.h)        u8  MemoryMode
//     u8     PointerBytes                u8  reserved (0)
//     u32    SectionCount
//     u32    reserved (0)
//   Section table: SectionCount entries (SectionEntryRec, 56 bytes) of
//     u32 Id, u32 reserved (0), u64 Offset, u64 Size, u8[32] SHA-256 of the
//     section's bytes
//   Sections, in the order of the table, each 16-byte aligned
//   Trailer: u8[32] SHA-256 of every byte before it
//
// The trailer covers every byte before it; the per-section digests in the
// table let the loader name the section that is corrupt ("checksum mismatch
// at section Code"). The padding between sections must be zero.
//
// Record fields use fixed-width integers, u32 lengths for vectors and
// strings, and u8 for enums; the reader bounds every length by the bytes
// that remain before allocating. The Debug section, which has an entry
// every few instructions, is the exception: its numbers are LEB128 in
// their shortest form, optional indices are stored plus one (0: none), and
// its ascending lists store each value as the distance from the previous.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_FORMAT_H
#define KILN_FORMAT_H

#include "kiln/target.h"
#include "kiln/types.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace kiln::format {

inline constexpr uint8_t Magic[8] = {0x7f, 'K', 'I', 'L', 'N', 'A', 'R', 'T'};
/// 2: TargetRec.Interrupt (interruption polls and fuel, kiln/abi.h) and
/// the VMContext::Interrupt and Fuel fields they read.
/// 3: functions of large signatures pass their values in slots
/// (abi::passesInSlots), so that instances of older artifacts, which call
/// them with register arguments, cannot be linked with them.
/// 4: the Debug section (names, code and source maps), after Code.
inline constexpr uint32_t FormatVersion = 4;

/// The compatibility policy: updating the runtime on a device must not
/// orphan the artifacts deployed there. The compiler writes FormatVersion;
/// a runtime reads every version from OldestReadableFormatVersion up to it.
/// The version changes only when an artifact's bytes or its native ABI
/// change meaning; each step above says what changed, and the loader keeps
/// reading the version before it wherever that version's artifacts still
/// mean the same (olderVersionConflict() below). The compiler's own
/// version (TargetRec.CompilerVersion) is informative, never compared.
///  - 3: the same as 4 without the Debug section; its traps name functions
///    by index and have no code map.
///  - 2: the same bytes as 3; only functions of large signatures differ
///    (registers then, slots now), so a version-2 artifact loads when it
///    has none.
///  - 1 lacks TargetRec.Interrupt: not read.
inline constexpr uint32_t OldestReadableFormatVersion = 2;
inline constexpr uint32_t PreambleBytes = 24;
inline constexpr uint32_t SectionEntryBytes = 56;
inline constexpr uint32_t DigestBytes = 32;
inline constexpr uint32_t SectionAlign = 16;
inline constexpr uint32_t NoIndex = ~uint32_t(0);

enum class SectionId : uint32_t {
#define KILN_SECTION(Name, Id, Since) Name = Id,
#include "kiln/sections.def"
};

using Digest = std::array<uint8_t, DigestBytes>;

/// What TargetRec.Interrupt records.
enum class InterruptKind : uint8_t { None = 0, Polls = 1, PollsAndFuel = 2 };

// --- The file's frame --------------------------------------------------------

/// The preamble: what a reader checks before it trusts any other byte.
struct PreambleRec {
  std::array<uint8_t, 8> MagicBytes{};
  uint32_t Version = 0;
  uint8_t TargetArch = 0;   // Arch
  uint8_t Mode = 0;         // MemoryMode
  uint8_t PointerBytes = 0;
  uint8_t Reserved8 = 0;
  uint32_t SectionCount = 0;
  uint32_t Reserved32 = 0;
};

/// One row of the section table.
struct SectionEntryRec {
  uint32_t Id = 0; // SectionId
  uint32_t Reserved = 0;
  uint64_t Offset = 0;
  uint64_t Size = 0;
  Digest Sha256{};
};

// --- Section payloads -------------------------------------------------------

/// Target: what the code needs. PointerBytes and Arch repeat the preamble,
/// which is what the loader reads before trusting anything.
struct TargetRec {
  std::string Triple;          // "x86_64-linux-gnu"
  std::string Cpu;             // "x86-64-v2"
  std::string Features;        // LLVM feature string
  std::string CompilerVersion; // "kiln 0.1.0 (LLVM 19.1.7)"
  Digest WasmSha256{};         // of the source .wasm
  uint8_t OptLevel = 2;
  /// InterruptKind: whether the code polls VMContext::Interrupt and counts
  /// fuel (kiln/abi.h). Without polls (--no-interrupt) a call cannot be
  /// given a deadline; without fuel (the default), no fuel.
  uint8_t Interrupt = 1;
};

/// Value types use the Wasm binary encoding (0x7f i32 ... 0x6f externref).
struct FuncTypeRec {
  std::vector<uint8_t> Params;
  std::vector<uint8_t> Results;
};

struct LimitsRec {
  uint64_t Min = 0;
  uint8_t HasMax = 0;
  uint64_t Max = 0;
};

using ExternKind = kiln::ExternKind;

struct ImportRec {
  std::string Module;
  std::string Field;
  uint8_t Kind = 0;        // ExternKind
  uint32_t TypeIndex = 0;  // Func
  uint8_t ElemType = 0;    // Table: 0x70 / 0x6f
  LimitsRec Lim;           // Table, Memory
  uint8_t ValType = 0;     // Global
  uint8_t Mutable = 0;     // Global
};

struct ExportRec {
  std::string Name;
  uint8_t Kind = 0; // ExternKind
  uint32_t Index = 0;
};

struct TableRec {
  uint8_t ElemType = 0x70;
  LimitsRec Lim;
};

struct MemoryRec {
  LimitsRec Lim; // pages
};

/// A Wasm 2.0 constant expression: exactly one instruction.
enum class ConstKind : uint8_t {
  I32 = 1, I64, F32, F64, V128, GlobalGet, RefNull, RefFunc
};
struct ConstExprRec {
  uint8_t Kind = uint8_t(ConstKind::I32);
  uint8_t Type = 0;     // RefNull: the reference type
  uint32_t Index = 0;   // GlobalGet / RefFunc
  std::array<uint8_t, 16> Bits{}; // little-endian constant
};

struct GlobalRec { // defined globals only
  uint8_t ValType = 0;
  uint8_t Mutable = 0;
  ConstExprRec Init;
};

enum class SegmentMode : uint8_t { Active = 0, Passive = 1, Declarative = 2 };

struct ElemRec {
  uint8_t Mode = 0;     // SegmentMode
  uint32_t Table = 0;
  ConstExprRec Offset;  // Active
  uint8_t ElemType = 0x70;
  std::vector<ConstExprRec> Items;
};

struct DataRec {
  uint8_t Mode = 0;     // SegmentMode (Active or Passive)
  uint32_t Memory = 0;
  ConstExprRec Offset;  // Active
  std::vector<uint8_t> Bytes;
};

/// A defined function: its type and where its code is in the image.
struct FunctionRec {
  uint32_t TypeIndex = 0;
  uint32_t CodeOffset = 0; // in the image
  uint32_t CodeSize = 0;
  uint32_t WasmOffset = 0; // of its body in the source .wasm (diagnostics)
};

/// Per function type: the trampolines that cross between C++ and Wasm.
struct TrampolineRec {
  uint32_t EntryOffset = 0; // entry_T, in the image
  uint32_t ExitOffset = 0;  // exit_T, in the image
};

enum class RelocKind : uint8_t {
#define KILN_RELOC(Name, Kind, Bytes) Name = Kind,
#include "kiln/relocs.def"
};

struct RelocRec {
  uint32_t Offset = 0; // in the image
  uint8_t Kind = 0;    // relocs.def
  uint32_t Value = 0;  // image offset (Image*) or libcall index (Libcall*)
};

/// The code image: text (functions, trampolines, libcall stubs) first, then
/// read-only data and libcall slots, at a page boundary so the loader can
/// protect text as R+X and the rest as R. PC-relative references between
/// the two are resolved already, so the image is mapped as one piece. A
/// device whose pages are larger than PageAlign cannot load it.
struct ImageRec {
  uint32_t PageAlign = 4096;
  uint32_t TextSize = 0;       // [0, TextSize) becomes R+X
  uint32_t ReadOnlyOffset = 0; // [ReadOnlyOffset, size) becomes R; page aligned
  std::vector<uint8_t> Bytes;
};

// --- Diagnostics (the Debug section) ------------------------------------------
//
// What turns a native PC into Wasm frames and source lines when a guest
// traps, and names functions for backtraces and profilers. The runtime reads
// it only to describe a trap; the loader checks every index in it like any
// other section's, so a bad map gives a wrong name at worst. Indices are
// u32 with NoIndex for "none"; every `Caller` points at an earlier record,
// so every chain ends.

/// A Wasm function's name (the module's "name" section).
struct FuncNameRec {
  uint32_t Func = 0; // function index, imports included; increasing
  std::string Name;
};

/// From image offset CodeOffset up to the next range's, the code belongs to
/// Wasm frame `Frame` (NoIndex: no Wasm location, e.g. a prologue).
struct CodeRangeRec {
  uint32_t CodeOffset = 0; // in the image's text; increasing
  uint32_t Frame = NoIndex; // into DebugRec::WasmFrames
};

/// A position in Wasm code; `Caller` is the frame it was inlined into by
/// the compiler (the position of the call there), NoIndex if none.
struct WasmFrameRec {
  uint32_t Func = 0;       // a defined function's index
  uint32_t WasmOffset = 0; // of the instruction in the source .wasm
  uint32_t Caller = NoIndex;
};

/// The source line of a Wasm instruction, from the module's DWARF.
struct SourceSiteRec {
  uint32_t WasmOffset = 0; // increasing
  uint32_t Frame = 0;      // into DebugRec::SourceFrames
};

/// A source position; `Caller` is the source frame it was inlined into by
/// the module's own compiler (clang -O2), NoIndex if none.
struct SourceFrameRec {
  uint32_t Function = NoIndex; // into DebugRec::Strings
  uint32_t File = NoIndex;     // into DebugRec::Strings
  uint32_t Line = 0;
  uint32_t Column = 0;
  uint32_t Caller = NoIndex;
};

struct DebugRec {
  std::vector<FuncNameRec> FuncNames;
  std::vector<CodeRangeRec> CodeRanges;
  std::vector<WasmFrameRec> WasmFrames;
  std::vector<SourceSiteRec> SourceSites;
  std::vector<SourceFrameRec> SourceFrames;
  std::vector<std::string> Strings;
};

/// The whole artifact as the writer builds it and the reader returns it.
struct Artifact {
  /// The preamble's version: what the writer writes, what the loader read.
  uint32_t Version = FormatVersion;
  Arch TargetArch = Arch::X86_64;
  MemoryMode Mode = MemoryMode::Guard;
  uint8_t PointerBytes = 8;

  TargetRec Target;
  std::vector<FuncTypeRec> Types;
  std::vector<ImportRec> Imports;
  std::vector<FunctionRec> Functions; // defined functions
  std::vector<TableRec> Tables;       // defined tables
  std::vector<MemoryRec> Memories;    // defined memories
  std::vector<GlobalRec> Globals;     // defined globals
  std::vector<ExportRec> Exports;
  uint32_t Start = NoIndex;           // function index or NoIndex
  std::vector<ElemRec> Elems;
  std::vector<DataRec> Datas;
  std::vector<TrampolineRec> Trampolines; // one per type
  std::vector<RelocRec> Relocs;
  ImageRec Image;
  DebugRec Debug; // version 4 on
};

/// Functions `A` imports: function indices below this name imports, the
/// rest A.Functions.
inline uint32_t importedFunctionCount(const Artifact &A) {
  uint32_t N = 0;
  for (const ImportRec &I : A.Imports)
    N += I.Kind == uint8_t(ExternKind::Func);
  return N;
}

} // namespace kiln::format

#endif // KILN_FORMAT_H
