//===- tests/stress/artifact_mutations.cc - Edits the checksum cannot see -===//
//
// kiln-artifact-mutations KILN ARTIFACT COUNT SEED OUT_DIR [--trust KEY]
//                         -- RUN_ARGS...
//
// What a deliberate editor can do to an artifact's metadata. Each of COUNT
// mutants changes one byte of the preamble, the section table (not its
// digests), any section but the code image, or the image's header fields,
// and then recomputes every digest, as anyone tampering on purpose would.
// Each mutant is run in its own process, `KILN run MUTANT RUN_ARGS...`,
// with a time limit (a minute: generous, so that a loaded machine or a
// sanitizer build is not taken for a hang), and classified: refused by the loader, the same result
// as the original, a trap, a different result, a crash (killed by a
// signal) or a hang. The loader must check every field it can against
// another (verify.cc), so crashes and hangs must be none; what still runs
// is listed with the byte it changed, to be explained (README: Trust).
//
// With --trust KEY, ARTIFACT is signed (kiln sign) and each mutant keeps
// the original's signature block; they run under `kiln run --trust KEY`,
// and every one must be refused: a signature stops what a checksum cannot.
//
// Prints each non-refused mutant, then the tally, and last
// 'N passed, N failed, 0 skipped' (failed = crashes + hangs, and with
// --trust anything not refused).
//
//===----------------------------------------------------------------------===//

#include "kiln/format.h"
#include "kiln/format_tables.h"
#include "kiln/sha256.h"
#include "kiln/signature.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace kiln;

