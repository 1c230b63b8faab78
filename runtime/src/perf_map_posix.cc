//===- runtime/src/perf_map_posix.cc - perf's map of mapped code --------===//

#include "kiln/profiling.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kiln {

Expected<std::string>
appendPerfMap(const Module &M, const std::string &Prefix,
              const std::function<std::string(uint32_t)> &Name) {
  std::string Path = formatString("/tmp/perf-%ld.map", long(::getpid()));
  const uint32_t Imported = format::importedFunctionCount(M.artifact());
  std::string Text;
  for (size_t D = 0; D < M.artifact().Functions.size(); ++D) {
    std::span<const uint8_t> Code = M.functionCode(D);
    std::string N = Name(Imported + uint32_t(D));
    // One line per symbol: a name must not break the line.
    for (char &C : N)
      if (C == '\n' || C == '\r')
        C = ' ';
    Text += formatString("%lx %zx %s%s%s\n",
                         (unsigned long)reinterpret_cast<uintptr_t>(Code.data()),
                         Code.size(), Prefix.c_str(), Prefix.empty() ? "" : " ",
                         N.c_str());
  }
  int Fd = ::open(Path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (Fd < 0)
    return Error::make(ErrorKind::Io, formatString("cannot open %s: %s",
                                                   Path.c_str(),
                                                   std::strerror(errno)));
  size_t Done = 0;
  while (Done < Text.size()) {
    ssize_t W = ::write(Fd, Text.data() + Done, Text.size() - Done);
    if (W < 0 && errno == EINTR)
      continue;
    if (W <= 0) {
      int Err = errno;
      ::close(Fd);
      return Error::make(ErrorKind::Io, formatString("cannot write %s: %s",
                                                     Path.c_str(),
                                                     std::strerror(Err)));
    }
    Done += size_t(W);
  }
  ::close(Fd);
  return Path;
}

} // namespace kiln
