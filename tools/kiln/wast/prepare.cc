//===- tools/kiln/wast/prepare.cc - Host half of a split spec run ---------===//

#include "tools/kiln/wast/prepare.h"

#include "kiln/format_writer.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"
#include "tools/kiln/cli.h"
#include "tools/kiln/wast/json.h"
#include "tools/kiln/wast/script.h"

#include <cstdio>

namespace kiln::wast {

static bool writeBytes(const std::string &Path, const void *Data, size_t Size,
                       std::string &Error) {
  std::FILE *F = std::fopen(Path.c_str(), "wb");
  if (!F) {
    Error = Path + ": cannot create";
    return false;
  }
  bool Ok = std::fwrite(Data, 1, Size, F) == Size;
  Ok = std::fclose(F) == 0 && Ok;
  if (!Ok)
    Error = Path + ": write error";
  return Ok;
}

static std::string baseName(const std::string &Path) {
  size_t Slash = Path.find_last_of('/');
  return Slash == std::string::npos ? Path : Path.substr(Slash + 1);
}

static void setMember(json::Value &Obj, const std::string &Key, json::Value V) {
  for (json::Value::Member &M : Obj.membersMut())
    if (M.Key == Key) {
      M.Val = std::move(V);
      return;
    }
  Obj.membersMut().push_back({Key, std::move(V)});
}

/// The same decision as the one-process runner's expectRejected: the module
/// must fail decoding or validation; a different kind or wording is noted.
static void decideRejection(const std::string &Path, const Command &C,
                            const wasm::Features &F, json::Value &J) {
  Expected<std::vector<uint8_t>> Bytes = cli::readFile(Path);
  Error E = Error::success();
  if (!Bytes) {
    E = Bytes.takeError();
  } else if (Expected<wasm::Module> M = wasm::decodeModule(*Bytes, F); !M) {
    E = M.takeError();
  } else {
    E = wasm::validateModule(*M, F);
  }
  if (!E) {
    setMember(J, "kiln_accepted", json::Value::makeBool(true));
    return;
  }
  setMember(J, "kiln_rejected", json::Value::makeString(E.str()));
  ErrorKind Want = C.Kind == CommandKind::AssertInvalid ? ErrorKind::Invalid
                                                         : ErrorKind::Malformed;
  ErrorKind Got = E.kind() == ErrorKind::Limit ? ErrorKind::Malformed : E.kind();
  if (Got != Want || E.message().find(C.Text) == std::string::npos)
    setMember(J, "kiln_note",
              json::Value::makeString(
                  std::string("rejected as ") + errorKindName(E.kind()) +
                  " for \"" + E.str() + "\", the suite says " +
                  errorKindName(Want) + " \"" + C.Text + "\""));
}

bool prepareScript(const std::string &JsonPath,
                   const codegen::CompileOptions &Opts,
                   const std::string &OutDir, PrepareResult &R,
                   std::string &Error) {
  std::string Text;
  Expected<std::vector<uint8_t>> Raw = cli::readFile(JsonPath);
  if (!Raw) {
    Error = Raw.takeError().str();
    return false;
  }
  Text.assign(Raw->begin(), Raw->end());
  Script S;
  if (!loadScriptFromText(Text, JsonPath, S, Error))
    return false;
  json::ParseResult Tree = json::parse(Text);
  if (!Tree.V) {
    Error = JsonPath + ":" + Tree.Error;
    return false;
  }
  json::Value &Top = *Tree.V;
  json::Value *Commands = nullptr;
  for (json::Value::Member &M : Top.membersMut())
    if (M.Key == "commands")
      Commands = &M.Val;
  if (!Commands || Commands->items().size() != S.Commands.size()) {
    Error = JsonPath + ": commands changed while reading";
    return false;
  }

  for (size_t I = 0; I < S.Commands.size(); ++I) {
    const Command &C = S.Commands[I];
    json::Value &J = Commands->items()[I];
    switch (C.Kind) {
    case CommandKind::AssertInvalid:
    case CommandKind::AssertMalformed:
      if (C.ModType == ModuleType::Text)
        continue; // skipped on the device, as in one process
      decideRejection(S.pathOf(C), C, Opts.WasmFeatures, J);
      ++R.Decided;
      continue;
    case CommandKind::Module:
    case CommandKind::AssertUnlinkable:
    case CommandKind::AssertUninstantiable:
      break;
    default:
      continue;
    }
    std::string Kiln = C.Filename;
    size_t Dot = Kiln.rfind('.');
    Kiln = (Dot == std::string::npos ? Kiln : Kiln.substr(0, Dot)) + ".kiln";
    setMember(J, "filename", json::Value::makeString(Kiln));
    Expected<std::vector<uint8_t>> Wasm = cli::readFile(S.pathOf(C));
    Expected<format::Artifact> Art =
        Wasm ? codegen::compileWasm(*Wasm, Opts)
             : Expected<format::Artifact>(Wasm.takeError());
    if (!Art) {
      setMember(J, "kiln_error", json::Value::makeString(Art.takeError().str()));
      ++R.CompileErrors;
      continue;
    }
    std::vector<uint8_t> Bytes = format::writeArtifact(*Art);
    if (!writeBytes(OutDir + "/" + Kiln, Bytes.data(), Bytes.size(), Error))
      return false;
    ++R.Compiled;
  }

  setMember(Top, "kiln_target", json::Value::makeString(Opts.Triple));
  setMember(Top, "kiln_memory_mode",
            json::Value::makeString(memoryModeName(*Opts.Mode)));
  std::string Out = json::serialize(Top);
  return writeBytes(OutDir + "/" + baseName(JsonPath), Out.data(), Out.size(),
                    Error);
}

} // namespace kiln::wast
