//===- tools/kiln/cmd_inspect.cc - kiln inspect ---------------------------===//
//
// `kiln inspect FILE.kiln`: verify an artifact and show what it contains.
// It runs on build machines as well as devices, so it accepts an artifact
// for any architecture and either memory mode; every other check of the
// loader applies, and a refusal is reported exactly as `kiln run` would.
// It goes through the runtime's verifier (Module::verify, which reads with
// the format library's reader) and maps nothing, so it is in the
// runtime-only build too.
//
//===----------------------------------------------------------------------===//

#include "tools/kiln/cli.h"

#include "kiln/signature.h"
#include "tools/kiln/commands.h"
#include "tools/kiln/inspect_json.h"
#include "tools/kiln/wasm_names.h"

#include "kiln/format.h"
#include "kiln/format_reader.h"
#include "kiln/format_tables.h"
#include "kiln/host_cpu.h"
#include "kiln/runtime.h"

#include <cstdio>
#include <map>
#include <string>

namespace kiln::cli {

using format::Artifact;

static void printInspectHelp() {
  std::printf(
      "Verify a compiled artifact and show what it contains.\n\n"
      "Usage: kiln inspect [OPTIONS] <FILE.kiln>\n\n"
      "Prints the target (triple, CPU, features, architecture, memory mode),\n"
      "the compiler and source module, the code image's layout, the module's\n"
      "imports, exports, memories, tables, globals and functions, and the\n"
      "relocations. Artifacts for any architecture and memory mode are\n"
      "accepted; every other check the loader makes applies.\n\n"
      "Options:\n"
      "      --json                 Print it as one JSON object instead\n"
      "      --functions            Print only the functions: index, name\n"
      "                             (from the exports), signature, code\n"
      "                             offset and size, Wasm offset\n"
      "%s"
      "  -h, --help                 Print help\n\n"
      "Exit status: 0 if the artifact verifies, 1 if it is refused or cannot "
      "be read, 2 on usage errors.\n",
      maxFileSizeHelp());
}


/// Names come from the file; keep control bytes out of the terminal.
static std::string printable(const std::string &S) {
  std::string Out;
  for (unsigned char C : S)
    Out += C >= 0x20 && C < 0x7f ? std::string(1, char(C))
                                 : formatString("\\x%02x", C);
  return Out;
}

static std::string typeList(const std::vector<uint8_t> &Types) {
  std::string S = "(";
  for (size_t I = 0; I < Types.size(); ++I)
    S += std::string(I ? ", " : "") + valTypeByteName(Types[I]);
  return S + ")";
}

static std::string signature(const Artifact &A, uint32_t TypeIndex) {
  const format::FuncTypeRec &T = A.Types[TypeIndex];
  return formatString("type %u %s -> %s", TypeIndex, typeList(T.Params).c_str(),
                      typeList(T.Results).c_str());
}

static std::string limits(const format::LimitsRec &L) {
  if (!L.HasMax)
    return formatString("min %llu, no max", (unsigned long long)L.Min);
  return formatString("min %llu, max %llu", (unsigned long long)L.Min,
                      (unsigned long long)L.Max);
}

static std::string globalType(uint8_t ValType, uint8_t Mutable) {
  return std::string(Mutable ? "mut " : "const ") + valTypeByteName(ValType);
}

static std::string constExpr(const format::ConstExprRec &C) {
  auto Le = [&](unsigned N) {
    uint64_t V = 0;
    for (unsigned I = 0; I < N; ++I)
      V |= uint64_t(C.Bits[I]) << (8 * I);
    return (unsigned long long)V;
  };
  switch (format::ConstKind(C.Kind)) {
  case format::ConstKind::I32:
    return formatString("i32.const 0x%llx", Le(4));
  case format::ConstKind::I64:
    return formatString("i64.const 0x%llx", Le(8));
  case format::ConstKind::F32:
    return formatString("f32.const bits 0x%08llx", Le(4));
  case format::ConstKind::F64:
    return formatString("f64.const bits 0x%016llx", Le(8));
  case format::ConstKind::V128:
    return "v128.const";
  case format::ConstKind::GlobalGet:
    return formatString("global.get %u", C.Index);
  case format::ConstKind::RefNull:
    return std::string("ref.null ") + valTypeByteName(C.Type);
  case format::ConstKind::RefFunc:
    return formatString("ref.func %u", C.Index);
  }
  return "?";
}

static const char *externKindName(uint8_t K) {
  switch (format::ExternKind(K)) {
  case format::ExternKind::Func:
    return "func";
  case format::ExternKind::Table:
    return "table";
  case format::ExternKind::Memory:
    return "memory";
  case format::ExternKind::Global:
    return "global";
  }
  return "?";
}

static const char *segmentModeName(uint8_t M) {
  switch (format::SegmentMode(M)) {
  case format::SegmentMode::Active:
    return "active";
  case format::SegmentMode::Passive:
    return "passive";
  case format::SegmentMode::Declarative:
    return "declarative";
  }
  return "?";
}

static void printArtifact(const Artifact &A,
                          std::span<const uint8_t> File) {
  size_t FileBytes = File.size();
  const format::TargetRec &T = A.Target;
  std::string Sha;
  for (uint8_t B : T.WasmSha256)
    Sha += formatString("%02x", B);
  std::printf("format version:   %u%s\n", A.Version,
              A.Version == format::FormatVersion
                  ? ""
                  : formatString(" (this runtime writes %u and reads %u to "
                                 "%u)",
                                 format::FormatVersion,
                                 format::OldestReadableFormatVersion,
                                 format::FormatVersion)
                        .c_str());
  std::printf("file size:        %zu bytes\n", FileBytes);
  if (std::optional<format::SignatureBlock> Sig =
          format::splitSignature(File).Block) {
    std::string Key;
    for (uint8_t B : Sig->Key)
      Key += formatString("%02x", B);
    std::printf("signature:        Ed25519, key %s (checked by kiln run "
                "--trust)\n",
                Key.c_str());
  } else {
    std::printf("signature:        none\n");
  }
  std::printf("target triple:    %s\n", T.Triple.c_str());
  std::printf("cpu:              %s\n", T.Cpu.c_str());
  std::printf("features:         %s\n",
              T.Features.empty() ? "(none)" : T.Features.c_str());
  std::printf("arch:             %s\n", archName(A.TargetArch));
  std::printf("pointer size:     %u bytes\n", unsigned(A.PointerBytes));
  std::printf("memory mode:      %s\n", memoryModeName(A.Mode));
  std::printf("compiler:         %s\n", T.CompilerVersion.c_str());
  std::printf("wasm sha256:      %s\n", Sha.c_str());
  std::printf("opt level:        %u\n", unsigned(T.OptLevel));
  std::printf("interruptible:    %s\n",
              T.Interrupt == uint8_t(format::InterruptKind::PollsAndFuel)
                  ? "yes (deadlines, interrupt(), epochs), and counts fuel"
              : T.Interrupt ? "yes (deadlines, interrupt(), epochs)"
                            : "no (compiled with --no-interrupt)");

  const format::ImageRec &Img = A.Image;
  uint32_t CodeBytes = 0;
  for (const format::FunctionRec &F : A.Functions)
    CodeBytes += F.CodeSize;
  std::printf("image:            %zu bytes, page alignment %u\n",
              Img.Bytes.size(), Img.PageAlign);
  std::printf("  text:           %u bytes at 0x0 (functions: %u bytes)\n",
              Img.TextSize, CodeBytes);
  std::printf("  read-only:      %zu bytes at 0x%x\n",
              Img.Bytes.size() - Img.ReadOnlyOffset, Img.ReadOnlyOffset);

  uint32_t ImportedFuncs = 0, ImportedTables = 0, ImportedMemories = 0,
           ImportedGlobals = 0;
  for (const format::ImportRec &I : A.Imports) {
    switch (format::ExternKind(I.Kind)) {
    case format::ExternKind::Func:
      ++ImportedFuncs;
      break;
    case format::ExternKind::Table:
      ++ImportedTables;
      break;
    case format::ExternKind::Memory:
      ++ImportedMemories;
      break;
    case format::ExternKind::Global:
      ++ImportedGlobals;
      break;
    }
  }
  std::printf("counts:           types %zu, imports %zu, functions %zu, "
              "tables %zu, memories %zu, globals %zu, exports %zu, "
              "elem segments %zu, data segments %zu, relocations %zu\n",
              A.Types.size(), A.Imports.size(), A.Functions.size(),
              A.Tables.size(), A.Memories.size(), A.Globals.size(),
              A.Exports.size(), A.Elems.size(), A.Datas.size(),
              A.Relocs.size());
  const format::DebugRec &D = A.Debug;
  std::printf("debug info:       %zu function names, code map %zu ranges "
              "and %zu frames, source lines %zu (%zu frames)%s\n",
              D.FuncNames.size(), D.CodeRanges.size(), D.WasmFrames.size(),
              D.SourceSites.size(), D.SourceFrames.size(),
              A.Version < 4 ? " (format version 3 has none)" : "");

  std::printf("\nimports (%zu):\n", A.Imports.size());
  for (const format::ImportRec &I : A.Imports) {
    std::string Desc;
    switch (format::ExternKind(I.Kind)) {
    case format::ExternKind::Func:
      Desc = signature(A, I.TypeIndex);
      break;
    case format::ExternKind::Table:
      Desc = std::string(valTypeByteName(I.ElemType)) + ", " + limits(I.Lim);
      break;
    case format::ExternKind::Memory:
      Desc = limits(I.Lim) + " pages";
      break;
    case format::ExternKind::Global:
      Desc = globalType(I.ValType, I.Mutable);
      break;
    }
    std::printf("  %s.%s %s %s\n", printable(I.Module).c_str(),
                printable(I.Field).c_str(), externKindName(I.Kind),
                Desc.c_str());
  }

  std::printf("\nexports (%zu):\n", A.Exports.size());
  for (const format::ExportRec &E : A.Exports)
    std::printf("  %s %s %u\n", printable(E.Name).c_str(),
                externKindName(E.Kind), E.Index);
  if (A.Start != format::NoIndex)
    std::printf("start: func %u\n", A.Start);

  std::printf("\nmemories (%zu defined, %u imported):\n", A.Memories.size(),
              ImportedMemories);
  for (size_t I = 0; I < A.Memories.size(); ++I)
    std::printf("  memory %zu: %s pages\n", ImportedMemories + I,
                limits(A.Memories[I].Lim).c_str());
  std::printf("tables (%zu defined, %u imported):\n", A.Tables.size(),
              ImportedTables);
  for (size_t I = 0; I < A.Tables.size(); ++I)
    std::printf("  table %zu: %s, %s\n", ImportedTables + I,
                valTypeByteName(A.Tables[I].ElemType),
                limits(A.Tables[I].Lim).c_str());
  std::printf("globals (%zu defined, %u imported):\n", A.Globals.size(),
              ImportedGlobals);
  for (size_t I = 0; I < A.Globals.size(); ++I)
    std::printf("  global %zu: %s = %s\n", ImportedGlobals + I,
                globalType(A.Globals[I].ValType, A.Globals[I].Mutable).c_str(),
                constExpr(A.Globals[I].Init).c_str());
  std::printf("element segments (%zu):\n", A.Elems.size());
  for (size_t I = 0; I < A.Elems.size(); ++I) {
    const format::ElemRec &E = A.Elems[I];
    std::printf("  elem %zu: %s %s, %zu items", I, segmentModeName(E.Mode),
                valTypeByteName(E.ElemType), E.Items.size());
    if (format::SegmentMode(E.Mode) == format::SegmentMode::Active)
      std::printf(", table %u at %s", E.Table, constExpr(E.Offset).c_str());
    std::printf("\n");
  }
  std::printf("data segments (%zu):\n", A.Datas.size());
  for (size_t I = 0; I < A.Datas.size(); ++I) {
    const format::DataRec &D = A.Datas[I];
    std::printf("  data %zu: %s, %zu bytes", I, segmentModeName(D.Mode),
                D.Bytes.size());
    if (format::SegmentMode(D.Mode) == format::SegmentMode::Active)
      std::printf(", memory %u at %s", D.Memory, constExpr(D.Offset).c_str());
    std::printf("\n");
  }

  std::printf("\nfunctions (%zu defined, %u imported):\n", A.Functions.size(),
              ImportedFuncs);
  for (size_t I = 0; I < A.Functions.size(); ++I) {
    const format::FunctionRec &F = A.Functions[I];
    std::printf("  func %zu: %s, code 0x%x size %u, wasm offset 0x%x\n",
                ImportedFuncs + I, signature(A, F.TypeIndex).c_str(),
                F.CodeOffset, F.CodeSize, F.WasmOffset);
  }
  std::printf("trampolines (%zu):\n", A.Trampolines.size());
  for (size_t I = 0; I < A.Trampolines.size(); ++I)
    std::printf("  type %zu: entry 0x%x, exit 0x%x\n", I,
                A.Trampolines[I].EntryOffset, A.Trampolines[I].ExitOffset);

  // By kind, in relocs.def order; libcall relocations also by routine.
  std::printf("\nrelocations (%zu):\n", A.Relocs.size());
  std::map<uint8_t, size_t> ByKind;
  std::map<uint32_t, size_t> ByLibcall;
  for (const format::RelocRec &R : A.Relocs) {
    ++ByKind[R.Kind];
    if (format::isLibcallReloc(format::RelocKind(R.Kind)))
      ++ByLibcall[R.Value];
  }
  for (const auto &[Kind, N] : ByKind)
    std::printf("  %s: %zu\n", format::relocName(Kind), N);
  for (const auto &[Index, N] : ByLibcall)
    std::printf("    libcall %s: %zu\n", format::libcallName(Index), N);
}

/// `--functions`: one line per defined function.
static void printFunctions(const Artifact &A) {
  const uint32_t ImportedFuncs = format::importedFunctionCount(A);
  FuncNames Names = functionNames(A);
  std::printf("%-6s %-24s %-10s %-10s %-11s %s\n", "index", "name",
              "code", "size", "wasm", "signature");
  for (size_t I = 0; I < A.Functions.size(); ++I) {
    const format::FunctionRec &F = A.Functions[I];
    uint32_t Index = ImportedFuncs + uint32_t(I);
    auto Name = Names.find(Index);
    std::printf("%-6u %-24s 0x%-8x %-10u 0x%-9x %s\n", Index,
                Name == Names.end() ? "-" : printable(Name->second).c_str(),
                F.CodeOffset, F.CodeSize, F.WasmOffset,
                signature(A, F.TypeIndex).c_str());
  }
}

int inspectMain(const std::vector<std::string> &RawArgs) {
  const std::vector<std::string> Args =
      splitOptionValues(RawArgs, {"--max-file-size"},
                        /*StopAtPositional=*/false);
  std::vector<std::string> Files;
  uint64_t MaxFileBytes = DefaultMaxInputBytes;
  bool Json = false, FunctionsOnly = false;
  for (size_t I = 0; I < Args.size(); ++I) {
    const std::string &A = Args[I];
    if (isHelpFlag(A)) {
      printInspectHelp();
      return ExitOk;
    }
    bool Matched = false;
    if (int Rc = parseMaxFileSizeFlag("inspect", Args, I, MaxFileBytes,
                                      Matched);
        Rc >= 0)
      return Rc;
    if (Matched)
      continue;
    if (A == "--json") {
      Json = true;
      continue;
    }
    if (A == "--functions") {
      FunctionsOnly = true;
      continue;
    }
    if (A.size() > 1 && A[0] == '-')
      return usageError("inspect", "unknown option '" + A + "'");
    Files.push_back(A);
  }
  if (Files.empty())
    return usageError("inspect", "no input file");
  if (Files.size() > 1)
    return usageError("inspect", "expected one artifact, got " +
                                     std::to_string(Files.size()));

  const std::string &Path = Files[0];
  Expected<std::vector<uint8_t>> Bytes = readFile(Path, MaxFileBytes);
  if (!Bytes) {
    printError("", Bytes.takeError());
    return ExitFailure;
  }
  auto Refused = [&](Error E) {
    printError(Path, E);
    return ExitFailure;
  };
  // Accept whatever architecture and CPU the artifact names: LoadOptions
  // has no "any", so expect the one the preamble names and a CPU with every
  // feature; everything else is checked as the loader checks it. Whether
  // this machine can run it comes after.
  Expected<format::PreambleRec> Preamble = format::readPreamble(*Bytes);
  if (!Preamble)
    return Refused(Preamble.takeError());
  LoadOptions Opts;
  Opts.ExpectedArch = Arch(Preamble->TargetArch);
  Opts.AllowGuard = true;
  Opts.AllowBoundsChecked = true;
  Opts.CpuFeatures = allCpuFeatures(Opts.ExpectedArch);
  Expected<format::Artifact> A = Module::verify(*Bytes, Opts);
  if (!A)
    return Refused(A.takeError());
  if (Json && FunctionsOnly)
    return usageError("inspect", "--json already has the functions; give "
                                 "one of --json and --functions");
  Expected<format::Artifact> Here = Module::verify(*Bytes, LoadOptions());
  std::string NotHere = Here ? "" : Here.takeError().message();
  if (Json) {
    printArtifactJson(*A, Path, Bytes->size(), NotHere);
  } else if (FunctionsOnly) {
    printFunctions(*A);
  } else {
    printArtifact(*A, *Bytes);
    std::printf("runs here:        %s\n",
                NotHere.empty() ? "yes" : ("no: " + NotHere).c_str());
  }
  return ExitOk;
}

} // namespace kiln::cli
