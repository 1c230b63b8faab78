//===- tools/kiln/json_string.h - A string as a JSON literal ----*- C++ -*-===//
//
// The CLI's --json outputs quote names that come from files (exports,
// imports, paths). Valid UTF-8 passes through; quotes, backslashes and
// control bytes are escaped, and a byte that is not part of valid UTF-8 is
// written as the code point of the same value, so that the output is
// always valid JSON whatever the file held.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_JSON_STRING_H
#define KILN_TOOLS_JSON_STRING_H

#include "kiln/error.h"

#include <string>
#include <string_view>

namespace kiln::cli {

/// Length of the valid UTF-8 sequence at the start of `S`, or 0.
inline size_t utf8SequenceLength(std::string_view S) {
  auto Byte = [&](size_t I) { return static_cast<unsigned char>(S[I]); };
  unsigned char C = Byte(0);
  size_t N = C < 0x80 ? 1 : (C >> 5) == 0x6 ? 2 : (C >> 4) == 0xe ? 3
                         : (C >> 3) == 0x1e ? 4 : 0;
  if (N == 0 || N > S.size())
    return 0;
  uint32_t Cp = N == 1 ? C : C & (0x7f >> N);
  for (size_t I = 1; I < N; ++I) {
    if ((Byte(I) & 0xc0) != 0x80)
      return 0;
    Cp = Cp << 6 | (Byte(I) & 0x3f);
  }
  // No overlong forms, no surrogates, nothing past U+10FFFF.
  static constexpr uint32_t Least[] = {0, 0, 0x80, 0x800, 0x10000};
  if (Cp < Least[N] || (Cp >= 0xd800 && Cp <= 0xdfff) || Cp > 0x10ffff)
    return 0;
  return N;
}

inline std::string jsonString(std::string_view S) {
  std::string Out = "\"";
  for (size_t I = 0; I < S.size();) {
    unsigned char C = static_cast<unsigned char>(S[I]);
    size_t N = utf8SequenceLength(S.substr(I));
    if (C == '"' || C == '\\') {
      Out += '\\';
      Out += char(C);
    } else if (C < 0x20 || C == 0x7f || N == 0) {
      Out += formatString("\\u%04x", C);
    } else {
      Out.append(S.substr(I, N));
      I += N;
      continue;
    }
    ++I;
  }
  return Out + "\"";
}

} // namespace kiln::cli

#endif // KILN_TOOLS_JSON_STRING_H
