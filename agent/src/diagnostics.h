//===- agent/src/diagnostics.h - Problems found in a manifest ----*- C++ -*-===//
//
// The manifest's parser and the application check report every problem they
// find, each at a line of the manifest and a key, so that one run of
// `kiln app check` shows all that needs fixing.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_AGENT_DIAGNOSTICS_H
#define KILN_AGENT_DIAGNOSTICS_H

#include "kiln/agent/manifest.h"

#include <string>
#include <vector>

namespace kiln::agent {

class Diagnostics {
public:
  explicit Diagnostics(std::string Path) : Path(std::move(Path)) {}

  /// "FILE:LINE:COLUMN: key 'KEY': MESSAGE" (no key part when Key is empty).
  void add(SourcePos P, const std::string &Key, const std::string &Msg) {
    std::string Line = Path + ":" + std::to_string(P.Line) + ":" +
                       std::to_string(P.Column) + ": ";
    if (!Key.empty())
      Line += "key '" + Key + "': ";
    Lines.push_back(Line + Msg);
  }
  bool empty() const { return Lines.empty(); }
  /// All problems, one per line, as one error of kind `K`.
  Error error(ErrorKind K = ErrorKind::Invalid) const {
    std::string All;
    for (const std::string &L : Lines)
      All += (All.empty() ? "" : "\n") + L;
    return Error::make(K, All);
  }

private:
  std::string Path;
  std::vector<std::string> Lines;
};

} // namespace kiln::agent

#endif // KILN_AGENT_DIAGNOSTICS_H
