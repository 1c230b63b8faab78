//===- tools/kiln/cli.cc - Shared pieces of the kiln subcommands ----------===//

#include "tools/kiln/cli.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace kiln::cli {

Expected<std::vector<uint8_t>> readFile(const std::string &Path) {
  std::FILE *F = std::fopen(Path.c_str(), "rb");
  if (!F)
    return Error::make(ErrorKind::Io, formatString("cannot open %s: %s",
                                                   Path.c_str(),
                                                   std::strerror(errno)));
  std::vector<uint8_t> Bytes;
  uint8_t Buf[65536];
  size_t N;
  while ((N = std::fread(Buf, 1, sizeof(Buf), F)) > 0)
    Bytes.insert(Bytes.end(), Buf, Buf + N);
  bool Failed = std::ferror(F);
  std::fclose(F);
  if (Failed)
    return Error::make(ErrorKind::Io,
                       formatString("cannot read %s", Path.c_str()));
  return Bytes;
}

bool isHelpFlag(const std::string &Arg) {
  return Arg == "-h" || Arg == "--help";
}

int usageError(const char *Cmd, const std::string &Msg) {
  std::fprintf(stderr, "kiln %s: error: %s\n(run 'kiln %s --help' for usage)\n",
               Cmd, Msg.c_str(), Cmd);
  return ExitUsage;
}

} // namespace kiln::cli
