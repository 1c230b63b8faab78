//===- agent/src/quoted_string.h - A string in double quotes -----*- C++ -*-===//
//
// TOML basic strings (the manifest writer) and JSON strings (kiln ctl status
// --json) escape alike: a backslash before '"' and '\\', and \uXXXX for
// control characters.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_AGENT_QUOTED_STRING_H
#define KILN_AGENT_QUOTED_STRING_H

#include <cstdio>
#include <string>
#include <string_view>

namespace kiln::agent {

inline std::string quotedString(std::string_view S) {
  std::string Out = "\"";
  for (unsigned char C : S) {
    if (C == '"' || C == '\\') {
      Out += '\\';
      Out += char(C);
    } else if (C < 0x20 || C == 0x7f) {
      char Buf[8];
      std::snprintf(Buf, sizeof(Buf), "\\u%04x", C);
      Out += Buf;
    } else {
      Out += char(C);
    }
  }
  return Out + "\"";
}

} // namespace kiln::agent

#endif // KILN_AGENT_QUOTED_STRING_H
