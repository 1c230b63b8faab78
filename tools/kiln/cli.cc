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

Error writeTextFile(const std::string &Path, std::string_view Text) {
  std::FILE *F = std::fopen(Path.c_str(), "w");
  if (!F)
    return Error::make(ErrorKind::Io, formatString("cannot write %s: %s",
                                                   Path.c_str(),
                                                   std::strerror(errno)));
  bool Failed = std::fwrite(Text.data(), 1, Text.size(), F) != Text.size();
  Failed |= std::fclose(F) != 0;
  if (Failed)
    return Error::make(ErrorKind::Io,
                       formatString("cannot write %s", Path.c_str()));
  return Error::success();
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

int usageError(const char *Cmd, const std::string &Msg) {
  std::fprintf(stderr, "kiln %s: error: %s\n(run 'kiln %s --help' for usage)\n",
               Cmd, Msg.c_str(), Cmd);
  return ExitUsage;
}

} // namespace kiln::cli
