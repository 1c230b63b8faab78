//===- runtime/loader/verify.cc - Check an artifact before trusting it ----===//
//
//                    *** SUBTLE: CRITICAL TO THE SANDBOX ***
//
// This file decides whether the runtime trusts a .kiln file: the file holds
// native code that will run in this process, plus every index and offset the
// loader and the instantiation code will follow. Nothing after this step
// checks them again, so a check missing here is an out-of-bounds write or a
// jump to an arbitrary address later. Changes need two reviews, and every
// new refusal needs a test named after it (tests/unit/artifact_test.cc),
// including the exhaustive byte-flip and truncation tests staying green.
//
// What the checks do and do not give. The checksums and the compatibility
// checks (architecture, pointer size, memory mode, page size) stop damaged,
// truncated and wrong-target files. The structural checks make the loader
// robust: no index, offset or length below is used unchecked, whatever the
// bytes say, so even a file with valid checksums and nonsense contents is
// refused rather than followed. They cannot prove the machine code itself
// safe: an artifact is as trustworthy as the compiler that produced it and
// the channel that delivered it (sign it if that channel is hostile).
//
// The order is fixed and cheap-first: the preamble as the format reader
// checks it (kiln/format_reader.h), then whether this runtime takes its
// architecture and memory mode, then the rest of the file through the same
// reader (section table, digests, padding, records), then the format-version
// compatibility, the machine the code needs, and the semantic checks. Every
// refusal names the byte offset of the field or record at fault and, past
// the table, the section.
//
// All arithmetic on file-supplied numbers is done in uint64_t on values that
// are at most 32 bits wide, or written as `Off > Size || Len > Size - Off`,
// so that nothing wraps around (STYLE.md section 3).
//
//===----------------------------------------------------------------------===//

#include "loader/verify.h"

#include "loader/signature.h"

#include "loader/libcalls.h"

#include "kiln/abi.h"
#include "kiln/format_reader.h"
#include "kiln/format_tables.h"
#include "kiln/host_cpu.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kiln::loader {

using namespace kiln::format;
// kiln/runtime.h has an API-level ExternKind and error.h a NoIndex; here
// they always mean the artifact's.
using format::ExternKind;
using format::NoIndex;

//===----------------------------------------------------------------------===//
// Small helpers
//===----------------------------------------------------------------------===//

static unsigned long long ull(uint64_t V) { return V; }

/// Names from the file go into messages; keep control bytes and the like
/// out of the user's terminal.
static std::string escaped(const std::string &S) {
  std::string Out;
  for (unsigned char C : S) {
    if (C >= 0x20 && C < 0x7f && C != '\'' && C != '\\')
      Out += char(C);
    else
      Out += formatString("\\x%02x", C);
  }
  return Out;
}

static std::string quoted(const std::string &S) {
  return "'" + escaped(S) + "'";
}

/// Kinds as messages name them: "unknown function 3", "table 1".
static const char *externKindName(uint8_t K) {
  return ExternKind(K) == ExternKind::Func ? "function"
                                           : kiln::externKindName(ExternKind(K));
}

static const char *externKindPlural(uint8_t K) {
  switch (ExternKind(K)) {
  case ExternKind::Func:
    return "functions";
  case ExternKind::Table:
    return "tables";
  case ExternKind::Memory:
    return "memories";
  case ExternKind::Global:
    return "globals";
  }
  return "unknown";
}

static bool isKnownExternKind(uint8_t K) {
  return K <= uint8_t(ExternKind::Global);
}

//===----------------------------------------------------------------------===//
// Parsing
//===----------------------------------------------------------------------===//

namespace {

/// The semantic checks: everything the loader and instantiation will index
/// with, checked against what it indexes.
class Checker {
public:
  Checker(const Artifact &A, const Layout &L) : A(A), L(L) {}
  Error run();

private:
  Error fail(SectionId Id, size_t Record, std::string Message) const {
    return refusal(L.record(Id, Record), std::move(Message))
        .inSection(sectionName(Id));
  }
  Error failAt(SectionId Id, uint64_t Offset, std::string Message) const {
    return refusal(Offset, std::move(Message)).inSection(sectionName(Id));
  }

  Error checkTypes();
  Error checkImports();
  Error checkLimits(const LimitsRec &Lim, bool IsMemory, SectionId Id,
                    size_t Record, const std::string &What) const;
  Error checkFunctionTypes();
  Error checkTables();
  Error checkMemories();
  Error checkGlobals();
  Error checkImage();
  Error checkFunctionCode();
  Error checkTrampolines();
  uint64_t functionContaining(uint64_t At) const;
  Error checkRelocs();
  Error checkExports();
  Error checkStart();
  Error checkElems();
  Error checkDatas();
  Error checkDebug();
  Error checkConst(const ConstExprRec &C, uint8_t Want, SectionId Id,
                   size_t Record, const std::string &What) const;

