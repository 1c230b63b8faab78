//===- bench/bench_util.cc - Shared helpers of kiln-bench -----------------===//

#include "bench/bench_util.h"

#include "kiln/format_writer.h"
#include "compiler/codegen/compile.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace kiln::bench {

std::string artifactDir() {
  if (const char *Dir = std::getenv("KILN_BENCH_DIR"))
    return Dir;
  return KILN_BENCH_DEFAULT_DIR;
}

bool readFile(const std::string &Path, std::vector<uint8_t> &Out) {
  Out.clear();
  std::FILE *F = std::fopen(Path.c_str(), "rb");
  if (!F)
    return false;
  uint8_t Buf[65536];
  size_t N;
  while ((N = std::fread(Buf, 1, sizeof Buf, F)) > 0)
    Out.insert(Out.end(), Buf, Buf + N);
  bool Ok = !std::ferror(F);
  std::fclose(F);
  return Ok;
}

Expected<std::shared_ptr<Module>> loadArtifactFile(const std::string &Path) {
  std::vector<uint8_t> Bytes;
  if (!readFile(Path, Bytes))
    return Error::make(ErrorKind::Io, "cannot read " + Path);
  return Module::load(Bytes);
}

Expected<std::shared_ptr<Module>>
compileAndLoad(const std::vector<uint8_t> &Wasm, MemoryMode Mode,
               unsigned OptLevel) {
  codegen::CompileOptions Opts;
  Opts.Mode = Mode;
  Opts.OptLevel = OptLevel;
  Expected<format::Artifact> Art = codegen::compileWasm(Wasm, Opts);
  if (!Art)
    return Art.takeError();
  std::vector<uint8_t> Bytes = format::writeArtifact(*Art);
  return Module::load(Bytes);
}

uint64_t wasmCodeSectionBytes(const std::vector<uint8_t> &Wasm) {
  size_t P = 8;
  auto Leb = [&](uint64_t &V) {
    V = 0;
    for (unsigned Shift = 0; P < Wasm.size() && Shift < 35; Shift += 7) {
      uint8_t B = Wasm[P++];
      V |= uint64_t(B & 0x7f) << Shift;
      if (!(B & 0x80))
        return true;
    }
    return false;
  };
  while (P < Wasm.size()) {
    uint8_t Id = Wasm[P++];
    uint64_t Size;
    if (!Leb(Size) || Size > Wasm.size() - P)
      return 0;
    if (Id == 10)
      return Size;
    P += Size;
  }
  return 0;
}

static std::atomic<bool> Failed{false};

void reportFailure(const std::string &Message) {
  std::fprintf(stderr, "kiln-bench: FAILURE: %s\n", Message.c_str());
  Failed = true;
}

bool anyFailure() { return Failed; }

//===- WasmWriter ---------------------------------------------------------===//

void WasmWriter::uleb(std::vector<uint8_t> &Out, uint64_t V) {
  do {
    uint8_t B = V & 0x7f;
    V >>= 7;
    Out.push_back(B | (V ? 0x80 : 0));
  } while (V);
}

void WasmWriter::sleb(std::vector<uint8_t> &Out, int64_t V) {
  for (;;) {
    uint8_t B = V & 0x7f;
    V >>= 7;
    bool Done = (V == 0 && !(B & 0x40)) || (V == -1 && (B & 0x40));
    Out.push_back(B | (Done ? 0 : 0x80));
    if (Done)
      return;
  }
}

static void putName(std::vector<uint8_t> &Out, const std::string &S) {
  WasmWriter::uleb(Out, S.size());
  Out.insert(Out.end(), S.begin(), S.end());
}

uint32_t WasmWriter::addType(std::vector<uint8_t> Params,
                             std::vector<uint8_t> Results) {
  std::vector<uint8_t> T{0x60};
  uleb(T, Params.size());
  T.insert(T.end(), Params.begin(), Params.end());
  uleb(T, Results.size());
  T.insert(T.end(), Results.begin(), Results.end());
  Types.push_back(std::move(T));
  return uint32_t(Types.size() - 1);
}

void WasmWriter::addFuncImport(const std::string &Module,
                               const std::string &Field, uint32_t Type) {
  std::vector<uint8_t> I;
  putName(I, Module);
  putName(I, Field);
  I.push_back(0x00);
  uleb(I, Type);
  Imports.push_back(std::move(I));
  ++ImportedFuncs;
}

uint32_t WasmWriter::addFunc(uint32_t Type, std::vector<uint8_t> Body,
                             const std::string &ExportName) {
  uint32_t Index = ImportedFuncs + uint32_t(FuncTypes.size());
  FuncTypes.push_back(Type);
  Body.push_back(0x0b); // end
  Bodies.push_back(std::move(Body));
  if (!ExportName.empty()) {
    std::vector<uint8_t> E;
    putName(E, ExportName);
    E.push_back(0x00);
    uleb(E, Index);
    Exports.push_back(std::move(E));
  }
  return Index;
}

void WasmWriter::setMemory(uint32_t MinPages, bool Export) {
  HasMemory = true;
  MemoryPages = MinPages;
  ExportMemory = Export;
}

void WasmWriter::addData(uint32_t Offset, std::vector<uint8_t> Bytes) {
  std::vector<uint8_t> D{0x00, 0x41}; // active, memory 0, i32.const
  sleb(D, int32_t(Offset));
  D.push_back(0x0b);
  uleb(D, Bytes.size());
  D.insert(D.end(), Bytes.begin(), Bytes.end());
  Datas.push_back(std::move(D));
}

std::vector<uint8_t> WasmWriter::finish() const {
  std::vector<uint8_t> Out{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00};
  auto Section = [&](uint8_t Id,
                     const std::vector<std::vector<uint8_t>> &Items) {
    if (Items.empty())
      return;
    std::vector<uint8_t> Payload;
    uleb(Payload, Items.size());
    for (const std::vector<uint8_t> &I : Items)
      Payload.insert(Payload.end(), I.begin(), I.end());
    Out.push_back(Id);
    uleb(Out, Payload.size());
    Out.insert(Out.end(), Payload.begin(), Payload.end());
  };
  Section(1, Types);
  Section(2, Imports);
  std::vector<std::vector<uint8_t>> FuncSec;
  for (uint32_t T : FuncTypes) {
    std::vector<uint8_t> F;
    uleb(F, T);
    FuncSec.push_back(std::move(F));
  }
  Section(3, FuncSec);
  if (HasMemory) {
    std::vector<uint8_t> M{0x00};
    uleb(M, MemoryPages);
    Section(5, {M});
  }
  std::vector<std::vector<uint8_t>> AllExports = Exports;
  if (HasMemory && ExportMemory) {
    std::vector<uint8_t> E;
    putName(E, "memory");
    E.push_back(0x02);
    E.push_back(0x00);
    AllExports.push_back(std::move(E));
  }
  Section(7, AllExports);
  std::vector<std::vector<uint8_t>> Code;
  for (const std::vector<uint8_t> &B : Bodies) {
    std::vector<uint8_t> C;
    uleb(C, B.size());
    C.insert(C.end(), B.begin(), B.end());
    Code.push_back(std::move(C));
  }
  Section(10, Code);
  Section(11, Datas);
  return Out;
}

} // namespace kiln::bench
