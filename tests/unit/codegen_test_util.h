//===- tests/unit/codegen_test_util.h - Helpers for code-quality tests ----===//
//
// The tests that compile a module of tests/unit/modules/ through the real
// compiler and then read the x86-64 assembly (which instructions a function
// became) or run it (what it computes) share these: reading the module,
// compiling it, slicing one function out of the assembly, counting
// mnemonics, and instantiating the artifact.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TESTS_UNIT_CODEGEN_TEST_UTIL_H
#define KILN_TESTS_UNIT_CODEGEN_TEST_UTIL_H

#include "kiln/format_writer.h"
#include "compiler/codegen/compile.h"
#include "kiln/abi.h"
#include "kiln/runtime.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace kiln::testutil {

/// KILN_TEST_MODULES/<Name>.wasm (assembled from tests/unit/modules/).
inline std::vector<uint8_t> readTestModule(const std::string &Name) {
  std::ifstream In(std::string(KILN_TEST_MODULES "/") + Name + ".wasm",
                   std::ios::binary);
  std::vector<uint8_t> Wasm{std::istreambuf_iterator<char>(In), {}};
  EXPECT_FALSE(Wasm.empty()) << "cannot read " << Name << ".wasm in " KILN_TEST_MODULES;
  return Wasm;
}

/// The x86-64 assembly of module `Name` for `Cpu` at -O2.
inline std::string compileToX86Asm(const std::string &Name, const std::string &Cpu,
                                   MemoryMode Mode = MemoryMode::Guard) {
  std::string Asm;
  codegen::CompileOptions Opts;
  Opts.Mode = Mode;
  Opts.Triple = "x86_64-linux-gnu";
  Opts.Cpu = Cpu;
  Opts.OptLevel = 2;
  Opts.AssemblyOut = &Asm;
  Expected<format::Artifact> A = codegen::compileWasm(readTestModule(Name), Opts);
  EXPECT_TRUE(bool(A)) << (A ? "" : A.takeError().message());
  return Asm;
}

/// The lines of function `Index`'s body, from its label to its end.
inline std::vector<std::string> functionLines(const std::string &Asm, unsigned Index) {
  std::string Label =
      std::string(kiln::abi::FuncSymbolPrefix) + std::to_string(Index) + ":";
  std::vector<std::string> Out;
  std::istringstream In(Asm);
  std::string Line;
  bool Inside = false;
  while (std::getline(In, Line)) {
    if (!Inside) {
      Inside = Line.rfind(Label, 0) == 0;
      continue;
    }
    if (Line.rfind(".Lfunc_end", 0) == 0)
      break;
    Out.push_back(Line);
  }
  return Out;
}

/// The loops of function `Index`, in the order of their backward jumps:
/// each from the line after the label a backward jump targets through that
/// jump.
inline std::vector<std::vector<std::string>> loopsOf(const std::string &Asm,
                                                     unsigned Index) {
  std::vector<std::string> Body = functionLines(Asm, Index);
  std::vector<std::vector<std::string>> Loops;
  static const std::regex Jump(R"(^\s+j\w+\s+(\.LBB\w+))");
  for (size_t J = 0; J < Body.size(); ++J) {
    std::smatch M;
    if (!std::regex_search(Body[J], M, Jump))
      continue;
    for (size_t L = 0; L < J; ++L)
      if (Body[L].rfind(M[1].str() + ":", 0) == 0) {
        Loops.emplace_back(Body.begin() + L + 1, Body.begin() + J + 1);
        break;
      }
  }
  return Loops;
}

/// The lines of the first loop in function `Index` (see loopsOf); empty
/// when there is no loop.
inline std::vector<std::string> firstLoopOf(const std::string &Asm, unsigned Index) {
  std::vector<std::vector<std::string>> Loops = loopsOf(Asm, Index);
  return Loops.empty() ? std::vector<std::string>{} : Loops.front();
}