  uint64_t numFuncs() const { return ImportedFuncs + A.Functions.size(); }
  uint64_t numTables() const { return TableTypes.size(); }
  uint64_t numMemories() const { return ImportedMemories + A.Memories.size(); }
  uint64_t numGlobals() const { return ImportedGlobals + A.Globals.size(); }
  /// Type index of function `F` of the function index space (in range).
  uint32_t funcType(uint64_t F) const {
    return F < ImportedFuncs ? FuncImports[F]->TypeIndex
                             : A.Functions[F - ImportedFuncs].TypeIndex;
  }

  const Artifact &A;
  const Layout &L;
  uint64_t ImportedFuncs = 0, ImportedMemories = 0, ImportedGlobals = 0;
  std::vector<const ImportRec *> FuncImports;   // imported functions
  std::vector<const ImportRec *> GlobalImports; // imported globals
  std::vector<uint8_t> TableTypes;              // imported, then defined
  std::vector<size_t> CodeOrder; // defined functions by code offset
};

} // namespace

Error Checker::run() {
  if (A.Target.Interrupt > uint8_t(InterruptKind::PollsAndFuel))
    return fail(SectionId::Target, 0,
                formatString("invalid interruption kind %u",
                             unsigned(A.Target.Interrupt)));
  KILN_CHECK(checkTypes());
  KILN_CHECK(checkImports());
  KILN_CHECK(checkFunctionTypes());
  KILN_CHECK(checkTables());
  KILN_CHECK(checkMemories());
  KILN_CHECK(checkGlobals());
  KILN_CHECK(checkImage());
  KILN_CHECK(checkFunctionCode());
  KILN_CHECK(checkTrampolines());
  KILN_CHECK(checkRelocs());
  KILN_CHECK(checkExports());
  KILN_CHECK(checkStart());
  KILN_CHECK(checkElems());
  KILN_CHECK(checkDatas());
  KILN_CHECK(checkDebug());
  return Error::success();
}

Error Checker::checkTypes() {
  for (size_t I = 0; I < A.Types.size(); ++I) {
    for (const std::vector<uint8_t> *List :
         {&A.Types[I].Params, &A.Types[I].Results})
      for (uint8_t T : *List)
        if (!isValTypeByte(T))
          return fail(
              SectionId::Types, I,
              formatString("type %zu: invalid value type 0x%02x", I, T));
  }
  return Error::success();
}

Error Checker::checkLimits(const LimitsRec &Lim, bool IsMemory, SectionId Id,
                           size_t Record, const std::string &What) const {
  if (Lim.HasMax > 1)
    return fail(
        Id, Record,
        formatString("%s: invalid limits flag %u", What.c_str(), Lim.HasMax));
  // Memory32 sizes are in 64 KiB pages up to 4 GiB, table sizes are u32;
  // the instantiation code multiplies and allocates with these.
  uint64_t Bound = IsMemory ? 65536 : 0xffffffffu;
  const char *Unit = IsMemory ? "pages" : "elements";
  if (Lim.Min > Bound)
    return fail(Id, Record,
                formatString("%s: minimum %llu %s exceeds the limit of %llu",
                             What.c_str(), ull(Lim.Min), Unit, ull(Bound)));
  if (!Lim.HasMax)
    return Error::success();
  if (Lim.Max > Bound)
    return fail(Id, Record,
                formatString("%s: maximum %llu %s exceeds the limit of %llu",
                             What.c_str(), ull(Lim.Max), Unit, ull(Bound)));
  if (Lim.Min > Lim.Max)
    return fail(Id, Record,
                formatString("%s: minimum %llu is greater than maximum %llu",
                             What.c_str(), ull(Lim.Min), ull(Lim.Max)));
  return Error::success();
}

Error Checker::checkImports() {
  for (size_t I = 0; I < A.Imports.size(); ++I) {
    const ImportRec &Imp = A.Imports[I];
    std::string What =
        formatString("import %zu (%s.%s)", I, escaped(Imp.Module).c_str(),
                     escaped(Imp.Field).c_str());
    if (!isKnownExternKind(Imp.Kind))
      return fail(
          SectionId::Imports, I,
          formatString("%s: invalid import kind %u", What.c_str(), Imp.Kind));
    switch (ExternKind(Imp.Kind)) {
    case ExternKind::Func:
      if (Imp.TypeIndex >= A.Types.size())
        return fail(SectionId::Imports, I,
                    formatString("%s: type index %u out of range (%zu types)",
                                 What.c_str(), Imp.TypeIndex, A.Types.size()));
      ++ImportedFuncs;
      FuncImports.push_back(&Imp);
      break;
    case ExternKind::Table:
      if (!isRefTypeByte(Imp.ElemType))
        return fail(SectionId::Imports, I,
                    formatString("%s: invalid table element type 0x%02x",
                                 What.c_str(), Imp.ElemType));
      KILN_CHECK(checkLimits(Imp.Lim, false, SectionId::Imports, I, What));
      TableTypes.push_back(Imp.ElemType);
      break;
    case ExternKind::Memory:
      KILN_CHECK(checkLimits(Imp.Lim, true, SectionId::Imports, I, What));
      ++ImportedMemories;
      break;
    case ExternKind::Global:
      if (!isValTypeByte(Imp.ValType))
        return fail(SectionId::Imports, I,
                    formatString("%s: invalid value type 0x%02x", What.c_str(),
                                 Imp.ValType));
      if (Imp.Mutable > 1)
        return fail(SectionId::Imports, I,
                    formatString("%s: invalid mutability flag %u", What.c_str(),
                                 Imp.Mutable));
      ++ImportedGlobals;
      GlobalImports.push_back(&Imp);
      break;
    }
  }
  return Error::success();
}

