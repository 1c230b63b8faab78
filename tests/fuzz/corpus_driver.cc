//===- tests/fuzz/corpus_driver.cc - Prefixes and mutants of a corpus -----===//
//
// Runs the fuzz target over a corpus without libFuzzer, deterministically:
// every proper prefix of every module (truncation at each byte), then N
// random mutants (byte flips, interesting values, insertions, deletions,
// LEB128 continuation bits, section-size edits). Built with ASan+UBSan this
// is the "no input crashes the decoder" check of the test suite.
//
//   kiln-fuzz-corpus [--mutants N] [--seed S] FILE.wasm|DIR...
//
//===----------------------------------------------------------------------===//

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <random>
#include <string>
#include <sys/stat.h>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size);

static bool readFile(const std::string &Path, std::vector<uint8_t> &Out) {
  std::FILE *F = std::fopen(Path.c_str(), "rb");
  if (!F)
    return false;
  uint8_t Buf[65536];
  size_t N;
  while ((N = std::fread(Buf, 1, sizeof(Buf), F)) > 0)
    Out.insert(Out.end(), Buf, Buf + N);
  std::fclose(F);
  return true;
}

static void collect(const std::string &Path,
                    std::vector<std::vector<uint8_t>> &Corpus) {
  struct stat St;
  if (stat(Path.c_str(), &St) != 0) {
    std::fprintf(stderr, "fuzz-corpus: cannot stat %s\n", Path.c_str());
    std::exit(2);
  }
  if (!S_ISDIR(St.st_mode)) {
    std::vector<uint8_t> Bytes;
    if (readFile(Path, Bytes))
      Corpus.push_back(std::move(Bytes));
    return;
  }
  DIR *D = opendir(Path.c_str());
  std::vector<std::string> Names;
  while (dirent *E = readdir(D)) {
    std::string N = E->d_name;
    if (N.size() > 5 && N.compare(N.size() - 5, 5, ".wasm") == 0)
      Names.push_back(N);
  }
  closedir(D);
  std::sort(Names.begin(), Names.end()); // deterministic order
  for (const std::string &N : Names)
    collect(Path + "/" + N, Corpus);
}

static std::vector<uint8_t> mutate(std::vector<uint8_t> B, std::mt19937 &Rng) {
  static const uint8_t Interesting[] = {0x00, 0x01, 0x0b, 0x40, 0x60, 0x7f,
                                        0x80, 0xfc, 0xfd, 0xff};
  unsigned Edits = 1 + Rng() % 4;
  for (unsigned K = 0; K < Edits; ++K) {
    if (B.empty())
      B.push_back(0);
    size_t At = Rng() % B.size();
    switch (Rng() % 6) {
    case 0: // flip one bit
      B[At] ^= uint8_t(1u << (Rng() % 8));
      break;
    case 1: // interesting byte
      B[At] = Interesting[Rng() % sizeof(Interesting)];
      break;
    case 2: // insert a random byte
      B.insert(B.begin() + At, uint8_t(Rng()));
      break;
    case 3: // delete a byte
      B.erase(B.begin() + At);
      break;
    case 4: // set a LEB continuation bit (stretches an integer)
      B[At] |= 0x80;
      break;
    case 5: // random byte
      B[At] = uint8_t(Rng());
      break;
    }
  }
  return B;
}

int main(int Argc, char **Argv) {
  unsigned Mutants = 10000;
  unsigned Seed = 1;
  std::vector<std::vector<uint8_t>> Corpus;
  for (int I = 1; I < Argc; ++I) {
    std::string A = Argv[I];
    if (A == "--mutants" && I + 1 < Argc)
      Mutants = unsigned(std::strtoul(Argv[++I], nullptr, 10));
    else if (A == "--seed" && I + 1 < Argc)
      Seed = unsigned(std::strtoul(Argv[++I], nullptr, 10));
    else
      collect(A, Corpus);
  }
  if (Corpus.empty()) {
    std::fprintf(stderr, "fuzz-corpus: no .wasm inputs given\n");
    return 2;
  }
  uint64_t Prefixes = 0;
  for (const std::vector<uint8_t> &M : Corpus)
    for (size_t Len = 0; Len < M.size(); ++Len, ++Prefixes) {
      // A fresh allocation of exactly Len bytes, so ASan catches any read
      // past the end of a truncated module.
      std::vector<uint8_t> P(M.begin(), M.begin() + Len);
      LLVMFuzzerTestOneInput(P.data(), P.size());
    }
  std::mt19937 Rng(Seed);
  for (unsigned K = 0; K < Mutants; ++K) {
    std::vector<uint8_t> Mut = mutate(Corpus[Rng() % Corpus.size()], Rng);
    LLVMFuzzerTestOneInput(Mut.data(), Mut.size());
  }
  std::printf("fuzz-corpus: %zu modules, %llu prefixes, %u mutants (seed %u): "
              "no crash\n",
              Corpus.size(), (unsigned long long)Prefixes, Mutants, Seed);
  return 0;
}
