//===- tools/kiln/limit_flags.cc - kiln run's resource limits -------------===//

#include "tools/kiln/limit_flags.h"

#include "tools/kiln/cli.h"

#include <cerrno>
#include <cstdlib>

namespace kiln::cli {

namespace {
struct LimitOption {
  const char *Name;
  uint64_t ResourceLimits::*Field;
  bool Bytes; // takes K/M/G suffixes
  const char *Help;
};

const LimitOption Options[] = {
    {"max-memory-size", &ResourceLimits::MaxMemoryBytes, true,
     "Bytes of one memory"},
    {"max-total-memory-size", &ResourceLimits::MaxTotalMemoryBytes, true,
     "Bytes of all memories"},
    {"max-table-elements", &ResourceLimits::MaxTableElements, false,
     "Elements of one table"},
    {"max-total-table-elements", &ResourceLimits::MaxTotalTableElements,
     false, "Elements of all tables"},
    {"max-instances", &ResourceLimits::MaxInstances, false,
     "Live instances"},
    {"max-tables", &ResourceLimits::MaxTables, false, "Live tables"},
    {"max-memories", &ResourceLimits::MaxMemories, false, "Live memories"},
};

const LimitOption *find(const std::string &Name) {
  for (const LimitOption &O : Options)
    if (Name == O.Name)
      return &O;
  return nullptr;
}

std::string valueString(uint64_t V, bool Bytes) {
  if (V == ResourceLimits::Unlimited)
    return "unlimited";
  if (Bytes && V % (uint64_t(1) << 20) == 0)
    return formatString("%lluM", (unsigned long long)(V >> 20));
  if (Bytes && V >= (uint64_t(1) << 20)) // half the RAM: rarely round
    return formatString("%llu, %lluM", (unsigned long long)V,
                        (unsigned long long)(V >> 20));
  return formatString("%llu", (unsigned long long)V);
}
} // namespace

const char *const LimitLongOptions[7] = {
    "--max-memory-size", "--max-total-memory-size", "--max-table-elements",
    "--max-total-table-elements", "--max-instances", "--max-tables",
    "--max-memories"};

bool isLimitOption(const std::string &Name) { return find(Name) != nullptr; }

bool applyLimitOption(const std::string &Name, const std::string &Value,
                      ResourceLimits &L, std::string &Error) {
  const LimitOption *O = find(Name);
  if (!O) {
    Error = "unknown limit '" + Name + "'";
    return false;
  }
  if (Value == "unlimited") {
    L.*O->Field = ResourceLimits::Unlimited;
    return true;
  }
  uint64_t V = 0;
  bool Ok = O->Bytes ? parseByteSize(Value, V) : false;
  if (!O->Bytes) {
    char *End = nullptr;
    errno = 0;
    unsigned long long N = std::strtoull(Value.c_str(), &End, 10);
    Ok = !Value.empty() && Value[0] >= '0' && Value[0] <= '9' && !errno &&
         !*End;
    V = N;
  }
  if (!Ok) {
    Error = "invalid value '" + Value + "' for " + Name +
            (O->Bytes ? " (bytes, or with K, M, G; or 'unlimited')"
                      : " (a count, or 'unlimited')");
    return false;
  }
  L.*O->Field = V;
  return true;
}

std::string limitOptionsHelp() {
  ResourceLimits D = ResourceLimits::defaults();
  std::string Out =
      "Resource limits (-W NAME=N or --NAME N; K, M, G suffixes for sizes;\n"
      "'unlimited' lifts one). A module declaring more is refused before\n"
      "anything is allocated; memory.grow or table.grow past one returns -1.\n"
      "The defaults keep the machine alive whatever the module does: all\n"
      "memories together get half of the physical RAM, tables 10M elements\n"
      "(V8's and wasmparser's per-table limit), and 10,000 instances,\n"
      "tables and memories (Wasmtime's store defaults):\n";
  for (const LimitOption &O : Options)
    Out += formatString("  %-25s %-22s (default %s)\n", O.Name, O.Help,
                        valueString(D.*O.Field, O.Bytes).c_str());
  return Out;
}

} // namespace kiln::cli