Error Checker::checkFunctionTypes() {
  for (size_t I = 0; I < A.Functions.size(); ++I)
    if (A.Functions[I].TypeIndex >= A.Types.size())
      return fail(SectionId::Functions, I,
                  formatString("function %llu: type index %u out of range "
                               "(%zu types)",
                               ull(ImportedFuncs + I), A.Functions[I].TypeIndex,
                               A.Types.size()))
          .inFunction(uint32_t(ImportedFuncs + I));
  return Error::success();
}

Error Checker::checkTables() {
  for (size_t I = 0; I < A.Tables.size(); ++I) {
    std::string What = formatString("table %zu", TableTypes.size());
    if (!isRefTypeByte(A.Tables[I].ElemType))
      return fail(SectionId::Tables, I,
                  formatString("%s: invalid element type 0x%02x", What.c_str(),
                               A.Tables[I].ElemType));
    KILN_CHECK(checkLimits(A.Tables[I].Lim, false, SectionId::Tables, I, What));
    TableTypes.push_back(A.Tables[I].ElemType);
  }
  return Error::success();
}

Error Checker::checkMemories() {
  for (size_t I = 0; I < A.Memories.size(); ++I) {
    uint64_t Index = ImportedMemories + I;
    // Wasm 2.0 allows one memory; the VMContext has room for one.
    if (Index >= 1)
      return fail(SectionId::Memories, I,
                  formatString("memory %llu: at most one memory is allowed "
                               "(imported and defined together)",
                               ull(Index)));
    KILN_CHECK(checkLimits(A.Memories[I].Lim, true, SectionId::Memories, I,
                           formatString("memory %llu", ull(Index))));
  }
  return Error::success();
}

Error Checker::checkConst(const ConstExprRec &C, uint8_t Want, SectionId Id,
                          size_t Record, const std::string &What) const {
  uint8_t Type = 0;
  switch (ConstKind(C.Kind)) {
  case ConstKind::I32:
    Type = 0x7f;
    break;
  case ConstKind::I64:
    Type = 0x7e;
    break;
  case ConstKind::F32:
    Type = 0x7d;
    break;
  case ConstKind::F64:
    Type = 0x7c;
    break;
  case ConstKind::V128:
    Type = 0x7b;
    break;
  case ConstKind::GlobalGet:
    // Wasm 2.0: only imported, immutable globals are constant; defined
    // globals are not initialized yet when constant expressions run.
    if (C.Index >= ImportedGlobals)
      return fail(Id, Record,
                  formatString("%s: global.get %u is not an imported global "
                               "(%llu imported globals)",
                               What.c_str(), C.Index, ull(ImportedGlobals)));
    if (GlobalImports[C.Index]->Mutable)
      return fail(Id, Record,
                  formatString("%s: global.get %u reads a mutable global",
                               What.c_str(), C.Index));
    Type = GlobalImports[C.Index]->ValType;
    break;
  case ConstKind::RefNull:
    if (!isRefTypeByte(C.Type))
      return fail(Id, Record,
                  formatString("%s: ref.null of invalid type 0x%02x",
                               What.c_str(), C.Type));
    Type = C.Type;
    break;
  case ConstKind::RefFunc:
    if (C.Index >= numFuncs())
      return fail(Id, Record,
                  formatString("%s: ref.func %u out of range (%llu functions)",
                               What.c_str(), C.Index, ull(numFuncs())));
    Type = 0x70;
    break;
  }
  if (Type == 0)
    return fail(Id, Record,
                formatString("%s: unknown constant expression kind %u",
                             What.c_str(), C.Kind));
  // A mismatch is not only a wrong value: an integer in a funcref global or
  // table would be a forged code pointer.
  if (Type != Want)
    return fail(Id, Record,
                formatString("%s: constant expression has type %s, expected %s",
                             What.c_str(), valTypeByteName(Type),
                             valTypeByteName(Want)));
  return Error::success();
}

Error Checker::checkGlobals() {
  for (size_t I = 0; I < A.Globals.size(); ++I) {
    const GlobalRec &G = A.Globals[I];
    std::string What = formatString("global %llu", ull(ImportedGlobals + I));
    if (!isValTypeByte(G.ValType))
      return fail(SectionId::Globals, I,
                  formatString("%s: invalid value type 0x%02x", What.c_str(),
                               G.ValType));
    if (G.Mutable > 1)
      return fail(SectionId::Globals, I,
                  formatString("%s: invalid mutability flag %u", What.c_str(),
                               G.Mutable));
    KILN_CHECK(checkConst(G.Init, G.ValType, SectionId::Globals, I, What));
  }
  return Error::success();
}

