//===- kiln/trap.h - Trap codes ---------------------------------*- C++ -*-===//
#ifndef KILN_TRAP_H
#define KILN_TRAP_H

#include <cstdint>

namespace kiln {

enum class TrapCode : uint32_t {
  None = 0,
#define KILN_TRAP(Name, Code, Message) Name = Code,
#include "kiln/traps.def"
};

/// The spec's wording for a trap ("integer divide by zero").
inline const char *trapMessage(TrapCode C) {
  switch (C) {
  case TrapCode::None:
    return "no trap";
#define KILN_TRAP(Name, Code, Message)                                         \
  case TrapCode::Name:                                                         \
    return Message;
#include "kiln/traps.def"
  }
  return "unknown trap";
}

} // namespace kiln

#endif // KILN_TRAP_H
