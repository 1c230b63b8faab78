//===- tests/fuzz/fuzz_wasi.cc - Fuzz target: WASI call sequences ---------===//
//
// Checks the WASI sandbox (runtime/wasi/) against random call sequences: no
// crash or sanitizer report, no fd leak, and nothing outside the pre-opened
// directory is created or modified, nor is a symlink leading out of it left
// behind (kiln/wasi.h's promises).
//
// A scratch tree (under $TMPDIR) holds `sandbox/`, the guest's only preopen
// (fd 3), and `outside/secret`, with `sandbox/out -> ../outside` planted as
// bait. Each input gets a fresh context and a reset sandbox, then runs as a
// list of steps: one byte picks a handler from calls.def (or a pseudo-call
// that writes input bytes into guest memory, so the fuzzer can build
// iovecs, paths and structures), and its arguments come from the next bytes
// (small values, offsets into the 64 KiB guest memory, or raw 32-bit values
// that may point outside it). The handlers are called directly, as
// define_wasi.cc does, without compiling a guest.
//
// Left out: poll_oneoff, which sleeps for as long as the guest asks; and
// stdio, which is closed so the guest cannot write to the fuzzer's output.
//
//===----------------------------------------------------------------------===//

#include "wasi/calls.h"
#include "wasi/context.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <vector>

using namespace kiln;
using namespace kiln::wasi;