Error Checker::checkImage() {
  const ImageRec &Img = A.Image;
  uint64_t At = L.section(SectionId::Code);
  uint64_t Size = Img.Bytes.size();
  if (Img.PageAlign < 4096 || (Img.PageAlign & (Img.PageAlign - 1)))
    return failAt(SectionId::Code, At,
                  formatString("image page alignment %u is not a power of two "
                               ">= 4096",
                               Img.PageAlign));
  long Page = sysconf(_SC_PAGESIZE);
  if (Page > 0 && uint64_t(Page) > Img.PageAlign)
    return failAt(SectionId::Code, At,
                  formatString("image is laid out for %u-byte pages, this "
                               "device's pages are %ld bytes; recompile for "
                               "this device",
                               Img.PageAlign, Page));
  if (Img.TextSize > Img.ReadOnlyOffset)
    return failAt(SectionId::Code, At + 4,
                  formatString("text size 0x%x runs into the read-only data "
                               "at 0x%x",
                               Img.TextSize, Img.ReadOnlyOffset));
  if (Img.ReadOnlyOffset > Size)
    return failAt(SectionId::Code, At + 8,
                  formatString("read-only data offset 0x%x is past the end of "
                               "the image (0x%llx bytes)",
                               Img.ReadOnlyOffset, ull(Size)));
  if (Img.ReadOnlyOffset % Img.PageAlign)
    return failAt(SectionId::Code, At + 8,
                  formatString("read-only data offset 0x%x is not a multiple "
                               "of the page alignment 0x%x",
                               Img.ReadOnlyOffset, Img.PageAlign));
  return Error::success();
}

Error Checker::checkFunctionCode() {
  uint64_t Text = A.Image.TextSize;
  for (size_t I = 0; I < A.Functions.size(); ++I) {
    const FunctionRec &F = A.Functions[I];
    uint64_t Begin = F.CodeOffset, End = Begin + F.CodeSize;
    if (Begin >= Text || End > Text)
      return fail(SectionId::Functions, I,
                  formatString("function %llu: code [0x%llx, 0x%llx) is "
                               "outside the text [0, 0x%llx)",
                               ull(ImportedFuncs + I), ull(Begin), ull(End),
                               ull(Text)))
          .inFunction(uint32_t(ImportedFuncs + I));
    if (F.CodeSize == 0)
      return fail(SectionId::Functions, I,
                  formatString("function %llu: code at 0x%llx is empty",
                               ull(ImportedFuncs + I), ull(Begin)))
          .inFunction(uint32_t(ImportedFuncs + I));
  }
  // Functions are laid out one after another: a code offset moved into a
  // neighbour (which the checksum does not stop a deliberate editor from
  // doing) would start execution inside other code.
  CodeOrder.resize(A.Functions.size());
  for (size_t I = 0; I < CodeOrder.size(); ++I)
    CodeOrder[I] = I;
  std::sort(CodeOrder.begin(), CodeOrder.end(), [&](size_t X, size_t Y) {
    return A.Functions[X].CodeOffset < A.Functions[Y].CodeOffset;
  });
  for (size_t K = 1; K < CodeOrder.size(); ++K) {
    const FunctionRec &P = A.Functions[CodeOrder[K - 1]];
    const FunctionRec &C = A.Functions[CodeOrder[K]];
    if (uint64_t(P.CodeOffset) + P.CodeSize > C.CodeOffset)
      return fail(SectionId::Functions, CodeOrder[K],
                  formatString("function %llu: code at 0x%x overlaps function "
                               "%llu's [0x%x, 0x%llx)",
                               ull(ImportedFuncs + CodeOrder[K]), C.CodeOffset,
                               ull(ImportedFuncs + CodeOrder[K - 1]),
                               P.CodeOffset,
                               ull(uint64_t(P.CodeOffset) + P.CodeSize)))
          .inFunction(uint32_t(ImportedFuncs + CodeOrder[K]));
  }
  return Error::success();
}

/// The function (of the function index space) whose code contains image
/// offset `At`, or NoIndex. Needs CodeOrder (checkFunctionCode).
uint64_t Checker::functionContaining(uint64_t At) const {
  auto It = std::upper_bound(CodeOrder.begin(), CodeOrder.end(), At,
                             [&](uint64_t Off, size_t I) {
                               return Off < A.Functions[I].CodeOffset;
                             });
  if (It == CodeOrder.begin())
    return NoIndex;
  const FunctionRec &F = A.Functions[*(It - 1)];
  return At < uint64_t(F.CodeOffset) + F.CodeSize ? ImportedFuncs + *(It - 1)
                                                   : NoIndex;
}

