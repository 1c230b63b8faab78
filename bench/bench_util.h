//===- bench/bench_util.h - Shared helpers of kiln-bench --------*- C++ -*-===//
//
// Loading the kernels' artifacts, compiling Wasm in-process (the code path of
// `kiln compile`), a tiny Wasm binary writer for the micro-benchmarks'
// modules, and the run-wide failure flag that makes kiln-bench exit non-zero.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_BENCH_BENCH_UTIL_H
#define KILN_BENCH_BENCH_UTIL_H

#include "kiln/runtime.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kiln::bench {

/// Where the build put the kernels' .wasm and .kiln files (KILN_BENCH_DIR in
/// the environment overrides the build-time default).
std::string artifactDir();

bool readFile(const std::string &Path, std::vector<uint8_t> &Out);

Expected<std::shared_ptr<Module>> loadArtifactFile(const std::string &Path);

/// Compiles `Wasm` in memory (compileWasm + writeArtifact) and loads it.
Expected<std::shared_ptr<Module>>
compileAndLoad(const std::vector<uint8_t> &Wasm, MemoryMode Mode,
               unsigned OptLevel = 2);

/// The size of the code section (id 10) of a Wasm binary, 0 if none.
uint64_t wasmCodeSectionBytes(const std::vector<uint8_t> &Wasm);

/// Marks the whole run as failed (kiln-bench then exits 1) after printing
/// `Message` to stderr.
void reportFailure(const std::string &Message);
bool anyFailure();

/// A minimal Wasm binary writer, enough for the micro-benchmark modules.
class WasmWriter {
public:
  enum : uint8_t { I32 = 0x7f, I64 = 0x7e };
  /// Returns the type index.
  uint32_t addType(std::vector<uint8_t> Params, std::vector<uint8_t> Results);
  void addFuncImport(const std::string &Module, const std::string &Field,
                     uint32_t Type);
  /// Returns the function index; `Body` is the locals vector and the code
  /// without the trailing `end`.
  uint32_t addFunc(uint32_t Type, std::vector<uint8_t> Body,
                   const std::string &ExportName = "");
  void setMemory(uint32_t MinPages, bool Export = false);
  void addData(uint32_t Offset, std::vector<uint8_t> Bytes);
  std::vector<uint8_t> finish() const;

  static void uleb(std::vector<uint8_t> &Out, uint64_t V);
  static void sleb(std::vector<uint8_t> &Out, int64_t V);

private:
  std::vector<std::vector<uint8_t>> Types, Imports, Funcs, Bodies, Exports,
      Datas;
  std::vector<uint32_t> FuncTypes;
  uint32_t ImportedFuncs = 0;
  bool HasMemory = false, ExportMemory = false;
  uint32_t MemoryPages = 0;
};

} // namespace kiln::bench

#endif // KILN_BENCH_BENCH_UTIL_H
