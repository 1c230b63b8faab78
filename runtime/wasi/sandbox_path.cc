//===- runtime/wasi/sandbox_path.cc - Paths that stay beneath a preopen ---===//
//
// SANDBOX-CRITICAL (see the header). Changes here need two reviews and the
// escape tests in tests/wasi.
//
//===----------------------------------------------------------------------===//

#include "wasi/sandbox_path.h"

#include "wasi/errno_map.h"

#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

#ifndef SYS_openat2
#define SYS_openat2 437 // the same number on every Linux architecture
#endif

namespace kiln::wasi {

/// Symlinks one resolution may follow, as the kernel's MAXSYMLINKS.
static constexpr int MaxSymlinks = 40;

/// Cleared the first time the kernel says it has no openat2.
static std::atomic<bool> HaveOpenat2{true};

Errno checkGuestPath(std::string_view Path) {
  if (Path.empty())
    return Errno::NoEnt;
  if (Path.find('\0') != std::string_view::npos)
    return Errno::Inval;
  if (Path.front() == '/')
    return Errno::NotCapable;
  return Errno::Success;
}

/// Pushes the components of `Path` onto `Stack` so that the first one is
/// popped first. A trailing slash becomes a final "" (it must be a dir).
static void pushComponents(std::string_view Path,
                           std::vector<std::string> &Stack) {
  std::vector<std::string_view> Parts;
  size_t Start = 0;
  while (Start <= Path.size()) {
    size_t End = Path.find('/', Start);
    if (End == std::string_view::npos)
      End = Path.size();
    std::string_view Part = Path.substr(Start, End - Start);
    bool Last = End == Path.size();
    if (!Part.empty() || Last)
      Parts.push_back(Part);
    Start = End + 1;
  }
  for (size_t I = Parts.size(); I-- > 0;)
    Stack.emplace_back(Parts[I]);
}

/// Reads a symlink (an O_PATH fd of it with Name "", or Dir + Name).
static Errno readLink(int Dir, const char *Name, std::string &Out) {
  char Buf[4096];
  ssize_t N = ::readlinkat(Dir, Name, Buf, sizeof(Buf));
  if (N < 0)
    return lastHostErrno();
  if (size_t(N) >= sizeof(Buf))
    return Errno::NameTooLong;
  Out.assign(Buf, size_t(N));
  return Errno::Success;
}

/// Splices a symlink's target into the components still to walk.
static Errno spliceLink(const std::string &Target, int &Links,
                        std::vector<std::string> &Stack) {
  if (++Links > MaxSymlinks)
    return Errno::Loop;
  if (Target.empty())
    return Errno::NoEnt;
  if (Target.front() == '/')
    return Errno::NotCapable; // absolute targets lead out of the sandbox
  pushComponents(Target, Stack);
  return Errno::Success;
}

/// Follows the symlink that O_PATH fd `LinkFd` opened (closing it): its
/// target joins the components still to walk.
static Errno followLinkFd(int LinkFd, int &Links,
                          std::vector<std::string> &Stack) {
  std::string Target;
  Errno E = readLink(LinkFd, "", Target);
  ::close(LinkFd);
  if (E != Errno::Success)
    return E;
  return spliceLink(Target, Links, Stack);
}

namespace {
/// The walk's directories below the starting one; the top is the current.
class DirStack {
public:
  explicit DirStack(int Root) : Root(Root) {}
  DirStack(const DirStack &) = delete;
  DirStack &operator=(const DirStack &) = delete;
  ~DirStack() {
    for (int Fd : Fds)
      ::close(Fd);
  }
  int current() const { return Fds.empty() ? Root : Fds.back(); }
  void push(int Fd) { Fds.push_back(Fd); }
  /// "..": false when that would leave the starting directory.
  bool pop() {
    if (Fds.empty())
      return false;
    ::close(Fds.back());
    Fds.pop_back();
    return true;
  }

private:
  int Root;
  std::vector<int> Fds;
};
} // namespace

static Errno walkBeneath(int Dir, std::string_view Path, int Flags,
                         unsigned Mode, bool FollowFinal, HostFd &Out) {
  std::vector<std::string> Stack;
  pushComponents(Path, Stack);
  DirStack Dirs(Dir);
  int Links = 0;
  while (!Stack.empty()) {
    std::string C = std::move(Stack.back());
    Stack.pop_back();
    bool Last = Stack.empty();
    bool IsDot = C.empty() || C == ".";
    if (C == "..") {
      if (!Dirs.pop())
        return Errno::NotCapable;
      IsDot = true;
    }
    if (IsDot) {
      if (!Last)
        continue;
      // The path names the current directory itself ("a/", "a/.", "..").
      int Fd = ::openat(Dirs.current(), ".", Flags | O_CLOEXEC, Mode);
      if (Fd < 0)
        return lastHostErrno();
      Out = HostFd::owned(Fd);
      return Errno::Success;
    }
    if (!Last) {
      // A directory on the way: open it without following, look at it.
      int Fd = ::openat(Dirs.current(), C.c_str(),
                        O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (Fd < 0)
        return lastHostErrno();
      struct stat St;
      if (::fstat(Fd, &St) != 0) {
        Errno E = lastHostErrno();
        ::close(Fd);
        return E;
      }
      if (S_ISLNK(St.st_mode)) {
        if (Errno E = followLinkFd(Fd, Links, Stack); E != Errno::Success)
          return E;
        continue;
      }
      if (!S_ISDIR(St.st_mode)) {
        ::close(Fd);
        return Errno::NotDir;
      }
      Dirs.push(Fd);
      continue;
    }
    // The final component: never followed by the host.
    int Fd = ::openat(Dirs.current(), C.c_str(), Flags | O_NOFOLLOW | O_CLOEXEC,
                      Mode);
    if (Fd >= 0) {
      struct stat St;
      // O_PATH | O_NOFOLLOW opens a symlink itself: follow it if asked to.
      if (FollowFinal && (Flags & O_PATH) && ::fstat(Fd, &St) == 0 &&
          S_ISLNK(St.st_mode)) {
        if (Errno E = followLinkFd(Fd, Links, Stack); E != Errno::Success)
          return E;
        continue;
      }
      Out = HostFd::owned(Fd);
      return Errno::Success;
    }
    int OpenErr = errno;
    // ELOOP (or ENOTDIR with O_DIRECTORY) is what O_NOFOLLOW says for a
    // symlink; anything else, or not following, is the answer.
    if (!FollowFinal || (OpenErr != ELOOP && OpenErr != ENOTDIR))
      return fromHostErrno(OpenErr);
    std::string Target;
    if (readLink(Dirs.current(), C.c_str(), Target) != Errno::Success)
      return fromHostErrno(OpenErr); // not a symlink after all
    if (Errno E = spliceLink(Target, Links, Stack); E != Errno::Success)
      return E;
  }
  return Errno::NoEnt;
}

/// openat2 with the kernel enforcing "beneath". False (and Err untouched)
/// when the kernel cannot do it and the walk must.
static bool openat2Beneath(int Dir, const std::string &Path, int Flags,
                           unsigned Mode, bool FollowFinal, HostFd &Out,
                           Errno &Err) {
  struct open_how How = {};
  How.flags = uint64_t(unsigned(Flags | O_CLOEXEC | (FollowFinal ? 0 : O_NOFOLLOW)));
  // O_TMPFILE includes the O_DIRECTORY bit: test for all of it.
  bool Creates = (Flags & O_CREAT) || (Flags & O_TMPFILE) == O_TMPFILE;
  How.mode = Creates ? Mode : 0;
  How.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  // EAGAIN: a rename elsewhere raced with a ".." lookup; the kernel asks us
  // to retry. After a few tries the walk takes over.
  for (int Try = 0; Try < 4; ++Try) {
    long Fd = ::syscall(SYS_openat2, Dir, Path.c_str(), &How, sizeof(How));
    if (Fd >= 0) {
      Out = HostFd::owned(int(Fd));
      Err = Errno::Success;
      return true;
    }
    if (errno == EAGAIN || errno == EINTR)
      continue;
    if (errno == ENOSYS) {
      HaveOpenat2.store(false, std::memory_order_relaxed);
      return false;
    }
    Err = errno == EXDEV ? Errno::NotCapable : lastHostErrno();
    return true;
  }
  return false;
}

Errno openBeneath(int Dir, std::string_view Path, int Flags, unsigned Mode,
                  bool FollowFinal, ResolveMode M, HostFd &Out) {
  if (Errno E = checkGuestPath(Path); E != Errno::Success)
    return E;
  if (M == ResolveMode::Auto && HaveOpenat2.load(std::memory_order_relaxed)) {
    Errno Err = Errno::Success;
    if (openat2Beneath(Dir, std::string(Path), Flags, Mode, FollowFinal, Out,
                       Err))
      return Err;
  }
  return walkBeneath(Dir, Path, Flags, Mode, FollowFinal, Out);
}

Errno openParentBeneath(int Dir, std::string_view Path, ResolveMode M,
                        ParentAndLeaf &Out) {
  if (Errno E = checkGuestPath(Path); E != Errno::Success)
    return E;
  size_t End = Path.size();
  while (End > 0 && Path[End - 1] == '/')
    --End;
  Out.TrailingSlash = End != Path.size();
  std::string_view Stripped = Path.substr(0, End);
  size_t Slash = Stripped.rfind('/');
  std::string_view DirPart =
      Slash == std::string_view::npos ? std::string_view() : Stripped.substr(0, Slash);
  std::string_view Leaf =
      Slash == std::string_view::npos ? Stripped : Stripped.substr(Slash + 1);
  if (Leaf == "." || Leaf == "..") {
    // The path names a directory: resolve all of it, act on its ".".
    DirPart = Stripped;
    Leaf = ".";
  }
  Out.Leaf = std::string(Leaf);
  if (DirPart.empty()) {
    Out.Parent = HostFd::borrowed(Dir);
    return Errno::Success;
  }
  return openBeneath(Dir, DirPart, O_PATH | O_DIRECTORY, 0,
                     /*FollowFinal=*/true, M, Out.Parent);
}

} // namespace kiln::wasi