Error Checker::checkTrampolines() {
  if (A.Trampolines.size() != A.Types.size())
    return failAt(SectionId::Trampolines, L.section(SectionId::Trampolines),
                  formatString("%zu trampoline pairs for %zu types; there must "
                               "be one per type",
                               A.Trampolines.size(), A.Types.size()));
  uint32_t Text = A.Image.TextSize;
  for (size_t I = 0; I < A.Trampolines.size(); ++I) {
    const TrampolineRec &T = A.Trampolines[I];
    if (T.EntryOffset >= Text || T.ExitOffset >= Text)
      return fail(SectionId::Trampolines, I,
                  formatString("trampolines of type %zu (entry 0x%x, exit "
                               "0x%x) are outside the text [0, 0x%x)",
                               I, T.EntryOffset, T.ExitOffset, Text));
    // A trampoline is code of its own, never the inside of a function.
    for (uint32_t At : {T.EntryOffset, T.ExitOffset})
      if (uint64_t F = functionContaining(At); F != NoIndex)
        return fail(SectionId::Trampolines, I,
                    formatString("trampoline of type %zu at 0x%x lies inside "
                                 "the code of function %llu",
                                 I, At, ull(F)));
  }
  // Types of one signature may share their trampolines; nothing else may.
  // An offset moved onto another signature's trampoline (or an entry onto
  // an exit) would pass arguments in a layout the code does not expect.
  struct Use {
    size_t Type;
    bool Entry;
  };
  std::vector<std::pair<uint32_t, Use>> Uses;
  for (size_t I = 0; I < A.Trampolines.size(); ++I) {
    Uses.push_back({A.Trampolines[I].EntryOffset, {I, true}});
    Uses.push_back({A.Trampolines[I].ExitOffset, {I, false}});
  }
  std::sort(Uses.begin(), Uses.end(), [](const auto &X, const auto &Y) {
    return X.first < Y.first || (X.first == Y.first && X.second.Type < Y.second.Type);
  });
  for (size_t K = 1; K < Uses.size(); ++K) {
    const auto &[At, U] = Uses[K];
    const Use &P = Uses[K - 1].second;
    if (At != Uses[K - 1].first)
      continue;
    const FuncTypeRec &X = A.Types[P.Type], &Y = A.Types[U.Type];
    if (P.Entry != U.Entry || X.Params != Y.Params || X.Results != Y.Results)
      return fail(SectionId::Trampolines, U.Type,
                  formatString("%s trampoline of type %zu at 0x%x is also the "
                               "%s trampoline of type %zu, whose signature "
                               "differs",
                               U.Entry ? "entry" : "exit", U.Type, At,
                               P.Entry ? "entry" : "exit", P.Type));
  }
  return Error::success();
}

Error Checker::checkRelocs() {
  const ImageRec &Img = A.Image;
  uint64_t Size = Img.Bytes.size();
  uint32_t Libcalls = NumLibcalls;
  for (size_t I = 0; I < A.Relocs.size(); ++I) {
    const RelocRec &R = A.Relocs[I];
    unsigned Width = relocBytes(R.Kind);
    if (!Width)
      return fail(SectionId::Relocs, I,
                  formatString("relocation %zu: unknown kind %u", I, R.Kind));
    const char *Name = relocName(R.Kind);
    // A pointer-sized slot is what the code loads; a narrower or wider
    // write would leave half a pointer or clobber the next slot.
    if (Width != A.PointerBytes)
      return fail(SectionId::Relocs, I,
                  formatString("relocation %zu: %s writes %u bytes, but %s "
                               "pointers are %u bytes",
                               I, Name, Width, archName(A.TargetArch),
                               unsigned(A.PointerBytes)));
    // Only data is patched: text stays byte-for-byte what was checksummed,
    // and is never writable.
    uint64_t Begin = R.Offset, End = Begin + Width;
    if (Begin < Img.ReadOnlyOffset || End > Size)
      return fail(SectionId::Relocs, I,
                  formatString("relocation %zu: %s at image offset 0x%llx "
                               "(%u bytes) is outside the read-only data "
                               "[0x%x, 0x%llx)",
                               I, Name, ull(Begin), Width, Img.ReadOnlyOffset,
                               ull(Size)));
    if (!isLibcallReloc(RelocKind(R.Kind))) {
      if (R.Value >= Size)
        return fail(SectionId::Relocs, I,
                    formatString("relocation %zu: %s target 0x%x is outside "
                                 "the image (0x%llx bytes)",
                                 I, Name, R.Value, ull(Size)));
    } else if (R.Value >= Libcalls) {
      return fail(SectionId::Relocs, I,
                  formatString("relocation %zu: %s names libcall %u, the "
                               "libcall table has %u entries",
                               I, Name, R.Value, Libcalls));
    } else if (!libcallAddress(R.Value)) {
      // A row of another architecture (e.g. an ARM EABI helper).
      return fail(SectionId::Relocs, I,
                  formatString("relocation %zu: %s names libcall '%s', which "
                               "a %s runtime does not provide",
                               I, Name, libcallName(R.Value),
                               archName(hostArch())));
    }
  }
  return Error::success();
}

