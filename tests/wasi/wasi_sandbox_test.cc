//===- tests/wasi/wasi_sandbox_test.cc - WASI sandbox under attack --------===//
//
// The path resolver directly (both implementations), and a real guest that
// opens a symlink in a loop while a host thread flips it between a file
// inside the sandbox and one outside. The outside file must never be read
// or changed. Then the WASI calls called directly: rights, read-only
// preopens, symlinks the guest may not leave behind, errno cases.
//
//===----------------------------------------------------------------------===//

#include "kiln/runtime.h"
#include "kiln/wasi.h"
#include "wasi/calls.h"
#include "wasi/sandbox_path.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace kiln;
using kiln::wasi::Errno;
using kiln::wasi::HostFd;
using kiln::wasi::ResolveMode;

namespace {

std::string readAll(const std::string &Path) {
  std::ifstream F(Path, std::ios::binary);
  std::stringstream S;
  S << F.rdbuf();
  return S.str();
}

void writeAll(const std::string &Path, const std::string &Text) {
  std::ofstream F(Path, std::ios::binary);
  F << Text;
}

/// inside/ (the sandbox) next to outside/secret.txt, removed afterwards.
class Sandbox {
public:
  Sandbox() {
    char Tmpl[] = "/tmp/kiln-wasi-sandbox.XXXXXX";
    Root = mkdtemp(Tmpl);
    Inside = Root + "/inside";
    Outside = Root + "/outside";
    mkdir(Inside.c_str(), 0755);
    mkdir(Outside.c_str(), 0755);
    mkdir((Inside + "/in_dir").c_str(), 0755);
    writeAll(Outside + "/secret.txt", "SECRET outside\n");
    writeAll(Inside + "/in.txt", "inside file\n");
    writeAll(Inside + "/in_dir/secret.txt", "inside dir\n");
    DirFd = open(Inside.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  }
  ~Sandbox() {
    close(DirFd);
    std::string Cmd = "rm -rf '" + Root + "'";
    if (std::system(Cmd.c_str()) != 0)
      std::fprintf(stderr, "could not remove %s\n", Root.c_str());
  }
  void link(const std::string &Target, const std::string &Name) {
    ASSERT_EQ(symlink(Target.c_str(), (Inside + "/" + Name).c_str()), 0);
  }
  std::string Root, Inside, Outside;
  int DirFd = -1;
};

/// Flips Inside/Name between two targets with rename(2) (atomic), until
/// stopped.
class Flipper {
public:
  Flipper(const std::string &Dir, std::string Name, std::string A,
          std::string B)
      : T([=, this] {
          std::string Tmp = Dir + "/." + Name + ".tmp", Dst = Dir + "/" + Name;
          for (unsigned I = 0; !Stop.load(); ++I) {
            unlink(Tmp.c_str());
            if (symlink((I & 1 ? B : A).c_str(), Tmp.c_str()) == 0)
              rename(Tmp.c_str(), Dst.c_str());
            Flips.fetch_add(1);
          }
        }) {}
  ~Flipper() {
    Stop = true;
    T.join();
  }
  std::atomic<bool> Stop{false};
  std::atomic<unsigned> Flips{0};

private:
  std::thread T;
};

class Resolve : public ::testing::TestWithParam<ResolveMode> {};

Errno openIn(ResolveMode M, const Sandbox &S, const char *Path, int Flags,
             bool Follow, HostFd &Out) {
  return wasi::openBeneath(S.DirFd, Path, Flags, 0644, Follow, M, Out);
}

} // namespace

TEST_P(Resolve, RefusesDotDotAbsoluteAndOutsideSymlinks) {
  Sandbox S;
  S.link("../outside/secret.txt", "rel_out");
  S.link(S.Outside + "/secret.txt", "abs_out");
  S.link("../outside", "dir_out");
  S.link("in_dir/../../outside/secret.txt", "sneaky");
  HostFd F;
  for (const char *P :
       {"../outside/secret.txt", "in_dir/../../outside/secret.txt", "..",
        "rel_out", "abs_out", "dir_out/secret.txt", "sneaky", "dir_out/"}) {
    SCOPED_TRACE(P);
    EXPECT_EQ(openIn(GetParam(), S, P, O_RDONLY, true, F), Errno::NotCapable);
    EXPECT_EQ(openIn(GetParam(), S, P, O_WRONLY | O_TRUNC, true, F), Errno::NotCapable);
  }
  EXPECT_EQ(openIn(GetParam(), S, "/etc/passwd", O_RDONLY, true, F), Errno::NotCapable);
  // Creating through a symlink that leads out creates nothing outside.
  S.link("../outside/planted.txt", "dangling_out");
  EXPECT_EQ(openIn(GetParam(), S, "dangling_out", O_WRONLY | O_CREAT, true, F),
            Errno::NotCapable);
  EXPECT_NE(access((S.Outside + "/planted.txt").c_str(), F_OK), 0);
  EXPECT_EQ(readAll(S.Outside + "/secret.txt"), "SECRET outside\n");
}

TEST_P(Resolve, FollowsLinksThatStayInside) {
  Sandbox S;
  S.link("in_dir/../in.txt", "in_link");
  S.link("in_dir", "dir_link");
  S.link("loop_b", "loop_a");
  S.link("loop_a", "loop_b");
  HostFd F;
  EXPECT_EQ(openIn(GetParam(), S, "in_link", O_RDONLY, true, F), Errno::Success);
  EXPECT_EQ(openIn(GetParam(), S, "dir_link/secret.txt", O_RDONLY, true, F),
            Errno::Success);
  EXPECT_EQ(openIn(GetParam(), S, "in_dir/../in.txt", O_RDONLY, true, F), Errno::Success);
  EXPECT_EQ(openIn(GetParam(), S, "./in_dir/./secret.txt", O_RDONLY, true, F),
            Errno::Success);
  EXPECT_EQ(openIn(GetParam(), S, "in_link", O_RDONLY, false, F), Errno::Loop);
  EXPECT_EQ(openIn(GetParam(), S, "loop_a", O_RDONLY, true, F), Errno::Loop);
  EXPECT_EQ(openIn(GetParam(), S, "in.txt/x", O_RDONLY, true, F), Errno::NotDir);
  EXPECT_EQ(openIn(GetParam(), S, "missing", O_RDONLY, true, F), Errno::NoEnt);
  EXPECT_EQ(openIn(GetParam(), S, "", O_RDONLY, true, F), Errno::NoEnt);
}

TEST_P(Resolve, SymlinkSwappedDuringResolutionNeverEscapes) {
  Sandbox S;
  struct stat Secret;
  ASSERT_EQ(stat((S.Outside + "/secret.txt").c_str(), &Secret), 0);
  Flipper FlipFile(S.Inside, "flip", "in.txt", "../outside/secret.txt");
  Flipper FlipDir(S.Inside, "dflip", "in_dir", "../outside");
  unsigned Opened = 0, Refused = 0;
  // Until both outcomes were seen often (the threads really raced), within
  // a bound on a machine too busy to schedule the flipper.
  auto Deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (int I = 0; Opened < 500 || Refused < 500; ++I) {
    if ((I & 1023) == 0 && std::chrono::steady_clock::now() > Deadline)
      break;
    HostFd F;
    Errno E = openIn(GetParam(), S, I & 1 ? "dflip/secret.txt" : "flip",
                     I & 2 ? O_WRONLY : O_RDONLY, true, F);
    if (E != Errno::Success) {
      ++Refused;
      continue;
    }
    struct stat St;
    ASSERT_EQ(fstat(F.get(), &St), 0);
    ASSERT_FALSE(St.st_ino == Secret.st_ino && St.st_dev == Secret.st_dev)
        << "opened the outside file at iteration " << I;
    ++Opened;
  }
  std::printf("opened inside %u, refused %u\n", Opened, Refused);
  EXPECT_GT(Opened, 0u);
  EXPECT_GT(Refused, 0u);
  EXPECT_EQ(readAll(S.Outside + "/secret.txt"), "SECRET outside\n");
}

INSTANTIATE_TEST_SUITE_P(Both, Resolve,
                         ::testing::Values(ResolveMode::Auto,
                                           ResolveMode::Walk),
                         [](const auto &Info) {
                           return Info.param == ResolveMode::Auto
                                      ? std::string("Openat2")
                                      : std::string("PortableWalk");
                         });

namespace {
std::shared_ptr<Module> loadGuest(const char *Name) {
  std::string Path = std::string(KILN_WASI_GUEST_DIR) + "/" + Name + ".kiln";
  std::string Bytes = readAll(Path);
  Expected<std::shared_ptr<Module>> M = Module::load(std::span<const uint8_t>(
      reinterpret_cast<const uint8_t *>(Bytes.data()), Bytes.size()));
  if (!M) {
    ADD_FAILURE() << Path << ": " << M.takeError().str();
    return nullptr;
  }
  return *M;
}

/// Runs a guest's _start; returns its exit status (or -1 on a trap/error).
int runGuest(const Module &M, WasiConfig C) {
  Expected<std::shared_ptr<WasiContext>> W = createWasiContext(std::move(C));
  if (!W) {
    ADD_FAILURE() << W.takeError().str();
    return -1;
  }
  Linker L;
  if (Error E = defineWasi(L, *W)) {
    ADD_FAILURE() << E.str();
    return -1;
  }
  Expected<std::unique_ptr<Instance>> I = L.instantiate(M);
  if (!I) {
    ADD_FAILURE() << I.takeError().str();
    return -1;
  }
  Expected<std::vector<Value>> R = (*I)->call("_start", {});
  if (R)
    return 0;
  Error E = R.takeError();
  if (E.kind() == ErrorKind::Exit)
    return int(E.exitCode());
  ADD_FAILURE() << E.str();
  return -1;
}
} // namespace

class GuestRace : public ::testing::TestWithParam<bool> {};

TEST_P(GuestRace, GuestOpeningAFlippingSymlinkNeverEscapes) {
  std::shared_ptr<Module> M = loadGuest("race");
  ASSERT_TRUE(M);
  Sandbox S;
  std::string OutPath = S.Root + "/stdout.txt";
  int Out = open(OutPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(Out, 0);
  int Status;
  {
    Flipper FlipFile(S.Inside, "flip", "in.txt", "../outside/secret.txt");
    Flipper FlipDir(S.Inside, "dflip", "in_dir", "../outside");
    WasiConfig C;
    C.Args = {"race"};
    C.Preopens = {{S.Inside, "/sb"}};
    C.StdoutFd = Out;
    C.ForcePortableResolve = GetParam();
    Status = runGuest(*M, std::move(C));
  }
  close(Out);
  std::string Report = readAll(OutPath);
  std::printf("guest: %s", Report.c_str());
  EXPECT_EQ(Status, 0) << Report;
  EXPECT_NE(Report.find("escaped 0"), std::string::npos) << Report;
  EXPECT_EQ(readAll(S.Outside + "/secret.txt"), "SECRET outside\n");
  struct stat St;
  ASSERT_EQ(stat((S.Outside + "/secret.txt").c_str(), &St), 0);
  EXPECT_EQ(St.st_size, 15);
}

INSTANTIATE_TEST_SUITE_P(Both, GuestRace, ::testing::Values(false, true),
                         [](const auto &Info) {
                           return Info.param ? std::string("PortableWalk")
                                             : std::string("Openat2");
                         });

TEST(WasiApi, ProcExitStatusReachesTheEmbedder) {
  std::shared_ptr<Module> M = loadGuest("exit_code");
  ASSERT_TRUE(M);
  WasiConfig C;
  C.Args = {"exit_code", "42"};
  EXPECT_EQ(runGuest(*M, C), 42);
  C.Args = {"exit_code", "0"};
  EXPECT_EQ(runGuest(*M, C), 0);
}

TEST(WasiApi, TrapCarriesABacktrace) {
  std::shared_ptr<Module> M = loadGuest("exit_code");
  ASSERT_TRUE(M);
  WasiConfig Cfg;
  Cfg.Args = {"exit_code", "deep"};
  Expected<std::shared_ptr<WasiContext>> W = createWasiContext(Cfg);
  ASSERT_TRUE(W);
  Linker L;
  ASSERT_FALSE(defineWasi(L, *W));
  Expected<std::unique_ptr<Instance>> I = L.instantiate(*M);
  ASSERT_TRUE(I);
  Expected<std::vector<Value>> R = (*I)->call("_start", {});
  ASSERT_FALSE(R);
  Error E = R.takeError();
  ASSERT_EQ(E.kind(), ErrorKind::Trap);
  // innermost, middle, outer, main (maybe inlined into __main_void), _start
  EXPECT_GE(E.backtrace().size(), 4u);
  if (!E.backtrace().empty()) {
    EXPECT_EQ(E.backtrace()[0], E.funcIndex());
  }
}

TEST(WasiApi, MissingPreopenIsAnErrorNamingIt) {
  WasiConfig C;
  C.Preopens = {{"/nonexistent/kiln-wasi", "/x"}};
  Expected<std::shared_ptr<WasiContext>> W = createWasiContext(C);
  ASSERT_FALSE(W);
  EXPECT_NE(W.takeError().str().find("/nonexistent/kiln-wasi"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// The WASI calls themselves, called directly as the guest's imports would
// be: one page of guest memory, a context with Sandbox::Inside pre-opened
// as fd 3, and each case's errno checked, along with what the host sees.
//===----------------------------------------------------------------------===//

namespace kiln::wasi {
/// gtest prints an errno as its number, not as two raw bytes.
static void PrintTo(Errno E, std::ostream *OS) {
  *OS << "errno " << unsigned(E);
}
} // namespace kiln::wasi

namespace {
namespace w = kiln::wasi;

Value I32(uint32_t V) { return Value::i32(V); }
Value I64(uint64_t V) { return Value::i64(V); }

constexpr uint32_t PreopenFd = 3;
/// Where results land in guest memory: a u32 or u64 at Res, a struct at Buf.
constexpr uint32_t Res = 0, Buf = 64;

class DirectWasi {
public:
  explicit DirectWasi(const Sandbox &S, bool ReadOnly = false) : Mem(65536, 0) {
    WasiConfig C;
    C.Preopens = {{S.Inside, "/sb", ReadOnly}};
    Expected<std::shared_ptr<WasiContext>> W = createWasiContext(std::move(C));
    if (!W) {
      ADD_FAILURE() << W.takeError().str();
      return;
    }
    Ctx = *W;
  }

  Errno call(w::WasiHandler H, std::vector<Value> Args) {
    w::WasiCall C{*Ctx, w::GuestMemory(Mem.data(), Mem.size()), Args, false};
    return H(C);
  }
  /// Copies S into guest memory; its address (the length is S.size()).
  uint32_t str(std::string_view S) {
    if (Top + S.size() > Mem.size())
      Top = 1024;
    uint32_t P = Top;
    std::memcpy(Mem.data() + P, S.data(), S.size());
    Top += uint32_t(S.size() + 8) & ~7u;
    return P;
  }
  uint32_t u32At(uint32_t P) const {
    uint32_t V;
    std::memcpy(&V, Mem.data() + P, 4);
    return V;
  }
  uint64_t u64At(uint32_t P) const {
    uint64_t V;
    std::memcpy(&V, Mem.data() + P, 8);
    return V;
  }

  /// path_open beneath `Dir`; the new fd in `Fd`.
  Errno open(uint32_t Dir, std::string_view Path, uint32_t Oflags,
             uint64_t Base, uint64_t Inheriting, uint32_t &Fd,
             uint32_t Fdflags = 0) {
    Errno E =
        call(w::pathOpen,
             {I32(Dir), I32(0), I32(str(Path)), I32(uint32_t(Path.size())),
              I32(Oflags), I64(Base), I64(Inheriting), I32(Fdflags), I32(Res)});
    Fd = E == Errno::Success ? u32At(Res) : ~0u;
    return E;
  }
  /// fd_write / fd_pwrite of `Data`, fd_read / fd_pread of up to 16 bytes.
  Errno write(uint32_t Fd, std::string_view Data) {
    return call(w::fdWrite, {I32(Fd), I32(iov(Data)), I32(1), I32(Res)});
  }
  Errno pwrite(uint32_t Fd, std::string_view Data) {
    return call(w::fdPwrite,
                {I32(Fd), I32(iov(Data)), I32(1), I64(0), I32(Res)});
  }
  Errno read(uint32_t Fd) {
    return call(w::fdRead,
                {I32(Fd), I32(iov(std::string(16, '\0'))), I32(1), I32(Res)});
  }
  Errno pread(uint32_t Fd) {
    return call(w::fdPread, {I32(Fd), I32(iov(std::string(16, '\0'))), I32(1),
                             I64(0), I32(Res)});
  }
  /// fd_fdstat_set_rights to the fd's current rights minus `Drop`.
  Errno dropRights(uint32_t Fd, uint64_t Drop, uint64_t DropInheriting) {
    uint64_t Base, Inh;
    rights(Fd, Base, Inh);
    return call(w::fdFdstatSetRights,
                {I32(Fd), I64(Base & ~Drop), I64(Inh & ~DropInheriting)});
  }
  void rights(uint32_t Fd, uint64_t &Base, uint64_t &Inheriting) {
    ASSERT_EQ(call(w::fdFdstatGet, {I32(Fd), I32(Buf)}), Errno::Success);
    Base = u64At(Buf + 8);
    Inheriting = u64At(Buf + 16);
  }
  /// A path call's (pointer, length) arguments for `Path`.
  void path(std::vector<Value> &Args, std::string_view Path) {
    Args.push_back(I32(str(Path)));
    Args.push_back(I32(uint32_t(Path.size())));
  }

  std::shared_ptr<WasiContext> Ctx;

private:
  /// One iovec over a copy of Data; its address.
  uint32_t iov(std::string_view Data) {
    uint32_t B = str(Data);
    uint32_t V[2] = {B, uint32_t(Data.size())};
    return str(std::string_view(reinterpret_cast<const char *>(V), sizeof(V)));
  }

  std::vector<uint8_t> Mem;
  uint32_t Top = 1024;
};

bool exists(const std::string &Path) {
  struct stat St;
  return lstat(Path.c_str(), &St) == 0;
}
} // namespace

TEST(WasiRights, ReadAndWriteNeedFdReadAndFdWrite) {
  Sandbox S;
  DirectWasi W(S);
  uint32_t Fd;
  ASSERT_EQ(W.open(PreopenFd, "in.txt", 0, w::RightsAll, 0, Fd),
            Errno::Success);
  EXPECT_EQ(W.read(Fd), Errno::Success); // it had them
  ASSERT_EQ(W.dropRights(Fd, w::RightFdRead | w::RightFdWrite, 0),
            Errno::Success);
  EXPECT_EQ(W.read(Fd), Errno::NotCapable);
  EXPECT_EQ(W.pread(Fd), Errno::NotCapable);
  EXPECT_EQ(W.write(Fd, "PWNED"), Errno::NotCapable);
  EXPECT_EQ(W.pwrite(Fd, "PWNED"), Errno::NotCapable);
  EXPECT_EQ(readAll(S.Inside + "/in.txt"), "inside file\n");
}

TEST(WasiRights, SeekTellAndSetSizeNeedTheirRights) {
  Sandbox S;
  DirectWasi W(S);
  uint32_t Fd;
  uint64_t Some = w::RightFdRead | w::RightFdWrite;
  ASSERT_EQ(W.open(PreopenFd, "in.txt", 0, Some, 0, Fd), Errno::Success);
  EXPECT_EQ(W.call(w::fdSeek, {I32(Fd), I64(5), I32(w::WhenceSet), I32(Res)}),
            Errno::NotCapable);
  EXPECT_EQ(W.call(w::fdSeek, {I32(Fd), I64(0), I32(w::WhenceCur), I32(Res)}),
            Errno::NotCapable); // a tell, and FD_TELL is missing too
  EXPECT_EQ(W.call(w::fdTell, {I32(Fd), I32(Res)}), Errno::NotCapable);
  EXPECT_EQ(W.call(w::fdFilestatSetSize, {I32(Fd), I64(0)}), Errno::NotCapable);
  // Positioned transfers choose an offset: they need FD_SEEK as well.
  EXPECT_EQ(W.pread(Fd), Errno::NotCapable);
  EXPECT_EQ(W.read(Fd), Errno::Success);
  EXPECT_EQ(readAll(S.Inside + "/in.txt"), "inside file\n");

  // With FD_TELL alone, asking the position works and moving does not.
  ASSERT_EQ(W.open(PreopenFd, "in.txt", 0, Some | w::RightFdTell, 0, Fd),
            Errno::Success);
  EXPECT_EQ(W.call(w::fdSeek, {I32(Fd), I64(0), I32(w::WhenceCur), I32(Res)}),
            Errno::Success);
  EXPECT_EQ(W.call(w::fdSeek, {I32(Fd), I64(3), I32(w::WhenceSet), I32(Res)}),
            Errno::NotCapable);
}

TEST(WasiRights, EveryFdCallChecksItsRight) {
  Sandbox S;
  struct Case {
    const char *Name;
    uint64_t Right;
    std::function<Errno(DirectWasi &, uint32_t)> Call;
  };
  std::vector<Case> Cases = {
      {"fd_advise", w::RightFdAdvise,
       [](DirectWasi &W, uint32_t Fd) {
         return W.call(w::fdAdvise, {I32(Fd), I64(0), I64(1), I32(0)});
       }},
      {"fd_allocate", w::RightFdAllocate,
       [](DirectWasi &W, uint32_t Fd) {
         return W.call(w::fdAllocate, {I32(Fd), I64(0), I64(100)});
       }},
      {"fd_datasync", w::RightFdDatasync,
       [](DirectWasi &W, uint32_t Fd) {
         return W.call(w::fdDatasync, {I32(Fd)});
       }},
      {"fd_sync", w::RightFdSync,
       [](DirectWasi &W, uint32_t Fd) { return W.call(w::fdSync, {I32(Fd)}); }},
      {"fd_fdstat_set_flags", w::RightFdFdstatSetFlags,
       [](DirectWasi &W, uint32_t Fd) {
         return W.call(w::fdFdstatSetFlags, {I32(Fd), I32(w::FdflagAppend)});
       }},
      {"fd_filestat_get", w::RightFdFilestatGet,
       [](DirectWasi &W, uint32_t Fd) {
         return W.call(w::fdFilestatGet, {I32(Fd), I32(Buf)});
       }},
      {"fd_filestat_set_times", w::RightFdFilestatSetTimes,
       [](DirectWasi &W, uint32_t Fd) {
         return W.call(w::fdFilestatSetTimes,
                       {I32(Fd), I64(0), I64(0), I32(w::FstMtim)});
       }},
  };
  for (const Case &K : Cases) {
    SCOPED_TRACE(K.Name);
    DirectWasi W(S);
    uint32_t Fd;
    ASSERT_EQ(W.open(PreopenFd, "in.txt", 0, w::RightsAll & ~K.Right, 0, Fd),
              Errno::Success);
    EXPECT_EQ(K.Call(W, Fd), Errno::NotCapable);
    ASSERT_EQ(W.open(PreopenFd, "in.txt", 0, w::RightsAll, 0, Fd),
              Errno::Success);
    EXPECT_EQ(K.Call(W, Fd), Errno::Success); // the right is what mattered
  }

  // fd_readdir on a directory without FD_READDIR.
  DirectWasi W(S);
  ASSERT_EQ(W.dropRights(PreopenFd, w::RightFdReaddir, 0), Errno::Success);
  EXPECT_EQ(W.call(w::fdReaddir,
                   {I32(PreopenFd), I32(Buf), I32(256), I64(0), I32(Res)}),
            Errno::NotCapable);
}

TEST(WasiRights, EveryPathCallChecksTheDirectorysRight) {
  struct Case {
    const char *Name;
    uint64_t Right;
    std::function<Errno(DirectWasi &)> Call;
    const char *Created; // what the call would make on the host, or null
    const char *Removed; // what it would remove
  };
  auto Path1 = [](w::WasiHandler H, const char *P) {
    return [H, P](DirectWasi &W) {
      std::vector<Value> A = {I32(PreopenFd)};
      W.path(A, P);
      return W.call(H, A);
    };
  };
  std::vector<Case> Cases = {
      {"path_create_directory", w::RightPathCreateDirectory,
       Path1(w::pathCreateDirectory, "newdir"), "newdir", nullptr},
      {"path_remove_directory", w::RightPathRemoveDirectory,
       Path1(w::pathRemoveDirectory, "empty"), nullptr, "empty"},
      {"path_unlink_file", w::RightPathUnlinkFile,
       Path1(w::pathUnlinkFile, "in.txt"), nullptr, "in.txt"},
      {"path_filestat_get", w::RightPathFilestatGet,
       [](DirectWasi &W) {
         std::vector<Value> A = {I32(PreopenFd), I32(0)};
         W.path(A, "in.txt");
         A.push_back(I32(Buf));
         return W.call(w::pathFilestatGet, A);
       },
       nullptr, nullptr},
      {"path_filestat_set_times", w::RightPathFilestatSetTimes,
       [](DirectWasi &W) {
         std::vector<Value> A = {I32(PreopenFd), I32(0)};
         W.path(A, "in.txt");
         A.insert(A.end(), {I64(0), I64(0), I32(w::FstMtim)});
         return W.call(w::pathFilestatSetTimes, A);
       },
       nullptr, nullptr},
      {"path_readlink", w::RightPathReadlink,
       [](DirectWasi &W) {
         std::vector<Value> A = {I32(PreopenFd)};
         W.path(A, "link");
         A.insert(A.end(), {I32(Buf), I32(64), I32(Res)});
         return W.call(w::pathReadlink, A);
       },
       nullptr, nullptr},
      {"path_symlink", w::RightPathSymlink,
       [](DirectWasi &W) {
         std::vector<Value> A;
         W.path(A, "in.txt");
         A.push_back(I32(PreopenFd));
         W.path(A, "newlink");
         return W.call(w::pathSymlink, A);
       },
       "newlink", nullptr},
      {"path_link source", w::RightPathLinkSource,
       [](DirectWasi &W) {
         std::vector<Value> A = {I32(PreopenFd), I32(0)};
         W.path(A, "in.txt");
         A.push_back(I32(PreopenFd));
         W.path(A, "hard");
         return W.call(w::pathLink, A);
       },
       "hard", nullptr},
      {"path_link target", w::RightPathLinkTarget, nullptr, "hard", nullptr},
      {"path_rename source", w::RightPathRenameSource,
       [](DirectWasi &W) {
         std::vector<Value> A = {I32(PreopenFd)};
         W.path(A, "in.txt");
         A.push_back(I32(PreopenFd));
         W.path(A, "renamed");
         return W.call(w::pathRename, A);
       },
       "renamed", "in.txt"},
      {"path_rename target", w::RightPathRenameTarget, nullptr, "renamed",
       "in.txt"},
      {"path_open", w::RightPathOpen,
       [](DirectWasi &W) {
         uint32_t Fd;
         return W.open(PreopenFd, "in.txt", 0, w::RightFdRead, 0, Fd);
       },
       nullptr, nullptr},
      {"path_open O_CREAT", w::RightPathCreateFile,
       [](DirectWasi &W) {
         uint32_t Fd;
         return W.open(PreopenFd, "created.txt", w::OflagCreat, w::RightFdWrite,
                       0, Fd);
       },
       "created.txt", nullptr},
      {"path_open O_TRUNC", w::RightPathFilestatSetSize,
       [](DirectWasi &W) {
         uint32_t Fd;
         return W.open(PreopenFd, "in.txt", w::OflagTrunc, w::RightFdWrite, 0,
                       Fd);
       },
       nullptr, nullptr},
  };
  for (size_t I = 0; I < Cases.size(); ++I) {
    Case &K = Cases[I];
    if (!K.Call)
      K.Call = Cases[I - 1].Call; // the same call, the other directory right
    SCOPED_TRACE(K.Name);
    Sandbox Fresh;
    Fresh.link("in.txt", "link");
    mkdir((Fresh.Inside + "/empty").c_str(), 0755);
    struct stat Before;
    ASSERT_EQ(stat((Fresh.Inside + "/in.txt").c_str(), &Before), 0);
    DirectWasi W(Fresh);
    ASSERT_EQ(W.dropRights(PreopenFd, K.Right, 0), Errno::Success);
    EXPECT_EQ(K.Call(W), Errno::NotCapable);
    if (K.Created) {
      EXPECT_FALSE(exists(Fresh.Inside + "/" + K.Created));
    }
    if (K.Removed) {
      EXPECT_TRUE(exists(Fresh.Inside + "/" + K.Removed));
    }
    struct stat After;
    ASSERT_EQ(stat((Fresh.Inside + "/in.txt").c_str(), &After), 0);
    EXPECT_EQ(After.st_size, Before.st_size);
    EXPECT_EQ(After.st_mtim.tv_sec, Before.st_mtim.tv_sec);
    // With every right the same call goes through.
    DirectWasi Full(Fresh);
    EXPECT_EQ(K.Call(Full), Errno::Success);
  }
}

TEST(WasiRights, SetRightsOnlyDrops) {
  Sandbox S;
  DirectWasi W(S);
  uint32_t Fd;
  ASSERT_EQ(
      W.open(PreopenFd, "in.txt", 0, w::RightFdRead | w::RightFdSeek, 0, Fd),
      Errno::Success);
  EXPECT_EQ(W.call(w::fdFdstatSetRights,
                   {I32(Fd), I64(w::RightFdRead | w::RightFdWrite), I64(0)}),
            Errno::NotCapable);
  ASSERT_EQ(W.dropRights(Fd, w::RightFdSeek, 0), Errno::Success);
  EXPECT_EQ(W.call(w::fdFdstatSetRights,
                   {I32(Fd), I64(w::RightFdRead | w::RightFdSeek), I64(0)}),
            Errno::NotCapable); // a dropped right does not come back
  uint64_t Base, Inh;
  W.rights(Fd, Base, Inh);
  EXPECT_EQ(Base, w::RightFdRead);
}

TEST(WasiRights, OpenedFdsAreBoundedByTheDirectorysInheritingRights) {
  Sandbox S;
  DirectWasi W(S);
  ASSERT_EQ(W.dropRights(PreopenFd, 0, w::RightFdWrite | w::RightFdSeek),
            Errno::Success);
  uint32_t Fd;
  ASSERT_EQ(W.open(PreopenFd, "in.txt", 0, w::RightsAll, w::RightsAll, Fd),
            Errno::Success);
  uint64_t Base, Inh;
  W.rights(Fd, Base, Inh);
  EXPECT_EQ(Base & (w::RightFdWrite | w::RightFdSeek), 0u);
  EXPECT_EQ(Inh & (w::RightFdWrite | w::RightFdSeek), 0u);
  EXPECT_NE(Base & w::RightFdRead, 0u);
  EXPECT_EQ(W.write(Fd, "PWNED"), Errno::NotCapable);
  // A subdirectory passes on no more than its parent gave it.
  uint32_t Sub, F;
  ASSERT_EQ(W.open(PreopenFd, "in_dir", w::OflagDirectory, w::RightsDirOnly,
                   w::RightsAll, Sub),
            Errno::Success);
  ASSERT_EQ(W.open(Sub, "secret.txt", 0, w::RightsAll, 0, F), Errno::Success);
  EXPECT_EQ(W.write(F, "PWNED"), Errno::NotCapable);
  EXPECT_EQ(readAll(S.Inside + "/in.txt"), "inside file\n");
  EXPECT_EQ(readAll(S.Inside + "/in_dir/secret.txt"), "inside dir\n");
}

TEST(WasiOpen, DirectoryWithAWriteRightIsIsdir) {
  Sandbox S;
  DirectWasi W(S);
  uint32_t Fd;
  EXPECT_EQ(W.open(PreopenFd, "in_dir", w::OflagDirectory,
                   w::RightFdReaddir | w::RightFdWrite, 0, Fd),
            Errno::IsDir);
  EXPECT_EQ(W.open(PreopenFd, "in_dir", 0, w::RightFdWrite, 0, Fd),
            Errno::IsDir);
  EXPECT_EQ(
      W.open(PreopenFd, "in_dir", w::OflagTrunc, w::RightFdReaddir, 0, Fd),
      Errno::IsDir);
  EXPECT_EQ(
      W.open(PreopenFd, "in_dir", w::OflagCreat, w::RightFdReaddir, 0, Fd),
      Errno::IsDir);
  EXPECT_EQ(W.open(PreopenFd, ".", w::OflagDirectory, w::RightFdWrite, 0, Fd),
            Errno::IsDir);
  // Reading a directory is what O_DIRECTORY is for.
  EXPECT_EQ(
      W.open(PreopenFd, "in_dir", w::OflagDirectory, w::RightFdReaddir, 0, Fd),
      Errno::Success);
}

TEST(WasiLink, TrailingSlashOnAMissingNewNameIsNoent) {
  Sandbox S;
  DirectWasi W(S);
  auto Link = [&](const char *From, const char *To) {
    std::vector<Value> A = {I32(PreopenFd), I32(0)};
    W.path(A, From);
    A.push_back(I32(PreopenFd));
    W.path(A, To);
    return W.call(w::pathLink, A);
  };
  EXPECT_EQ(Link("in.txt", "link/"), Errno::NoEnt);   // as linkat(2)
  EXPECT_EQ(Link("in.txt", "in_dir/"), Errno::Exist); // exists: EEXIST
  EXPECT_EQ(Link("in.txt/", "link"), Errno::NotDir);
  EXPECT_EQ(Link("in_dir/", "link"), Errno::Perm); // no links to dirs
  EXPECT_EQ(Link("missing", "link/"), Errno::NoEnt);
  EXPECT_FALSE(exists(S.Inside + "/link"));
}

TEST(WasiSock, ShutdownOnAFileIsNotsock) {
  Sandbox S;
  DirectWasi W(S);
  uint32_t Fd;
  ASSERT_EQ(W.open(PreopenFd, "in.txt", 0, w::RightsAll, 0, Fd),
            Errno::Success);
  EXPECT_EQ(W.call(w::sockShutdown, {I32(Fd), I32(2)}), Errno::NotSock);
  EXPECT_EQ(W.call(w::sockShutdown, {I32(PreopenFd), I32(2)}), Errno::NotSock);
  EXPECT_EQ(W.call(w::sockShutdown, {I32(99), I32(2)}), Errno::BadF);
}

TEST(WasiSock, ShutdownWorksOnAHostGivenSocket) {
  int Pair[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, Pair), 0);
  WasiConfig C;
  C.StdinFd = Pair[0];
  Expected<std::shared_ptr<WasiContext>> Ctx = createWasiContext(C);
  ASSERT_TRUE(Ctx);
  std::vector<uint8_t> Mem(65536);
  std::vector<Value> Args = {I32(0), I32(3)};
  w::WasiCall Call{**Ctx, w::GuestMemory(Mem.data(), Mem.size()), Args, false};
  EXPECT_EQ(w::sockShutdown(Call), Errno::Success);
  char B;
  // The peer sees the end (without the shutdown: EAGAIN, not a hang).
  EXPECT_EQ(::recv(Pair[1], &B, 1, MSG_DONTWAIT), 0);
  Args[1] = I32(4);
  EXPECT_EQ(w::sockShutdown(Call), Errno::Inval);
  close(Pair[0]);
  close(Pair[1]);
}

TEST(WasiRenumber, StdoutMovesAwayAndBackLikeAnyFd) {
  std::shared_ptr<Module> M = loadGuest("renumber_stdout");
  ASSERT_TRUE(M);
  Sandbox S;
  std::string OutPath = S.Root + "/stdout.txt";
  int Out = open(OutPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(Out, 0);
  WasiConfig C;
  C.Args = {"renumber_stdout", "/sb/redirected.txt"};
  C.Preopens = {{S.Inside, "/sb"}};
  C.StdoutFd = Out;
  EXPECT_EQ(runGuest(*M, std::move(C)), 0)
      << "some fd_renumber or write failed";
  // The host's stdout was lent to the guest: moving it around never closed
  // it.
  EXPECT_NE(fcntl(Out, F_GETFD), -1);
  close(Out);
  EXPECT_EQ(readAll(S.Inside + "/redirected.txt"), "to the file\n");
  EXPECT_EQ(readAll(OutPath), "to stdout\n");
}

TEST(WasiRenumber, FarTargetIsBadfNotAHugeTable) {
  Sandbox S;
  DirectWasi W(S);
  EXPECT_EQ(W.call(w::fdRenumber, {I32(PreopenFd), I32(0xffffffffu)}),
            Errno::BadF);
  EXPECT_EQ(W.call(w::fdRenumber, {I32(77), I32(1)}), Errno::BadF);
  // The preopen is still there.
  EXPECT_EQ(W.call(w::fdPrestatGet, {I32(PreopenFd), I32(Buf)}),
            Errno::Success);
}

TEST(WasiSymlink, RefusesTargetsThatLeadOutOfThePreopen) {
  Sandbox S;
  DirectWasi W(S);
  auto Symlink = [&](uint32_t Dir, const char *Target, const char *Name) {
    std::vector<Value> A;
    W.path(A, Target);
    A.push_back(I32(Dir));
    W.path(A, Name);
    return W.call(w::pathSymlink, A);
  };
  for (const char *T :
       {"../outside/secret.txt", "..", "in_dir/../../outside",
        "./../outside/secret.txt", "in_dir//../..", "/etc/passwd", "/"}) {
    SCOPED_TRACE(T);
    EXPECT_EQ(Symlink(PreopenFd, T, "evil"), Errno::Perm);
    EXPECT_FALSE(exists(S.Inside + "/evil"));
    // The same target one level down stays inside, unless it is absolute.
    EXPECT_EQ(Symlink(PreopenFd, T, "in_dir/evil"),
              T[0] == '/' ? Errno::Perm : Errno::Success);
    unlink((S.Inside + "/in_dir/evil").c_str());
  }
  // Deeper links may climb as far as the preopen, from any directory fd.
  uint32_t Sub;
  ASSERT_EQ(W.open(PreopenFd, "in_dir", w::OflagDirectory, w::RightsDirOnly,
                   w::RightsAll, Sub),
            Errno::Success);
  EXPECT_EQ(Symlink(Sub, "../in.txt", "up"), Errno::Success);
  EXPECT_EQ(Symlink(Sub, "../../outside/secret.txt", "out"), Errno::Perm);
  EXPECT_FALSE(exists(S.Inside + "/in_dir/out"));
  EXPECT_EQ(Symlink(PreopenFd, "in_dir/../in.txt", "ok"), Errno::Success);
  EXPECT_EQ(Symlink(PreopenFd, "dangling", "ok2"), Errno::Success);
  EXPECT_EQ(readAll(S.Inside + "/in_dir/up"), "inside file\n");
  EXPECT_EQ(readAll(S.Outside + "/secret.txt"), "SECRET outside\n");
}

TEST(WasiLink, RefusesToCopyASymlinkToWhereItLeadsOut) {
  Sandbox S;
  // Inside in_dir this leads to Inside/in.txt; one level up, out of Inside.
  ASSERT_EQ(symlink("../in.txt", (S.Inside + "/in_dir/up").c_str()), 0);
  DirectWasi W(S);
  auto Link = [&](const char *From, const char *To) {
    std::vector<Value> A = {I32(PreopenFd), I32(0)};
    W.path(A, From);
    A.push_back(I32(PreopenFd));
    W.path(A, To);
    return W.call(w::pathLink, A);
  };
  EXPECT_EQ(Link("in_dir/up", "moved"), Errno::Perm);
  EXPECT_FALSE(exists(S.Inside + "/moved"));
  EXPECT_EQ(Link("in_dir/up", "in_dir/up2"), Errno::Success); // same depth
  // Renaming it there is the same move.
  std::vector<Value> A = {I32(PreopenFd)};
  W.path(A, "in_dir/up");
  A.push_back(I32(PreopenFd));
  W.path(A, "renamed");
  EXPECT_EQ(W.call(w::pathRename, A), Errno::Perm);
  EXPECT_FALSE(exists(S.Inside + "/renamed"));
  EXPECT_TRUE(exists(S.Inside + "/in_dir/up"));
}

TEST(WasiReadOnly, PreopenLacksEveryModifyingRight) {
  Sandbox S;
  DirectWasi W(S, /*ReadOnly=*/true);
  uint64_t Base, Inh;
  W.rights(PreopenFd, Base, Inh);
  EXPECT_EQ(Base & w::RightsModify, 0u);
  EXPECT_EQ(Inh & w::RightsModify, 0u);
  EXPECT_NE(Base & w::RightPathOpen, 0u);

  uint32_t Fd;
  ASSERT_EQ(W.open(PreopenFd, "in.txt", 0, w::RightsAll, 0, Fd),
            Errno::Success); // for reading: write rights are not granted
  EXPECT_EQ(W.read(Fd), Errno::Success);
  EXPECT_EQ(W.write(Fd, "PWNED"), Errno::NotCapable);
  EXPECT_EQ(W.pwrite(Fd, "PWNED"), Errno::NotCapable);
  EXPECT_EQ(W.call(w::fdFilestatSetSize, {I32(Fd), I64(0)}), Errno::NotCapable);
  EXPECT_EQ(W.call(w::fdAllocate, {I32(Fd), I64(0), I64(100)}),
            Errno::NotCapable);
  EXPECT_EQ(
      W.call(w::fdFilestatSetTimes, {I32(Fd), I64(0), I64(0), I32(w::FstMtim)}),
      Errno::NotCapable);
  EXPECT_EQ(W.open(PreopenFd, "in.txt", w::OflagTrunc, w::RightFdRead, 0, Fd),
            Errno::NotCapable);
  EXPECT_EQ(W.open(PreopenFd, "new.txt", w::OflagCreat, w::RightFdWrite, 0, Fd),
            Errno::NotCapable);
  EXPECT_EQ(
      W.open(PreopenFd, "in.txt", 0, w::RightFdRead, 0, Fd, w::FdflagDsync),
      Errno::NotCapable);
  // Beneath a subdirectory too.
  uint32_t Sub;
  ASSERT_EQ(W.open(PreopenFd, "in_dir", w::OflagDirectory, w::RightsAll,
                   w::RightsAll, Sub),
            Errno::Success);
  W.rights(Sub, Base, Inh);
  EXPECT_EQ(Base & w::RightsModify, 0u);
  EXPECT_EQ(Inh & w::RightsModify, 0u);

  auto PathCall = [&](w::WasiHandler H, uint32_t Dir, const char *P) {
    std::vector<Value> A = {I32(Dir)};
    W.path(A, P);
    return W.call(H, A);
  };
  EXPECT_EQ(PathCall(w::pathCreateDirectory, PreopenFd, "d"),
            Errno::NotCapable);
  EXPECT_EQ(PathCall(w::pathCreateDirectory, Sub, "d"), Errno::NotCapable);
  EXPECT_EQ(PathCall(w::pathUnlinkFile, PreopenFd, "in.txt"),
            Errno::NotCapable);
  EXPECT_EQ(PathCall(w::pathUnlinkFile, Sub, "secret.txt"), Errno::NotCapable);
  EXPECT_EQ(PathCall(w::pathRemoveDirectory, PreopenFd, "in_dir"),
            Errno::NotCapable);
  std::vector<Value> A = {I32(PreopenFd)};
  W.path(A, "in.txt");
  A.push_back(I32(PreopenFd));
  W.path(A, "moved.txt");
  EXPECT_EQ(W.call(w::pathRename, A), Errno::NotCapable);
  A = {};
  W.path(A, "in.txt");
  A.push_back(I32(PreopenFd));
  W.path(A, "link");
  EXPECT_EQ(W.call(w::pathSymlink, A), Errno::NotCapable);
  A = {I32(PreopenFd), I32(0)};
  W.path(A, "in.txt");
  A.push_back(I32(PreopenFd));
  W.path(A, "hard");
  EXPECT_EQ(W.call(w::pathLink, A), Errno::NotCapable);
  A = {I32(PreopenFd), I32(0)};
  W.path(A, "in.txt");
  A.insert(A.end(), {I64(0), I64(0), I32(w::FstMtim)});
  EXPECT_EQ(W.call(w::pathFilestatSetTimes, A), Errno::NotCapable);
  // Rights only drop: the guest cannot give itself write access back.
  EXPECT_EQ(W.call(w::fdFdstatSetRights,
                   {I32(PreopenFd), I64(w::RightsDirOnly), I64(w::RightsAll)}),
            Errno::NotCapable);

  EXPECT_EQ(readAll(S.Inside + "/in.txt"), "inside file\n");
  EXPECT_EQ(readAll(S.Inside + "/in_dir/secret.txt"), "inside dir\n");
  for (const char *P :
       {"d", "in_dir/d", "moved.txt", "link", "hard", "new.txt"})
    EXPECT_FALSE(exists(S.Inside + "/" + P)) << P;
  struct stat St;
  ASSERT_EQ(stat((S.Inside + "/in.txt").c_str(), &St), 0);
  EXPECT_NE(St.st_mtim.tv_sec, 0);
}