/// The instructions (mnemonics only) of function `Index`; directives,
/// labels and comments are dropped.
inline std::vector<std::string> mnemonicsOf(const std::string &Asm, unsigned Index) {
  std::vector<std::string> Out;
  for (const std::string &Line : functionLines(Asm, Index)) {
    size_t First = Line.find_first_not_of(" \t");
    if (First == std::string::npos || Line[First] == '.' || Line[First] == '#' ||
        Line.back() == ':')
      continue;
    size_t End = Line.find_first_of(" \t", First);
    Out.push_back(Line.substr(First, End == std::string::npos ? End : End - First));
  }
  return Out;
}

/// How many of `Insts` match `Pattern` entirely.
inline size_t count(const std::vector<std::string> &Insts, const std::string &Pattern) {
  std::regex Re(Pattern);
  size_t N = 0;
  for (const std::string &I : Insts)
    N += std::regex_match(I, Re);
  return N;
}

/// `Lines` one per line, for regex searches and failure messages.
inline std::string joinLines(const std::vector<std::string> &Lines) {
  std::string S;
  for (const std::string &L : Lines)
    S += L + "\n";
  return S;
}

/// `Insts` on one line, for failure messages.
inline std::string listing(const std::vector<std::string> &Insts) {
  std::string S;
  for (const std::string &I : Insts)
    S += I + " ";
  return S;
}

/// Module `Name` compiled for this machine in `Mode` and instantiated with
/// no imports; null (after a test failure) if any step fails.
inline std::unique_ptr<Instance> instantiateTestModule(const std::string &Name,
                                                       MemoryMode Mode) {
  codegen::CompileOptions Opts;
  Opts.Mode = Mode;
  Expected<format::Artifact> A = codegen::compileWasm(readTestModule(Name), Opts);
  EXPECT_TRUE(bool(A)) << (A ? "" : A.takeError().message());
  if (!A)
    return nullptr;
  Expected<std::shared_ptr<Module>> M = Module::load(format::writeArtifact(*A));
  EXPECT_TRUE(bool(M)) << (M ? "" : M.takeError().str());
  if (!M)
    return nullptr;
  Linker L;
  Expected<std::unique_ptr<Instance>> I = L.instantiate(**M);
  EXPECT_TRUE(bool(I)) << (I ? "" : I.takeError().str());
  return I ? std::move(*I) : nullptr;
}

/// The memory `I` exports as "memory"; null (after a test failure) if it
/// exports none.
inline std::shared_ptr<Memory> exportedMemory(Instance &I) {
  std::optional<Extern> Mem = I.exportOf("memory");
  EXPECT_TRUE(Mem && Mem->M) << "the module exports no memory";
  return Mem ? Mem->M : nullptr;
}

/// The memory `I` exports as "memory", its first `Size` bytes filled with
/// a recognisable pattern (byte k holds k * 7 + 3); null (after a test
/// failure) if it exports none.
inline uint8_t *patternedMemory(Instance &I, uint32_t Size) {
  std::shared_ptr<Memory> Mem = exportedMemory(I);
  if (!Mem)
    return nullptr;
  uint8_t *Bytes = memoryData(*Mem);
  for (uint32_t K = 0; K < Size; ++K)
    Bytes[K] = uint8_t(K * 7 + 3);
  return Bytes;
}

/// Test-name suffix for a memory mode parameter.
inline std::string modeName(const testing::TestParamInfo<MemoryMode> &P) {
  return P.param == MemoryMode::Guard ? "guard" : "bounds";
}

/// Test-name suffix for a CPU name parameter ("x86-64-v2" -> "x86_64_v2").
inline std::string cpuName(const testing::TestParamInfo<const char *> &P) {
  std::string N = P.param;
  for (char &C : N)
    if (C == '-')
      C = '_';
  return N;
}

} // namespace kiln::testutil

#endif // KILN_TESTS_UNIT_CODEGEN_TEST_UTIL_H