Error Checker::checkExports() {
  for (size_t I = 0; I < A.Exports.size(); ++I) {
    const ExportRec &E = A.Exports[I];
    if (!isKnownExternKind(E.Kind))
      return fail(SectionId::Exports, I,
                  formatString("export %zu (%s): invalid kind %u", I,
                               quoted(E.Name).c_str(), E.Kind));
    uint64_t Count = 0;
    switch (ExternKind(E.Kind)) {
    case ExternKind::Func:
      Count = numFuncs();
      break;
    case ExternKind::Table:
      Count = numTables();
      break;
    case ExternKind::Memory:
      Count = numMemories();
      break;
    case ExternKind::Global:
      Count = numGlobals();
      break;
    }
    if (E.Index >= Count)
      return fail(SectionId::Exports, I,
                  formatString("export %zu (%s): %s index %u out of range "
                               "(%llu %s)",
                               I, quoted(E.Name).c_str(),
                               externKindName(E.Kind), E.Index, ull(Count),
                               externKindPlural(E.Kind)));
  }
  // Sort indices by name so a duplicate is found in O(n log n); report the
  // later of the two records.
  std::vector<size_t> Order(A.Exports.size());
  for (size_t I = 0; I < Order.size(); ++I)
    Order[I] = I;
  std::sort(Order.begin(), Order.end(), [&](size_t X, size_t Y) {
    int C = A.Exports[X].Name.compare(A.Exports[Y].Name);
    return C < 0 || (C == 0 && X < Y);
  });
  for (size_t K = 1; K < Order.size(); ++K) {
    size_t Prev = Order[K - 1], Cur = Order[K];
    if (A.Exports[Prev].Name == A.Exports[Cur].Name)
      return fail(SectionId::Exports, Cur,
                  formatString("export %zu: duplicate export name %s (also "
                               "export %zu)",
                               Cur, quoted(A.Exports[Cur].Name).c_str(), Prev));
  }
  return Error::success();
}

Error Checker::checkStart() {
  if (A.Start == NoIndex)
    return Error::success();
  uint64_t At = L.section(SectionId::Start);
  if (A.Start >= numFuncs())
    return failAt(SectionId::Start, At,
                  formatString("start function %u out of range (%llu "
                               "functions)",
                               A.Start, ull(numFuncs())));
  const FuncTypeRec &T = A.Types[funcType(A.Start)];
  if (!T.Params.empty() || !T.Results.empty())
    return failAt(SectionId::Start, At,
                  formatString("start function %u has parameters or results",
                               A.Start))
        .inFunction(A.Start);
  return Error::success();
}

Error Checker::checkElems() {
  for (size_t I = 0; I < A.Elems.size(); ++I) {
    const ElemRec &E = A.Elems[I];
    std::string What = formatString("element segment %zu", I);
    if (E.Mode > uint8_t(SegmentMode::Declarative))
      return fail(SectionId::Elems, I,
                  formatString("%s: invalid mode %u", What.c_str(), E.Mode));
    if (!isRefTypeByte(E.ElemType))
      return fail(SectionId::Elems, I,
                  formatString("%s: invalid element type 0x%02x", What.c_str(),
                               E.ElemType));
    if (SegmentMode(E.Mode) == SegmentMode::Active) {
      if (E.Table >= numTables())
        return fail(SectionId::Elems, I,
                    formatString("%s: table %u out of range (%llu tables)",
                                 What.c_str(), E.Table, ull(numTables())));
      if (TableTypes[E.Table] != E.ElemType)
        return fail(SectionId::Elems, I,
                    formatString("%s: %s elements for a %s table", What.c_str(),
                                 valTypeByteName(E.ElemType),
                                 valTypeByteName(TableTypes[E.Table])));
      KILN_CHECK(
          checkConst(E.Offset, 0x7f, SectionId::Elems, I, What + " offset"));
    }
    for (size_t J = 0; J < E.Items.size(); ++J)
      KILN_CHECK(checkConst(E.Items[J], E.ElemType, SectionId::Elems, I,
                            What + formatString(" item %zu", J)));
  }
  return Error::success();
}

Error Checker::checkDatas() {
  for (size_t I = 0; I < A.Datas.size(); ++I) {
    const DataRec &D = A.Datas[I];
    std::string What = formatString("data segment %zu", I);
    if (D.Mode > uint8_t(SegmentMode::Passive))
      return fail(SectionId::Datas, I,
                  formatString("%s: invalid mode %u", What.c_str(), D.Mode));
    if (SegmentMode(D.Mode) != SegmentMode::Active)
      continue;
    if (D.Memory >= numMemories())
      return fail(SectionId::Datas, I,
                  formatString("%s: memory %u out of range (%llu memories)",
                               What.c_str(), D.Memory, ull(numMemories())));
    KILN_CHECK(
        checkConst(D.Offset, 0x7f, SectionId::Datas, I, What + " offset"));
  }
  return Error::success();
}

//===----------------------------------------------------------------------===//
// What this runtime takes
//===----------------------------------------------------------------------===//