namespace {

using Bytes = std::vector<uint8_t>;


uint64_t read64(const Bytes &B, size_t At) {
  uint64_t V = 0;
  for (int I = 7; I >= 0; --I)
    V = V << 8 | B[At + I];
  return V;
}

/// The byte ranges a mutation may hit: metadata, not machine code.
std::vector<std::pair<size_t, size_t>> metadataRanges(const Bytes &B) {
  using namespace format;
  std::vector<std::pair<size_t, size_t>> R;
  R.push_back({8, PreambleBytes}); // version, arch, mode, pointer size, count
  for (uint32_t I = 0; I < NumSections; ++I) {
    size_t E = PreambleBytes + size_t(I) * SectionEntryBytes;
    R.push_back({E, E + 24}); // id, reserved, offset, size (not the digest)
    uint64_t Off = read64(B, E + 8), Size = read64(B, E + 16);
    bool IsCode = SectionOrder[I] == SectionId::Code;
    // The code section: only its header fields (page alignment, text size,
    // read-only offset), not the image.
    R.push_back({size_t(Off), size_t(Off + (IsCode ? 12 : Size))});
  }
  return R;
}

std::string hex(uint64_t V) {
  char H[24];
  std::snprintf(H, sizeof H, "0x%llx", static_cast<unsigned long long>(V));
  return H;
}

/// Where byte `At` is: "preamble", "section table" or the section's name.
std::string regionOf(const Bytes &B, size_t At) {
  using namespace format;
  static const char *Names[] = {
#define KILN_SECTION(Name, Id, Since) #Name,
#include "kiln/sections.def"
  };
  if (At < PreambleBytes)
    return "preamble";
  if (At < PreambleBytes + NumSections * SectionEntryBytes)
    return "section table";
  for (uint32_t I = 0; I < NumSections; ++I) {
    size_t E = PreambleBytes + size_t(I) * SectionEntryBytes;
    uint64_t Off = read64(B, E + 8), Size = read64(B, E + 16);
    if (At >= Off && At - Off < Size)
      return std::string("section ") + Names[I] + " +" + hex(At - Off);
  }
  return "padding";
}

/// Recomputes what a deliberate editor would: each section's digest (where
/// its table entry still points inside the file) and the trailer.
void redigest(Bytes &B) {
  using namespace format;
  for (uint32_t I = 0; I < NumSections; ++I) {
    size_t E = PreambleBytes + size_t(I) * SectionEntryBytes;
    uint64_t Off = read64(B, E + 8), Size = read64(B, E + 16);
    if (Off > B.size() || Size > B.size() - Off)
      continue;
    Digest D = sha256(std::span<const uint8_t>(B.data() + Off, Size));
    std::memcpy(B.data() + E + 24, D.data(), DigestBytes);
  }
  size_t TrailerAt = B.size() - DigestBytes;
  Digest D = sha256(std::span<const uint8_t>(B.data(), TrailerAt));
  std::memcpy(B.data() + TrailerAt, D.data(), DigestBytes);
}

struct Outcome {
  enum Kind { Refused, Same, Trap, Different, Crash, Hang, Error } K;
  std::string Out;
};

const char *kindName(Outcome::Kind K) {
  static const char *Names[] = {"refused", "same result", "trap",
                                "different result", "crash", "hang",
                                "other error"};
  return Names[K];
}

/// Runs `KILN run [--trust KEY] FILE ARGS...`, its stdout and stderr in
/// one string.
Outcome run(const std::string &Kiln, const std::string &Trust,
            const std::string &File, const std::vector<std::string> &Args,
            const std::string &Expect) {
  std::string OutPath = File + ".out";
  pid_t Pid = fork();
  if (Pid == 0) {
    int Fd = open(OutPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(Fd, 1);
    dup2(Fd, 2);
    std::vector<char *> Argv = {const_cast<char *>(Kiln.c_str()),
                                const_cast<char *>("run")};
    if (!Trust.empty()) {
      Argv.push_back(const_cast<char *>("--trust"));
      Argv.push_back(const_cast<char *>(Trust.c_str()));
    }
    Argv.push_back(const_cast<char *>(File.c_str()));
    for (const std::string &A : Args)
      Argv.push_back(const_cast<char *>(A.c_str()));
    Argv.push_back(nullptr);
    execv(Kiln.c_str(), Argv.data());
    _exit(127);
  }
  int Status = 0;
  auto Start = std::chrono::steady_clock::now();
  bool Hung = false;
  while (waitpid(Pid, &Status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() - Start > std::chrono::seconds(60)) {
      kill(Pid, SIGKILL);
      waitpid(Pid, &Status, 0);
      Hung = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::ifstream In(OutPath);
  std::string Out((std::istreambuf_iterator<char>(In)), {});
  if (Hung)
    return {Outcome::Hang, Out};
  if (WIFSIGNALED(Status))
    return {Outcome::Crash, "signal " + std::to_string(WTERMSIG(Status)) + ": " + Out};
  int Code = WEXITSTATUS(Status);
  if (Code == 0)
    return {Out == Expect ? Outcome::Same : Outcome::Different, Out};
  if (Out.find("wasm trap") != std::string::npos)
    return {Outcome::Trap, Out};
  // Exit status 1 without a trap: the loader or the linker said no.
  return {Code == 1 ? Outcome::Refused : Outcome::Error, Out};
}

} // namespace

int main(int argc, char **argv) {
  std::string Trust;
  int Dashes = 6;
  if (argc > 8 && std::string(argv[6]) == "--trust") {
    Trust = argv[7];
    Dashes = 8;
  }
  if (argc <= Dashes || std::string(argv[Dashes]) != "--") {
    std::cerr << "usage: kiln-artifact-mutations KILN ARTIFACT COUNT SEED "
                 "OUT_DIR [--trust KEY] -- RUN_ARGS...\n";
    return 2;
  }
  std::string Kiln = argv[1], Path = argv[2], Dir = argv[5];
  unsigned Count = unsigned(std::stoul(argv[3]));
  std::mt19937_64 Rng(std::stoull(argv[4]));
  std::vector<std::string> Args(argv + Dashes + 1, argv + argc);

  std::ifstream In(Path, std::ios::binary);
  Bytes File((std::istreambuf_iterator<char>(In)), {});
  // A signed file: the artifact is mutated, the block kept as signed.
  format::SignedFile Split = format::splitSignature(File);
  Bytes Original(Split.Artifact.begin(), Split.Artifact.end());
  Bytes Block(File.begin() + Original.size(), File.end());
  if (!Trust.empty() && Block.empty()) {
    std::cerr << "kiln-artifact-mutations: --trust needs a signed artifact\n";
    return 2;
  }
  if (Original.size() < format::PreambleBytes + 2 * format::DigestBytes) {
    std::cerr << "kiln-artifact-mutations: " << Path << " is not an artifact\n";
    return 2;
  }
  Outcome Base = run(Kiln, Trust, Path, Args, "");
  if (Base.K != Outcome::Different) { // exit 0, any output
    std::cerr << "kiln-artifact-mutations: the original does not run ("
              << kindName(Base.K) << "): " << Base.Out << "\n";
    return 2;
  }
  std::string Expect = Base.Out;

  std::vector<std::pair<size_t, size_t>> Ranges = metadataRanges(Original);
  size_t Total = 0;
  for (auto [B, E] : Ranges)
    Total += E - B;
  std::map<Outcome::Kind, unsigned> Tally;
  std::string Mutant = Dir + "/mutant.kiln";
  for (unsigned N = 0; N < Count; ++N) {
    size_t Pick = Rng() % Total, At = 0;
    for (auto [B, E] : Ranges) {
      if (Pick < E - B) {
        At = B + Pick;
        break;
      }
      Pick -= E - B;
    }
    Bytes M = Original;
    uint8_t Old = M[At];
    M[At] = uint8_t(Old ^ (1 + Rng() % 255));
    redigest(M);
    M.insert(M.end(), Block.begin(), Block.end());
    std::ofstream(Mutant, std::ios::binary)
        .write(reinterpret_cast<const char *>(M.data()), std::streamsize(M.size()));
    Outcome O = run(Kiln, Trust, Mutant, Args, Expect);
    ++Tally[O.K];
    if (O.K != Outcome::Refused) {
      std::string First = O.Out.substr(0, O.Out.find('\n'));
      std::printf("byte 0x%zx (%s): 0x%02x -> 0x%02x: %s: %s\n", At,
                  regionOf(Original, At).c_str(), Old, M[At], kindName(O.K),
                  First.c_str());
      if (O.K == Outcome::Crash || O.K == Outcome::Hang)
        std::ofstream(Dir + "/" + kindName(O.K) + "-" + std::to_string(N) + ".kiln",
                      std::ios::binary)
            .write(reinterpret_cast<const char *>(M.data()),
                   std::streamsize(M.size()));
    }
  }
  std::printf("%u mutants of %zu metadata bytes:", Count, Total);
  for (auto [K, V] : Tally)
    std::printf(" %u %s;", V, kindName(K));
  std::printf("\n");
  unsigned Bad = Trust.empty() ? Tally[Outcome::Crash] + Tally[Outcome::Hang]
                               : Count - Tally[Outcome::Refused];
  std::printf("%u passed, %u failed, 0 skipped\n", Count - Bad, Bad);
  return Bad ? 1 : 0;
}
