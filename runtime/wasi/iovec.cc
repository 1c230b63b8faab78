//===- runtime/wasi/iovec.cc - Guest iovec arrays to host iovecs ----------===//

#include "wasi/iovec.h"

#include <climits>

namespace kiln::wasi {

/// At most this many bytes per call (Linux moves at most ~2 GiB anyway, and
/// a 32-bit host's ssize_t cannot count more).
static constexpr uint64_t MaxTransfer = 0x7ffff000;
static constexpr uint32_t MaxIovecs = IOV_MAX;

Errno gatherIovecs(const GuestMemory &Mem, uint32_t Ptr, uint32_t Count,
                   std::vector<struct iovec> &Out) {
  const uint8_t *Arr = Mem.array(Ptr, Count, layout::IovecSize);
  if (!Arr)
    return Errno::Fault;
  Out.clear();
  uint64_t Total = 0;
  for (uint32_t I = 0; I < Count && I < MaxIovecs; ++I) {
    uint32_t Buf = getField<uint32_t>(Arr, I * layout::IovecSize);
    uint32_t Len = getField<uint32_t>(Arr, I * layout::IovecSize + 4);
    uint8_t *P = Mem.span(Buf, Len);
    if (!P)
      return Errno::Fault;
    if (Total + Len > MaxTransfer) {
      Len = uint32_t(MaxTransfer - Total);
      if (Len == 0)
        break;
    }
    Out.push_back({P, size_t(Len)});
    Total += Len;
  }
  return Errno::Success;
}

} // namespace kiln::wasi