/// The preamble against this runtime: its architecture and the memory modes
/// it allows. Before anything is hashed, so that a file for another machine
/// is refused as that, not as whatever else is wrong with it.
/// The Debug section is read only to describe a trap, but it is checked
/// like the rest: every index in range, every list in the order lookups
/// binary-search, every `Caller` earlier than its frame (so chains end).
Error Checker::checkDebug() {
  const DebugRec &D = A.Debug;
  auto Bad = [&](const char *List, size_t I, std::string Why) {
    return failAt(SectionId::Debug, L.section(SectionId::Debug),
                  formatString("%s[%zu]: ", List, I) + Why);
  };
  auto Index = [](uint32_t V, size_t Size) { return V == NoIndex || V < Size; };
  for (size_t I = 0; I < D.FuncNames.size(); ++I) {
    if (D.FuncNames[I].Func >= numFuncs())
      return Bad("names", I, formatString("function %u does not exist",
                                          D.FuncNames[I].Func));
    if (I && D.FuncNames[I].Func <= D.FuncNames[I - 1].Func)
      return Bad("names", I, "functions are not in increasing order");
  }
  for (size_t I = 0; I < D.CodeRanges.size(); ++I) {
    const CodeRangeRec &R = D.CodeRanges[I];
    if (R.CodeOffset >= A.Image.TextSize)
      return Bad("code ranges", I,
                 formatString("offset 0x%x is outside the text", R.CodeOffset));
    if (I && R.CodeOffset <= D.CodeRanges[I - 1].CodeOffset)
      return Bad("code ranges", I, "offsets are not in increasing order");
    if (!Index(R.Frame, D.WasmFrames.size()))
      return Bad("code ranges", I,
                 formatString("frame %u does not exist", R.Frame));
  }
  // The compiler starts a range at the code of every function and
  // trampoline. One whose code offset starts none was moved (into its own
  // code or padding, which the other checks cannot see); an artifact
  // without a map is not checked.
  auto StartsRange = [&](uint32_t At) {
    auto It = std::lower_bound(
        D.CodeRanges.begin(), D.CodeRanges.end(), At,
        [](const CodeRangeRec &R, uint32_t O) { return R.CodeOffset < O; });
    return It != D.CodeRanges.end() && It->CodeOffset == At;
  };
  if (!D.CodeRanges.empty()) {
    for (size_t I = 0; I < A.Functions.size(); ++I)
      if (uint32_t At = A.Functions[I].CodeOffset; !StartsRange(At))
        return fail(SectionId::Functions, I,
                    formatString("function %llu: code at 0x%x does not "
                                 "start a range of the code map",
                                 ull(ImportedFuncs + I), At))
            .inFunction(uint32_t(ImportedFuncs + I));
    for (size_t T = 0; T < A.Trampolines.size(); ++T)
      for (uint32_t At :
           {A.Trampolines[T].EntryOffset, A.Trampolines[T].ExitOffset})
        if (!StartsRange(At))
          return fail(SectionId::Trampolines, T,
                      formatString("type %zu: trampoline at 0x%x does not "
                                   "start a range of the code map",
                                   T, At));
  }
  for (size_t I = 0; I < D.WasmFrames.size(); ++I) {
    const WasmFrameRec &F = D.WasmFrames[I];
    if (F.Func < ImportedFuncs || F.Func >= numFuncs())
      return Bad("wasm frames", I, formatString("function %u is not a defined "
                                                "function",
                                                F.Func));
    if (F.Caller != NoIndex && F.Caller >= I)
      return Bad("wasm frames", I, formatString("caller %u is not an earlier "
                                                "frame",
                                                F.Caller));
  }
  for (size_t I = 0; I < D.SourceSites.size(); ++I) {
    const SourceSiteRec &S = D.SourceSites[I];
    if (S.Frame >= D.SourceFrames.size())
      return Bad("source sites", I,
                 formatString("frame %u does not exist", S.Frame));
    if (I && S.WasmOffset <= D.SourceSites[I - 1].WasmOffset)
      return Bad("source sites", I, "offsets are not in increasing order");
  }
  for (size_t I = 0; I < D.SourceFrames.size(); ++I) {
    const SourceFrameRec &F = D.SourceFrames[I];
    if (!Index(F.Function, D.Strings.size()) ||
        !Index(F.File, D.Strings.size()))
      return Bad("source frames", I, "string index out of range");
    if (F.Caller != NoIndex && F.Caller >= I)
      return Bad("source frames", I, formatString("caller %u is not an "
                                                  "earlier frame",
                                                  F.Caller));
  }
  return Error::success();
}

static Error checkRuntimeTakes(const PreambleRec &P, const LoadOptions &Opts) {
  Arch A = Arch(P.TargetArch);
  if (A != Opts.ExpectedArch)
    return refusal(preambleOffset(&PreambleRec::TargetArch),
                  formatString("built for %s, this runtime is %s",
                               archName(A), archName(Opts.ExpectedArch)));
  const size_t ModeAt = preambleOffset(&PreambleRec::Mode);
  switch (MemoryMode(P.Mode)) {
  case MemoryMode::Guard:
    if (!Opts.AllowGuard)
      return refusal(ModeAt, "artifact uses guard-page memory, which this "
                            "device cannot honour (needs a 64-bit MMU "
                            "target); recompile with --bounds-checks");
    break;
  case MemoryMode::BoundsChecked:
    if (!Opts.AllowBoundsChecked)
      return refusal(ModeAt, "artifact uses bounds-checked memory, which this "
                            "runtime is configured not to allow; recompile "
                            "without --bounds-checks");
    break;
  }
  return Error::success();
}