namespace {

struct Call {
  const char *Params;
  WasiHandler Handler;
};

const Call Calls[] = {
#define KILN_WASI_CALL(Name, Params, Handler) {Params, Handler},
#include "wasi/calls.def"
};
constexpr size_t NumCalls = sizeof(Calls) / sizeof(Calls[0]);
// The step byte past the handlers: copy input bytes into guest memory.
constexpr size_t WriteMemoryStep = NumCalls;
constexpr size_t MaxSteps = 32;
constexpr uint32_t MemBytes = 64 * 1024;

std::string Root, Sandbox, Outside;

/// What must not change outside the sandbox.
struct Snapshot {
  std::set<std::string> RootEntries, OutsideEntries;
  struct stat RootSt, OutsideSt, SecretSt;
};

[[noreturn]] void fail(const char *What) {
  std::fprintf(stderr, "fuzz_wasi: sandbox escape: %s\n", What);
  std::abort();
}

std::set<std::string> entries(const std::string &Dir) {
  std::set<std::string> Out;
  if (DIR *D = opendir(Dir.c_str())) {
    while (dirent *E = readdir(D))
      Out.insert(E->d_name);
    closedir(D);
  }
  return Out;
}

bool sameStat(const struct stat &A, const struct stat &B) {
  return A.st_ino == B.st_ino && A.st_mode == B.st_mode &&
         A.st_nlink == B.st_nlink && A.st_size == B.st_size &&
         A.st_mtim.tv_sec == B.st_mtim.tv_sec &&
         A.st_mtim.tv_nsec == B.st_mtim.tv_nsec &&
         A.st_ctim.tv_sec == B.st_ctim.tv_sec &&
         A.st_ctim.tv_nsec == B.st_ctim.tv_nsec;
}

Snapshot snapshot() {
  Snapshot S;
  S.RootEntries = entries(Root);
  S.OutsideEntries = entries(Outside);
  if (lstat(Root.c_str(), &S.RootSt) || lstat(Outside.c_str(), &S.OutsideSt) ||
      lstat((Outside + "/secret").c_str(), &S.SecretSt))
    fail("the scratch tree outside the sandbox is gone");
  return S;
}

int removeEntry(const char *Path, const struct stat *, int, struct FTW *) {
  return remove(Path);
}

void writeFile(const std::string &Path, const char *Text) {
  int Fd = open(Path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (Fd < 0 || write(Fd, Text, std::strlen(Text)) < 0)
    std::abort();
  close(Fd);
}

/// Empties the sandbox and plants the same few entries for every input.
void resetSandbox() {
  nftw(Sandbox.c_str(), removeEntry, 16, FTW_DEPTH | FTW_PHYS);
  if (mkdir(Sandbox.c_str(), 0755) || mkdir((Sandbox + "/d").c_str(), 0755) ||
      symlink("../outside", (Sandbox + "/out").c_str()) ||
      symlink("f", (Sandbox + "/ln").c_str()))
    std::abort();
  writeFile(Sandbox + "/f", "hello");
  writeFile(Sandbox + "/d/g", "world");
}

/// Fails on a symlink the guest left that leads out of the sandbox:
/// absolute, or with more ".." than it is deep (checked on the text, so a
/// link that passes through another link is judged by its own words).
void checkLinks(const std::string &Dir, unsigned Depth) {
  if (DIR *D = opendir(Dir.c_str())) {
    while (dirent *E = readdir(D)) {
      std::string Name = E->d_name, Path = Dir + "/" + Name;
      if (Name == "." || Name == "..")
        continue;
      struct stat St;
      if (lstat(Path.c_str(), &St))
        continue;
      if (S_ISDIR(St.st_mode)) {
        checkLinks(Path, Depth + 1);
        continue;
      }
      if (!S_ISLNK(St.st_mode))
        continue;
      char Target[4096];
      ssize_t N = readlink(Path.c_str(), Target, sizeof(Target) - 1);
      if (N <= 0)
        continue;
      Target[N] = 0;
      // The bait, or a copy of it the guest made next to it by renaming
      // or linking: not the guest's doing.
      if (Depth == 0 && std::strcmp(Target, "../outside") == 0)
        continue;
      if (Target[0] == '/')
        fail("an absolute symlink was left in the sandbox");
      long Level = Depth; // directories below the sandbox root
      for (char *Part = std::strtok(Target, "/"); Part;
           Part = std::strtok(nullptr, "/")) {
        if (std::strcmp(Part, "..") == 0 && --Level < 0)
          fail("a symlink leading out of the sandbox was left in it");
        else if (std::strcmp(Part, ".") && std::strcmp(Part, ".."))
          ++Level;
      }
    }
    closedir(D);
  }
}

int countOpenFds() {
  int N = 0;
  if (DIR *D = opendir("/proc/self/fd")) {
    while (readdir(D))
      ++N;
    closedir(D);
  }
  return N;
}

/// Reads the input as a byte stream; past its end, zeros.
struct Input {
  const uint8_t *P, *End;
  uint8_t byte() { return P < End ? *P++ : 0; }
  uint32_t raw32() {
    uint32_t V = 0;
    for (unsigned I = 0; I < 4; ++I)
      V |= uint32_t(byte()) << (8 * I);
    return V;
  }
  /// Small values (fds, flags, lengths) are the most likely, then offsets
  /// into guest memory, then anything (out of bounds included).
  uint32_t arg32() {
    uint8_t B = byte();
    if (B < 0x40)
      return B;
    if (B < 0xc0)
      return uint32_t(B - 0x40) * 512; // 128 slots across guest memory
    if (B < 0xf0)
      return raw32();
    static const uint32_t Edge[] = {MemBytes, MemBytes - 1, MemBytes - 4,
                                    0x7fffffff, 0x80000000, 0xffffffff};
    return Edge[B % 6];
  }
  uint64_t arg64() {
    // Rights masks, times and offsets: raw most of the time. Lengths stay
    // below 1 MiB (fd_allocate reserves real disk space).
    uint8_t B = byte();
    uint64_t V = uint64_t(raw32()) | uint64_t(raw32()) << 32;
    return B & 1 ? V : V & 0xfffff;
  }
};

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  const char *Tmp = std::getenv("TMPDIR");
  std::string Template = std::string(Tmp ? Tmp : "/tmp") + "/kiln-wasi.XXXXXX";
  if (!mkdtemp(Template.data()))
    std::abort();
  Root = Template;
  Sandbox = Root + "/sandbox";
  Outside = Root + "/outside";
  if (mkdir(Outside.c_str(), 0755) || mkdir(Sandbox.c_str(), 0755))
    std::abort();
  writeFile(Outside + "/secret", "do not touch");
  std::atexit([] { nftw(Root.c_str(), removeEntry, 16, FTW_DEPTH | FTW_PHYS); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  resetSandbox();
  Snapshot Before = snapshot();
  int FdsBefore = countOpenFds();
  {
    WasiConfig Config;
    Config.Args = {"guest", "arg"};
    Config.Env = {"K=V"};
    Config.Preopens = {{Sandbox, "/sandbox"}};
    Config.StdinFd = Config.StdoutFd = Config.StderrFd = -1;
    // Both path resolvers (openat2 and the portable walk), by the first byte.
    Config.ForcePortableResolve = Size && (Data[0] & 1);
    Expected<std::shared_ptr<WasiContext>> Ctx = createWasiContext(Config);
    if (!Ctx)
      std::abort();
    std::vector<uint8_t> Mem(MemBytes);
    Input In{Data + (Size ? 1 : 0), Data + Size};
    for (size_t Step = 0; Step < MaxSteps && In.P < In.End; ++Step) {
      size_t Op = In.byte() % (NumCalls + 1);
      if (Op == WriteMemoryStep) {
        uint32_t At = In.arg32() % MemBytes;
        for (uint8_t N = In.byte(); N && At < MemBytes; --N)
          Mem[At++] = In.byte();
        continue;
      }
      if (Calls[Op].Handler == pollOneoff)
        continue;
      std::vector<Value> Args;
      for (const char *T = Calls[Op].Params; *T; ++T)
        Args.push_back(*T == 'I' ? Value::i64(In.arg64())
                                 : Value::i32(In.arg32()));
      WasiCall C{**Ctx, GuestMemory(Mem.data(), Mem.size()), Args,
                 /*Unstable=*/bool(Step & 1)};
      (void)Calls[Op].Handler(C);
    }
  } // the context closes every fd it opened here
  Snapshot After = snapshot();
  if (Before.RootEntries != After.RootEntries)
    fail("an entry was created or removed next to the sandbox");
  if (Before.OutsideEntries != After.OutsideEntries)
    fail("an entry was created or removed in outside/");
  if (!sameStat(Before.RootSt, After.RootSt) ||
      !sameStat(Before.OutsideSt, After.OutsideSt) ||
      !sameStat(Before.SecretSt, After.SecretSt))
    fail("outside/ or outside/secret was modified");
  checkLinks(Sandbox, 0);
  if (countOpenFds() != FdsBefore)
    fail("a host fd outlived its WASI context");
  return 0;
}
