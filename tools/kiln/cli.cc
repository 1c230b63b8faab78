//===- tools/kiln/cli.cc - Shared pieces of the kiln subcommands ----------===//

#include "tools/kiln/cli.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kiln::cli {

static const char *fileKind(mode_t Mode) {
  if (S_ISDIR(Mode))
    return "a directory";
  if (S_ISCHR(Mode))
    return "a character device";
  if (S_ISBLK(Mode))
    return "a block device";
  if (S_ISSOCK(Mode))
    return "a socket";
  return nullptr; // a regular file or a pipe: read up to the bound
}

static std::string sizeString(uint64_t Bytes) {
  if (Bytes >= (uint64_t(1) << 20) && Bytes % (uint64_t(1) << 20) == 0)
    return formatString("%llu MiB", (unsigned long long)(Bytes >> 20));
  return formatString("%llu bytes", (unsigned long long)Bytes);
}

static Error tooLarge(const std::string &Path, const char *Size,
                      uint64_t MaxBytes) {
  return Error::make(ErrorKind::Limit,
                     formatString("%s is too large: %s, the limit is %s "
                                  "(--max-file-size)",
                                  Path.c_str(), Size,
                                  sizeString(MaxBytes).c_str()));
}

Expected<std::vector<uint8_t>> readFile(const std::string &Path,
                                        uint64_t MaxBytes) {
  int Fd = ::open(Path.c_str(), O_RDONLY | O_CLOEXEC);
  if (Fd < 0)
    return Error::make(ErrorKind::Io, formatString("cannot open %s: %s",
                                                   Path.c_str(),
                                                   std::strerror(errno)));
  struct stat St;
  if (::fstat(Fd, &St) != 0) {
    int Err = errno;
    ::close(Fd);
    return Error::make(ErrorKind::Io, formatString("cannot stat %s: %s",
                                                   Path.c_str(),
                                                   std::strerror(Err)));
  }
  if (const char *Kind = fileKind(St.st_mode)) {
    ::close(Fd);
    return Error::make(ErrorKind::Io,
                       formatString("%s is %s, not a file", Path.c_str(),
                                    Kind));
  }
  // Refused before reading a byte when the size is known; the loop below
  // still stops at the bound, for pipes and for a file that grows.
  if (S_ISREG(St.st_mode) && uint64_t(St.st_size) > MaxBytes) {
    ::close(Fd);
    return tooLarge(Path, sizeString(uint64_t(St.st_size)).c_str(), MaxBytes);
  }
  std::vector<uint8_t> Bytes;
  if (S_ISREG(St.st_mode))
    Bytes.reserve(size_t(St.st_size));
  uint8_t Buf[65536];
  for (;;) {
    ssize_t N = ::read(Fd, Buf, sizeof(Buf));
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0) {
      int Err = errno;
      ::close(Fd);
      return Error::make(ErrorKind::Io, formatString("cannot read %s: %s",
                                                     Path.c_str(),
                                                     std::strerror(Err)));
    }
    if (N == 0)
      break;
    if (uint64_t(N) > MaxBytes - Bytes.size()) {
      ::close(Fd);
      return tooLarge(Path, "more than the limit", MaxBytes);
    }
    Bytes.insert(Bytes.end(), Buf, Buf + N);
  }
  ::close(Fd);
  return Bytes;
}

bool parseByteSize(const std::string &S, uint64_t &Out) {
  if (S.empty() || S[0] < '0' || S[0] > '9')
    return false;
  errno = 0;
  char *End = nullptr;
  unsigned long long V = std::strtoull(S.c_str(), &End, 10);
  if (errno)
    return false;
  std::string Suffix(End);
  unsigned Shift = 0;
  if (Suffix.empty())
    Shift = 0;
  else if (Suffix == "K" || Suffix == "KiB" || Suffix == "k")
    Shift = 10;
  else if (Suffix == "M" || Suffix == "MiB")
    Shift = 20;
  else if (Suffix == "G" || Suffix == "GiB")
    Shift = 30;
  else
    return false;
  if (Shift && V > (~0ull >> Shift))
    return false;
  Out = uint64_t(V) << Shift;
  return true;
}

