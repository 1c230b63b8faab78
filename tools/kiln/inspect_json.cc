//===- tools/kiln/inspect_json.cc - kiln inspect --json -------------------===//
//
// The same facts as the text report, as one JSON object a script can read
// (keys in snake_case, offsets and sizes as numbers). Only verified
// artifacts get here, so every index is in range.
//
//===----------------------------------------------------------------------===//

#include "tools/kiln/inspect_json.h"

#include "tools/kiln/json_string.h"
#include "tools/kiln/wasm_names.h"

#include "kiln/types.h"

#include <cstdio>

namespace kiln::cli {

static std::string typeArray(const std::vector<uint8_t> &Types) {
  std::string S = "[";
  for (size_t I = 0; I < Types.size(); ++I)
    S += std::string(I ? ", " : "") + "\"" + valTypeByteName(Types[I]) + "\"";
  return S + "]";
}

static std::string signatureJson(const format::Artifact &A, uint32_t Type) {
  const format::FuncTypeRec &T = A.Types[Type];
  return formatString("{\"type\": %u, \"params\": %s, \"results\": %s}", Type,
                      typeArray(T.Params).c_str(), typeArray(T.Results).c_str());
}

void printArtifactJson(const format::Artifact &A, const std::string &Path,
                       size_t FileBytes, const std::string &NotHere) {
  const format::TargetRec &T = A.Target;
  std::string Sha;
  for (uint8_t B : T.WasmSha256)
    Sha += formatString("%02x", B);
  std::printf("{\n");
  std::printf("  \"file\": %s,\n  \"file_bytes\": %zu,\n",
              jsonString(Path).c_str(), FileBytes);
  std::printf("  \"format_version\": %u,\n", A.Version);
  std::printf("  \"target\": {\"triple\": %s, \"cpu\": %s, \"features\": %s, "
              "\"arch\": \"%s\", \"pointer_bytes\": %u, \"memory_mode\": "
              "\"%s\", \"compiler\": %s, \"opt_level\": %u, "
              "\"interruptible\": %s, \"fuel\": %s, \"wasm_sha256\": "
              "\"%s\"},\n",
              jsonString(T.Triple).c_str(), jsonString(T.Cpu).c_str(),
              jsonString(T.Features).c_str(), archName(A.TargetArch),
              unsigned(A.PointerBytes), memoryModeName(A.Mode),
              jsonString(T.CompilerVersion).c_str(), unsigned(T.OptLevel),
              T.Interrupt ? "true" : "false",
              T.Interrupt == uint8_t(format::InterruptKind::PollsAndFuel)
                  ? "true"
                  : "false",
              Sha.c_str());
  std::printf("  \"image\": {\"bytes\": %zu, \"text_bytes\": %u, "
              "\"read_only_offset\": %u, \"page_align\": %u},\n",
              A.Image.Bytes.size(), A.Image.TextSize, A.Image.ReadOnlyOffset,
              A.Image.PageAlign);

  uint32_t ImportedFuncs = 0; // counted as the imports are printed
  std::printf("  \"imports\": [");
  for (size_t I = 0; I < A.Imports.size(); ++I) {
    const format::ImportRec &R = A.Imports[I];
    bool Func = format::ExternKind(R.Kind) == format::ExternKind::Func;
    std::printf("%s\n    {\"module\": %s, \"name\": %s, \"kind\": \"%s\"%s%s}",
                I ? "," : "", jsonString(R.Module).c_str(),
                jsonString(R.Field).c_str(),
                externKindName(format::ExternKind(R.Kind)),
                Func ? formatString(", \"index\": %u, \"signature\": ",
                                    ImportedFuncs)
                           .c_str()
                     : "",
                Func ? signatureJson(A, R.TypeIndex).c_str() : "");
    ImportedFuncs += Func;
  }
  std::printf("%s],\n", A.Imports.empty() ? "" : "\n  ");

  std::printf("  \"exports\": [");
  for (size_t I = 0; I < A.Exports.size(); ++I)
    std::printf("%s\n    {\"name\": %s, \"kind\": \"%s\", \"index\": %u}",
                I ? "," : "", jsonString(A.Exports[I].Name).c_str(),
                externKindName(format::ExternKind(A.Exports[I].Kind)),
                A.Exports[I].Index);
  std::printf("%s],\n", A.Exports.empty() ? "" : "\n  ");

  FuncNames Names = functionNames(A);
  std::printf("  \"functions\": [");
  for (size_t I = 0; I < A.Functions.size(); ++I) {
    const format::FunctionRec &F = A.Functions[I];
    uint32_t Index = ImportedFuncs + uint32_t(I);
    auto Name = Names.find(Index);
    std::printf("%s\n    {\"index\": %u, \"name\": %s, \"signature\": %s, "
                "\"code_offset\": %u, \"code_bytes\": %u, \"wasm_offset\": "
                "%u}",
                I ? "," : "", Index,
                Name == Names.end() ? "null" : jsonString(Name->second).c_str(),
                signatureJson(A, F.TypeIndex).c_str(), F.CodeOffset,
                F.CodeSize, F.WasmOffset);
  }
  std::printf("%s],\n", A.Functions.empty() ? "" : "\n  ");
  std::printf("  \"counts\": {\"types\": %zu, \"tables\": %zu, \"memories\": "
              "%zu, \"globals\": %zu, \"elem_segments\": %zu, "
              "\"data_segments\": %zu, \"relocations\": %zu},\n",
              A.Types.size(), A.Tables.size(), A.Memories.size(),
              A.Globals.size(), A.Elems.size(), A.Datas.size(),
              A.Relocs.size());
  std::printf("  \"runs_here\": %s,\n  \"not_here_because\": %s\n}\n",
              NotHere.empty() ? "true" : "false",
              NotHere.empty() ? "null" : jsonString(NotHere).c_str());
}

} // namespace kiln::cli