//===----------------------------------------------------------------------===//
// The machine the code needs
//===----------------------------------------------------------------------===//

/// The target record against the header and the machine: its triple must
/// be the one of the header's architecture (and of this runtime's OS and
/// float ABI), and every CPU feature it needs must be one cpu_features.def
/// knows and, when the code is to run here, one this CPU has.
static Error checkMachine(const Artifact &A, const Layout &L,
                          const LoadOptions &Opts) {
  uint64_t At = L.record(SectionId::Target, 0);
  auto Fail = [&](std::string Message) {
    return refusal(At, std::move(Message)).inSection(sectionName(SectionId::Target));
  };
  const char *Triple = archTriple(A.TargetArch);
  if (A.Target.Triple != Triple)
    return Fail(formatString("target triple %s does not match the header's "
                             "architecture %s (%s)",
                             quoted(A.Target.Triple).c_str(),
                             archName(A.TargetArch), Triple));
#if !defined(__linux__)
  return Fail(formatString("built for Linux (%s); this runtime is not", Triple));
#endif
#if defined(__arm__) && !defined(__ARM_PCS_VFP)
  return Fail("built for the hard-float ABI (armv7-linux-gnueabihf); this "
              "runtime uses the soft-float one");
#endif

  std::optional<std::string> Have = Opts.CpuFeatures;
  if (!Have && A.TargetArch == hostArch())
    Have = hostCpuFeatures();
  // An LLVM feature string, "+a,+b", item by item.
  auto Items = [](std::string_view List) {
    std::vector<std::string> Out;
    while (!List.empty()) {
      size_t Comma = List.find(',');
      Out.emplace_back(List.substr(0, Comma));
      List = Comma == std::string_view::npos ? "" : List.substr(Comma + 1);
    }
    return Out;
  };
  std::vector<std::string> HaveItems = Have ? Items(*Have) : std::vector<std::string>();
  std::string Missing;
  for (const std::string &Item : Items(A.Target.Features)) {
    const char *What = Item.size() > 1 && Item[0] == '+'
                           ? cpuFeatureDescription(A.TargetArch, Item.substr(1))
                           : nullptr;
    if (!What)
      return Fail(formatString("CPU feature %s is not one a %s runtime knows "
                               "(kiln/cpu_features.def)",
                               quoted(Item).c_str(), archName(A.TargetArch)));
    if (Have && std::find(HaveItems.begin(), HaveItems.end(), Item) == HaveItems.end())
      Missing += formatString("%s%s (%s)", Missing.empty() ? "" : ", ",
                              Item.c_str() + 1, What);
  }
  if (!Missing.empty())
    return Fail(formatString("compiled for a CPU (%s) with features this CPU "
                             "lacks: %s; recompile with a lower --cpu or "
                             "without those --features",
                             quoted(A.Target.Cpu).c_str(), Missing.c_str()));
  return Error::success();
}

/// An artifact of an older format version this runtime still reads must
/// not use what changed meaning since (format.h's compatibility policy).
static Error checkOlderVersion(const Artifact &A) {
  uint32_t Version = A.Version;
  if (Version >= 3)
    return Error::success();
  // Version 2 passed large signatures in registers; this runtime's code
  // passes them in slots, and the two cannot call each other.
  for (size_t T = 0; T < A.Types.size(); ++T)
    if (abi::passesInSlots(A.Types[T].Params.size(),
                           A.Types[T].Results.size()))
      return refusal(8, formatString(
                           "format version %u passes type %zu (%zu params, "
                           "%zu results) in registers, which this runtime's "
                           "code passes in memory: recompile the module",
                           Version, T, A.Types[T].Params.size(),
                           A.Types[T].Results.size()));
  return Error::success();
}

Expected<Artifact> verifyArtifact(std::span<const uint8_t> Bytes,
                                  const LoadOptions &Opts) {
  Expected<PreambleRec> P = readPreamble(Bytes);
  if (!P)
    return P.takeError();
  KILN_CHECK(checkRuntimeTakes(*P, Opts));
  // Before any section is read: a changed, unsigned or foreign artifact is
  // refused before its contents are trusted at all.
  KILN_CHECK(checkSignature(Bytes, Opts));
  Expected<ReadArtifact> R = readSections(Bytes, *P);
  if (!R)
    return R.takeError();
  KILN_CHECK(checkOlderVersion(R->A));
  KILN_CHECK(checkMachine(R->A, R->L, Opts));
  KILN_CHECK(Checker(R->A, R->L).run());
  return std::move(R->A);
}

} // namespace kiln::loader