int parseMaxFileSizeFlag(const char *Cmd, const std::vector<std::string> &Args,
                         size_t &I, uint64_t &MaxBytes, bool &Matched) {
  Matched = Args[I] == "--max-file-size";
  if (!Matched)
    return -1;
  if (I + 1 >= Args.size())
    return usageError(Cmd, "--max-file-size needs a size");
  const std::string &V = Args[++I];
  if (!parseByteSize(V, MaxBytes) || MaxBytes == 0)
    return usageError(Cmd, "invalid size '" + V +
                               "' for --max-file-size (bytes, or with K, M, "
                               "G)");
  return -1;
}

const char *maxFileSizeHelp() {
  return "      --max-file-size <N>    Refuse input files larger than N "
         "bytes\n"
         "                             (K, M, G suffixes; default 256M)\n";
}

Error writeTextFile(const std::string &Path, std::string_view Text) {
  std::FILE *F = std::fopen(Path.c_str(), "w");
  if (!F)
    return Error::make(ErrorKind::Io, formatString("cannot write %s: %s",
                                                   Path.c_str(),
                                                   std::strerror(errno)));
  int Err = 0;
  if (std::fwrite(Text.data(), 1, Text.size(), F) != Text.size())
    Err = errno;
  if (std::fclose(F) != 0 && !Err)
    Err = errno;
  if (Err)
    return Error::make(ErrorKind::Io,
                       formatString("cannot write %s: %s", Path.c_str(),
                                    std::strerror(Err)));
  return Error::success();
}

bool sameFile(const std::string &A, const std::string &B) {
  struct stat SA, SB;
  return ::stat(A.c_str(), &SA) == 0 && ::stat(B.c_str(), &SB) == 0 &&
         SA.st_dev == SB.st_dev && SA.st_ino == SB.st_ino;
}

bool isHelpFlag(const std::string &Arg) {
  return Arg == "-h" || Arg == "--help";
}

std::vector<std::string>
splitOptionValues(const std::vector<std::string> &Args,
                  std::initializer_list<std::string_view> ValueFlags,
                  bool StopAtPositional) {
  auto TakesValue = [&](std::string_view Flag) {
    for (std::string_view F : ValueFlags)
      if (F == Flag)
        return true;
    return false;
  };
  std::vector<std::string> Out;
  for (size_t I = 0; I < Args.size(); ++I) {
    const std::string &A = Args[I];
    size_t Eq = A.find('=');
    if (A.rfind("--", 0) == 0 && Eq != std::string::npos &&
        TakesValue(std::string_view(A).substr(0, Eq))) {
      Out.push_back(A.substr(0, Eq));
      Out.push_back(A.substr(Eq + 1));
      continue;
    }
    Out.push_back(A);
    if (TakesValue(A) && I + 1 < Args.size()) {
      Out.push_back(Args[++I]); // the value, whatever it looks like
      continue;
    }
    if (StopAtPositional && (A.empty() || A[0] != '-')) {
      Out.insert(Out.end(), Args.begin() + I + 1, Args.end());
      break;
    }
  }
  return Out;
}

void printError(const std::string &Subject, const Error &E) {
  std::fprintf(stderr, "error: %s%s%s: %s\n", Subject.c_str(),
               Subject.empty() ? "" : ": ", errorKindName(E.kind()),
               E.str().c_str());
}

void printErrorLines(const std::string &Subject, const Error &E) {
  const std::string &All = E.message();
  for (size_t Start = 0; Start <= All.size();) {
    size_t End = All.find('\n', Start);
    if (End == std::string::npos)
      End = All.size();
    std::fprintf(stderr, "error: %s%s%s: %s\n", Subject.c_str(),
                 Subject.empty() ? "" : ": ", errorKindName(E.kind()),
                 All.substr(Start, End - Start).c_str());
    Start = End + 1;
  }
}

int usageError(const char *Cmd, const std::string &Msg) {
  std::fprintf(stderr, "kiln %s: error: %s\n(run 'kiln %s --help' for usage)\n",
               Cmd, Msg.c_str(), Cmd);
  return ExitUsage;
}

} // namespace kiln::cli
